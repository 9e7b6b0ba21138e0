// A backup far larger than the memory the streams may use: 256 MiB sealed and opened in one pipeline, never held.
import { createHash, randomBytes } from "node:crypto"
import { Readable, Writable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { describe, expect, it } from "@effect/vitest"
import * as Crypto from "../../src/platform/Crypto"
import { masterKey } from "./helpers"

const MiB = 1024 * 1024
const TOTAL = 256 * MiB
const PIECE = MiB

describe("SealedStream at scale", () => {
  it("seals and opens 256 MiB through a pipeline with the same SHA-256 out as in, in bounded memory", async () => {
    const crypto = Crypto.make(masterKey())
    const hashIn = createHash("sha256")
    const hashOut = createHash("sha256")
    const pattern = randomBytes(PIECE + 4099)
    let bytesOut = 0
    const rssBefore = process.memoryUsage.rss()
    let rssPeak = rssBefore

    // Every piece is a fresh buffer with a different window of the pattern, so no two pieces are alike.
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < TOTAL / PIECE; i++) {
          const offset = (i * 257) % 4099
          const piece = Buffer.from(pattern.subarray(offset, offset + PIECE))
          piece.writeUInt32BE(i, 0)
          hashIn.update(piece)
          yield piece
        }
      })()
    )
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        hashOut.update(chunk)
        bytesOut += chunk.length
        rssPeak = Math.max(rssPeak, process.memoryUsage.rss())
        callback()
      }
    })

    await pipeline(source, crypto.sealStream("backups"), crypto.openStream("backups"), sink)

    expect(bytesOut).toBe(TOTAL)
    expect(hashOut.digest("hex")).toBe(hashIn.digest("hex"))
    expect((rssPeak - rssBefore) / MiB).toBeLessThan(96)
  }, 60_000)
})
