// Small shared helpers for the crypto suite: fixed keys, and running bytes through a stream Transform.
import { Readable, Writable, type Transform } from "node:stream"
import { pipeline } from "node:stream/promises"
import { expect } from "@effect/vitest"
import { Redacted } from "effect"

export const hex = (text: string): Buffer => Buffer.from(text, "hex")

export const MASTER_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
export const OTHER_MASTER_HEX = "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f"
export const masterKey = (text = MASTER_HEX) => Redacted.make(hex(text))

/** Cuts `bytes` into pieces of `size` bytes (the last may be shorter), as a stream would deliver them. */
export const pieces = (bytes: Buffer, size = bytes.length): Array<Buffer> => {
  const out: Array<Buffer> = []
  for (let at = 0; at < bytes.length; at += Math.max(1, size)) out.push(bytes.subarray(at, at + Math.max(1, size)))
  return out
}

/** Writes `input` (already cut into pieces) through `transform` and resolves with everything it produced. */
export const through = async (transform: Transform, input: Array<Buffer>): Promise<Buffer> => {
  const out: Array<Buffer> = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.push(chunk)
      callback()
    }
  })
  await pipeline(Readable.from(input), transform, sink)
  return Buffer.concat(out)
}

/** Resolves with whatever `promise` rejects with; fails the test if it resolves. */
export const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected a failure, but it succeeded")
    },
    (error: unknown) => error
  )

/** Byte-for-byte equality. (toEqual walks a Buffer element by element: half a second for 200 KiB.) */
export const expectSameBytes = (actual: Buffer, expected: Buffer, label?: string) =>
  expect({ length: actual.length, equal: actual.equals(expected) }, label).toEqual({
    length: expected.length,
    equal: true
  })
