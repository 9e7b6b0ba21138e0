// Sealed values (column secrets): version 0x01 | 12-byte IV | ciphertext | 16-byte tag, bound to table/column/row.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Aead from "../../src/platform/Aead"
import * as Crypto from "../../src/platform/Crypto"
import { hex, MASTER_HEX, masterKey, OTHER_MASTER_HEX } from "./helpers"

const key = hex("8f".repeat(32))
const aad = Buffer.from("table/column/row", "utf8")
const secret = "sk-live-correct-horse-battery-staple"
const binding: Crypto.SecretBinding = { table: "integrations", column: "api_token", rowId: "42" }
const crypto = Crypto.make(masterKey())

const flipped = (bytes: Buffer, at: number, mask: number) => {
  const copy = Buffer.from(bytes)
  copy[at]! ^= mask
  return copy
}

/** Opens through the Crypto service and hands back the failure (the test fails if it opens). */
const openFailure = (envelope: Uint8Array, where: Crypto.SecretBinding, service = crypto) =>
  Effect.flip(service.open(envelope, where))

describe("Aead envelope", () => {
  it("round-trips, and is laid out as 0x01 | IV | ciphertext | tag", () => {
    for (const length of [0, 1, 15, 16, 17, 1000]) {
      const plaintext = Buffer.alloc(length, 0x61)
      const envelope = Aead.sealEnvelope(key, plaintext, aad)
      expect(envelope[0]).toBe(0x01)
      expect(envelope).toHaveLength(1 + 12 + length + 16)
      expect(Aead.openEnvelope(key, envelope, aad)).toEqual({ ok: true, plaintext })
    }
  })

  it("opens from a Uint8Array view into a larger buffer (as a database driver may hand it over)", () => {
    const envelope = Aead.sealEnvelope(key, Buffer.from(secret), aad)
    const backing = new Uint8Array(envelope.length + 10)
    backing.set(envelope, 5)
    const view = backing.subarray(5, 5 + envelope.length)
    expect(Aead.openEnvelope(key, view, aad)).toEqual({ ok: true, plaintext: Buffer.from(secret) })
  })

  it("refuses a change to any single byte: the version byte as unsupported, every other byte as authentication", () => {
    const envelope = Aead.sealEnvelope(key, Buffer.from(secret), aad)
    for (let at = 0; at < envelope.length; at++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const result = Aead.openEnvelope(key, flipped(envelope, at, mask), aad)
        expect(result, `byte ${at} ^ ${mask}`).toEqual({
          ok: false,
          reason: at === 0 ? "unsupported-version" : "authentication"
        })
      }
    }
  })

  it("refuses an envelope cut short by one byte, or whose tag is cut to 15 or 12 bytes", () => {
    const envelope = Aead.sealEnvelope(key, Buffer.from(secret), aad)
    for (const cut of [1, 4]) {
      expect(Aead.openEnvelope(key, envelope.subarray(0, envelope.length - cut), aad)).toEqual({
        ok: false,
        reason: "authentication"
      })
    }
  })

  it("refuses an envelope of an empty plaintext whose tag is cut short, as malformed", () => {
    const envelope = Aead.sealEnvelope(key, Buffer.alloc(0), aad)
    expect(envelope).toHaveLength(29)
    expect(Aead.openEnvelope(key, envelope.subarray(0, 28), aad)).toEqual({ ok: false, reason: "malformed" })
    expect(Aead.openEnvelope(key, envelope.subarray(0, 25), aad)).toEqual({ ok: false, reason: "malformed" })
  })

  it("refuses one extra byte appended", () => {
    const envelope = Aead.sealEnvelope(key, Buffer.from(secret), aad)
    const longer = Buffer.concat([envelope, Buffer.of(0)])
    expect(Aead.openEnvelope(key, longer, aad)).toEqual({ ok: false, reason: "authentication" })
  })

  it("refuses the wrong key and the wrong associated data", () => {
    const envelope = Aead.sealEnvelope(key, Buffer.from(secret), aad)
    expect(Aead.openEnvelope(flipped(key, 31, 0x01), envelope, aad)).toEqual({ ok: false, reason: "authentication" })
    expect(Aead.openEnvelope(key, envelope, Buffer.from("table/column/row2"))).toEqual({
      ok: false,
      reason: "authentication"
    })
  })
})

describe("Crypto seal / open / openString", () => {
  it.effect("round-trips a string, bytes, an empty value and non-ASCII text", () =>
    Effect.gen(function* () {
      const text = yield* crypto.seal(Redacted.make(secret), binding)
      expect(Redacted.value(yield* crypto.openString(text, binding))).toBe(secret)

      const bytes = Buffer.from([0, 1, 2, 254, 255])
      const sealedBytes = yield* crypto.seal(Redacted.make<Uint8Array>(bytes), binding)
      expect(Redacted.value(yield* crypto.open(sealedBytes, binding))).toEqual(bytes)

      const empty = yield* crypto.seal(Redacted.make(""), binding)
      expect(Redacted.value(yield* crypto.openString(empty, binding))).toBe("")

      const unicode = "pässwörd \u{1F511} 鍵"
      const sealedUnicode = yield* crypto.seal(Redacted.make(unicode), binding)
      expect(Redacted.value(yield* crypto.openString(sealedUnicode, binding))).toBe(unicode)
    })
  )

  it.effect("lays a sealed value out as 0x01 | IV | ciphertext | tag, with no plaintext in it", () =>
    Effect.gen(function* () {
      const envelope = yield* crypto.seal(Redacted.make(secret), binding)
      expect(envelope[0]).toBe(0x01)
      expect(envelope).toHaveLength(1 + 12 + Buffer.byteLength(secret) + 16)
      expect(envelope.includes(Buffer.from(secret))).toBe(false)
    })
  )

  it.effect("hands back the opened value Redacted", () =>
    Effect.gen(function* () {
      const envelope = yield* crypto.seal(Redacted.make(secret), binding)
      const opened = yield* crypto.openString(envelope, binding)
      expect(Redacted.isRedacted(opened)).toBe(true)
      expect(String(opened)).not.toContain(secret)
      expect(JSON.stringify({ opened })).not.toContain(secret)
    })
  )

  it.effect("refuses a change to any single byte of a sealed value", () =>
    Effect.gen(function* () {
      const envelope = yield* crypto.seal(Redacted.make(secret), binding)
      for (let at = 0; at < envelope.length; at++) {
        const error = yield* openFailure(flipped(envelope, at, 0x01), binding)
        expect(error, `byte ${at}`).toBeInstanceOf(Crypto.SealedValueError)
        expect(error.reason, `byte ${at}`).toBe(at === 0 ? "unsupported-version" : "authentication")
      }
    })
  )

  it.effect("refuses a sealed value cut by one byte, or with only 15 or 12 tag bytes", () =>
    Effect.gen(function* () {
      const envelope = yield* crypto.seal(Redacted.make(secret), binding)
      for (const cut of [1, 4]) {
        const error = yield* openFailure(envelope.subarray(0, envelope.length - cut), binding)
        expect(error.reason).toBe("authentication")
      }
    })
  )

  it.effect("refuses a value sealed under another master key", () =>
    Effect.gen(function* () {
      const envelope = yield* crypto.seal(Redacted.make(secret), binding)
      const other = Crypto.make(masterKey(OTHER_MASTER_HEX))
      const error = yield* openFailure(envelope, binding, other)
      expect(error.reason).toBe("authentication")
      expect(error.message).toContain("HOST_MASTER_KEY")
    })
  )

  const elsewhere: ReadonlyArray<readonly [string, Crypto.SecretBinding]> = [
    ["another row of the same column", { ...binding, rowId: "43" }],
    ["another column of the same row", { ...binding, column: "refresh_token" }],
    ["another table", { ...binding, table: "webhooks" }],
    // The binding is JSON-encoded, so moving characters between fields must not yield the same associated data.
    ["fields that concatenate to the same text", { table: "integrations", column: "api_token4", rowId: "2" }]
  ]
  for (const [label, where] of elsewhere) {
    it.effect(`refuses a value moved to ${label}, naming the place but not the secret or key`, () =>
      Effect.gen(function* () {
        const envelope = yield* crypto.seal(Redacted.make(secret), binding)
        const error = yield* openFailure(envelope, where)
        expect(error).toBeInstanceOf(Crypto.SealedValueError)
        expect(error.reason).toBe("authentication")
        expect(error.binding).toEqual(where)
        expect(error.message).toContain(`${where.table}.${where.column} (row ${where.rowId})`)
        for (const shown of [error.message, String(error), JSON.stringify(error)]) {
          expect(shown).not.toContain(secret)
          expect(shown.toLowerCase()).not.toContain(MASTER_HEX)
        }
      })
    )
  }

  it.effect("refuses an unknown format version", () =>
    Effect.gen(function* () {
      const envelope = Buffer.from(yield* crypto.seal(Redacted.make(secret), binding))
      envelope[0] = 0x02
      const error = yield* openFailure(envelope, binding)
      expect(error.reason).toBe("unsupported-version")
      expect(error.message).toContain("unknown format version")
    })
  )

  it.effect("refuses input too short to be a sealed value as malformed", () =>
    Effect.gen(function* () {
      for (const length of [0, 1, 28]) {
        const error = yield* openFailure(Buffer.alloc(length, 0x01), binding)
        expect(error.reason, `${length} bytes`).toBe("malformed")
        expect(error.message).toContain("too short")
      }
    })
  )

  it.effect("still opens a value sealed by format v1 (fixture made with master key 0x00..0x1f)", () =>
    Effect.gen(function* () {
      const fixture = hex(
        "0120c2476ccd3a550eaef15618e763550d460160441d0931b7badabf506ba337e41fd2c5ef30858ac366c5008919e78853f658098f"
      )
      const opened = yield* crypto.openString(fixture, { table: "integrations", column: "api_token", rowId: "42" })
      expect(Redacted.value(opened)).toBe("sk-live-carabase-fixture")
    })
  )
})
