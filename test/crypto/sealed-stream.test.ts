// Sealed files (backups): "CBSF" | 0x01 | chunk size (u32 BE) | 32-byte salt, then chunks of ciphertext + 16-byte tag,
// the last one flagged final. Small chunk sizes reach every edge case with a few bytes of data.
import { randomBytes, randomInt } from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import * as Crypto from "../../src/platform/Crypto"
import {
  createOpenStream,
  createSealStream,
  DEFAULT_CHUNK_BYTES,
  HEADER_BYTES,
  SealedStreamError
} from "../../src/platform/SealedStream"
import { expectSameBytes, hex, masterKey, OTHER_MASTER_HEX, pieces, rejection, through } from "./helpers"

const TAG = 16
const CHUNK = 16
const key = hex("5a".repeat(32))

const seal = (plaintext: Buffer, writeSize = plaintext.length) =>
  through(createSealStream(key, CHUNK), pieces(plaintext, writeSize))
const open = (sealed: Buffer, readSize = sealed.length, purposeKey = key) =>
  through(createOpenStream(purposeKey), pieces(sealed, readSize))

/** Opening must fail with a SealedStreamError whose message matches `message`. */
const expectOpenToFail = async (sealed: Buffer, message: RegExp, readSize = sealed.length, purposeKey = key) => {
  const error = await rejection(open(sealed, readSize, purposeKey))
  expect(error).toBeInstanceOf(SealedStreamError)
  expect((error as SealedStreamError).message).toMatch(message)
}

const sealedLength = (plaintextBytes: number, chunk: number) =>
  HEADER_BYTES + plaintextBytes + TAG * Math.max(1, Math.ceil(plaintextBytes / chunk))
/** Byte offset of sealed chunk `index` in a file sealed with 16-byte chunks. */
const chunkAt = (index: number) => HEADER_BYTES + index * (CHUNK + TAG)

/** Splits at random points, as a network or file read might. */
const randomPieces = (bytes: Buffer, max: number): Array<Buffer> => {
  const out: Array<Buffer> = []
  for (let at = 0; at < bytes.length;) {
    const size = randomInt(1, max + 1)
    out.push(bytes.subarray(at, at + size))
    at += size
  }
  return out
}

const MODIFIED = /sealed file (was modified|is truncated, has extra bytes appended, was modified)/
const TRUNCATED = /truncated/

describe("SealedStream layout", () => {
  it("writes the header, then one sealed chunk per 16 bytes, the last one possibly short or empty", async () => {
    for (const size of [0, 1, 15, 16, 17, 48, 69]) {
      const sealed = await seal(randomBytes(size))
      expect(sealed.subarray(0, 4).toString("ascii")).toBe("CBSF")
      expect(sealed[4]).toBe(0x01)
      expect(sealed.readUInt32BE(5)).toBe(CHUNK)
      expect(HEADER_BYTES).toBe(4 + 1 + 4 + 32)
      expect(sealed, `${size} bytes`).toHaveLength(sealedLength(size, CHUNK))
    }
  })

  it("uses a fresh salt, so the same file sealed twice differs everywhere after the fixed header fields", async () => {
    const plaintext = Buffer.alloc(64, 0x41)
    const [a, b] = [await seal(plaintext), await seal(plaintext)]
    expect(a.subarray(0, 9)).toEqual(b.subarray(0, 9))
    expect(a.subarray(9, HEADER_BYTES)).not.toEqual(b.subarray(9, HEADER_BYTES))
    expect(a.subarray(HEADER_BYTES)).not.toEqual(b.subarray(HEADER_BYTES))
    expect(a.includes(plaintext.subarray(0, 8))).toBe(false)
  })
})

describe("SealedStream round trip with 16-byte chunks", () => {
  const sizes = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK, 3 * CHUNK + 5, randomInt(1, 2000)]
  for (const size of sizes) {
    it(`${size} bytes, written and read in pieces of every awkward size`, async () => {
      const plaintext = randomBytes(size)
      for (const writeSize of [size, 1, 5, CHUNK, CHUNK + 1, 3 * CHUNK]) {
        const sealed = await seal(plaintext, writeSize)
        for (const readSize of [sealed.length, 1, 7, CHUNK + TAG, CHUNK + TAG + 1, HEADER_BYTES + 1]) {
          expectSameBytes(await open(sealed, readSize), plaintext, `write ${writeSize}, read ${readSize}`)
        }
        expectSameBytes(await through(createOpenStream(key), randomPieces(sealed, 100)), plaintext)
      }
    })
  }

  it("random sizes split at random points", async () => {
    for (let round = 0; round < 50; round++) {
      const plaintext = randomBytes(randomInt(0, 5000))
      const sealed = await through(createSealStream(key, CHUNK), randomPieces(plaintext, 200))
      expectSameBytes(await through(createOpenStream(key), randomPieces(sealed, 200)), plaintext, `${plaintext.length}`)
    }
  })
})

describe("Crypto sealStream / openStream (64 KiB chunks)", () => {
  const crypto = Crypto.make(masterKey())
  const C = DEFAULT_CHUNK_BYTES
  const sizes = [0, 1, C - 1, C, C + 1, 3 * C, randomInt(1, 4 * C), randomInt(1, 4 * C)]
  for (const size of sizes) {
    it(`round-trips ${size} bytes`, async () => {
      const plaintext = randomBytes(size)
      for (const writeSize of [size, 10_000, C + 1]) {
        const sealed = await through(crypto.sealStream("backups"), pieces(plaintext, writeSize))
        expect(sealed).toHaveLength(sealedLength(size, C))
        expectSameBytes(await through(crypto.openStream("backups"), pieces(sealed, C)), plaintext)
        expectSameBytes(await through(crypto.openStream("backups"), [sealed]), plaintext)
      }
    })
  }

  it("refuses a backup sealed under another master key", async () => {
    const sealed = await through(crypto.sealStream("backups"), [randomBytes(3 * C)])
    const other = Crypto.make(masterKey(OTHER_MASTER_HEX))
    const error = await rejection(through(other.openStream("backups"), [sealed]))
    expect(error).toBeInstanceOf(SealedStreamError)
    expect((error as Error).message).toMatch(/different key/)
  })

  it("refuses a change in the header, a middle chunk, the final chunk and the final tag", async () => {
    const sealed = await through(crypto.sealStream("backups"), [randomBytes(2 * C + 100)])
    const positions = {
      "header salt": 20,
      "middle chunk": HEADER_BYTES + (C + TAG) + 1000,
      "final chunk": sealed.length - TAG - 50,
      "final tag": sealed.length - 1
    }
    for (const [where, at] of Object.entries(positions)) {
      const tampered = Buffer.from(sealed)
      tampered[at]! ^= 0x01
      const error = await rejection(through(crypto.openStream("backups"), [tampered]))
      expect(error, where).toBeInstanceOf(SealedStreamError)
    }
  })
})

describe("SealedStream refuses a changed file", () => {
  // 69 bytes = four full chunks and a final chunk of 5 bytes.
  const plaintext = randomBytes(4 * CHUNK + 5)
  const sealedFile = seal(plaintext)

  it("opens the untouched file (the baseline for the tampering below)", async () => {
    const sealed = await sealedFile
    expect(sealed).toHaveLength(chunkAt(4) + 5 + TAG)
    expectSameBytes(await open(sealed), plaintext)
  })

  const tamperEach = async (from: number, to: number, message: (at: number) => RegExp) => {
    const sealed = await sealedFile
    for (let at = from; at < to; at++) {
      for (const mask of [0x01, 0x80]) {
        const tampered = Buffer.from(sealed)
        tampered[at]! ^= mask
        const error = await rejection(open(tampered))
        expect(error, `byte ${at} ^ ${mask}`).toBeInstanceOf(SealedStreamError)
        expect((error as Error).message, `byte ${at} ^ ${mask}`).toMatch(message(at))
      }
    }
  }

  it("any byte of the header: magic and version as a bad header, chunk size and salt as modified", () =>
    tamperEach(0, HEADER_BYTES, (at) =>
      at < 5 ? /not a Carabase sealed file/ : at < 9 ? /corrupt|modified/ : MODIFIED
    ))

  it("any byte of a middle chunk", () => tamperEach(chunkAt(2), chunkAt(3), () => MODIFIED))

  it("any byte of the final chunk's ciphertext", () => tamperEach(chunkAt(4), chunkAt(4) + 5, () => MODIFIED))

  it("any byte of the final tag", async () => {
    const length = (await sealedFile).length
    await tamperEach(length - TAG, length, () => MODIFIED)
  })

  it("truncation at a chunk boundary", async () => {
    const sealed = await sealedFile
    for (const chunks of [1, 2, 3, 4]) {
      await expectOpenToFail(sealed.subarray(0, chunkAt(chunks)), TRUNCATED)
    }
  })

  it("truncation in the middle of a chunk, or of the final tag", async () => {
    const sealed = await sealedFile
    for (const length of [chunkAt(1) + 3, chunkAt(3) - 1, sealed.length - 1, sealed.length - TAG]) {
      await expectOpenToFail(sealed.subarray(0, length), TRUNCATED)
    }
  })

  it("removal of the final chunk, also when it is a full one", async () => {
    const sealed = await sealedFile
    await expectOpenToFail(sealed.subarray(0, chunkAt(4)), TRUNCATED)
    const exact = await seal(randomBytes(4 * CHUNK))
    expect(exact).toHaveLength(chunkAt(4))
    await expectOpenToFail(exact.subarray(0, chunkAt(3)), TRUNCATED)
  })

  it("a file cut down to its header, to part of it, or to nothing", async () => {
    const sealed = await sealedFile
    await expectOpenToFail(sealed.subarray(0, HEADER_BYTES), /missing final chunk/)
    await expectOpenToFail(sealed.subarray(0, HEADER_BYTES - 1), /incomplete header/)
    await expectOpenToFail(Buffer.alloc(0), /incomplete header/)
  })

  it("one byte appended", async () => {
    const sealed = await sealedFile
    for (const extra of [0x00, 0xff]) await expectOpenToFail(Buffer.concat([sealed, Buffer.of(extra)]), MODIFIED)
    const exact = await seal(randomBytes(4 * CHUNK))
    await expectOpenToFail(Buffer.concat([exact, Buffer.of(0)]), MODIFIED)
  })

  it("a whole valid-looking chunk appended", async () => {
    const sealed = await sealedFile
    const middle = sealed.subarray(chunkAt(1), chunkAt(2))
    const final = sealed.subarray(chunkAt(4))
    await expectOpenToFail(Buffer.concat([sealed, middle]), MODIFIED)
    await expectOpenToFail(Buffer.concat([sealed, final]), MODIFIED)
    // Two files under the same key: the final chunk of one after the complete other.
    const other = await seal(randomBytes(4 * CHUNK + 5))
    await expectOpenToFail(Buffer.concat([sealed, other.subarray(HEADER_BYTES)]), MODIFIED)
  })

  it("two chunks swapped", async () => {
    const sealed = await sealedFile
    const swapped = Buffer.concat([
      sealed.subarray(0, chunkAt(1)),
      sealed.subarray(chunkAt(2), chunkAt(3)),
      sealed.subarray(chunkAt(1), chunkAt(2)),
      sealed.subarray(chunkAt(3))
    ])
    expect(swapped).toHaveLength(sealed.length)
    await expectOpenToFail(swapped, /reordered/)
  })

  it("a chunk dropped from the middle", async () => {
    const sealed = await sealedFile
    await expectOpenToFail(Buffer.concat([sealed.subarray(0, chunkAt(1)), sealed.subarray(chunkAt(2))]), MODIFIED)
  })

  it("the header of another file spliced in front", async () => {
    const sealed = await sealedFile
    const other = await seal(randomBytes(4 * CHUNK + 5))
    await expectOpenToFail(Buffer.concat([other.subarray(0, HEADER_BYTES), sealed.subarray(HEADER_BYTES)]), MODIFIED)
  })

  it("the wrong key", async () => {
    const sealed = await sealedFile
    await expectOpenToFail(sealed, /different key/, sealed.length, hex("5b".repeat(32)))
  })

  it("fails the same way whatever the read size", async () => {
    const sealed = await sealedFile
    for (const readSize of [1, 7, CHUNK + TAG, 1000]) {
      await expectOpenToFail(sealed.subarray(0, chunkAt(3)), TRUNCATED, readSize)
      const tampered = Buffer.from(sealed)
      tampered[chunkAt(1) + 2]! ^= 0x01
      await expectOpenToFail(tampered, /modified/, readSize)
    }
  })
})

describe("sealed stream chunk size", () => {
  it("refuses a chunk size it could not open again", () => {
    for (const size of [0, -1, 1.5, 16 * 1024 * 1024 + 1]) {
      expect(() => createSealStream(Buffer.alloc(32, 1), size)).toThrow(RangeError)
    }
  })
})
