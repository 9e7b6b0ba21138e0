// One HKDF subkey per purpose: the master key never encrypts anything itself, and purposes never share a key.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Aead from "../../src/platform/Aead"
import * as Crypto from "../../src/platform/Crypto"
import { createOpenStream, createSealStream, SealedStreamError } from "../../src/platform/SealedStream"
import { expectSameBytes, hex, MASTER_HEX, masterKey, pieces, rejection, through } from "./helpers"

const master = hex(MASTER_HEX)
const crypto = Crypto.make(masterKey())
const binding: Crypto.SecretBinding = { table: "integrations", column: "api_token", rowId: "7" }
const secret = "subkey-test-secret"
const fileContents = Buffer.from("a backup of the owner's second brain\n".repeat(5000))

describe("deriveKey", () => {
  it("is deterministic: the same master, info and salt give the same 32-byte key", () => {
    const first = Aead.deriveKey(master, "carabase/backups/v1")
    expect(first).toHaveLength(Aead.KEY_BYTES)
    expect(Aead.deriveKey(hex(MASTER_HEX), "carabase/backups/v1")).toEqual(first)
    expect(Aead.deriveKey(master, "x", Buffer.from("salt"))).toEqual(Aead.deriveKey(master, "x", Buffer.from("salt")))
  })

  it("gives a distinct key per info string, per salt and per master, none equal to the master", () => {
    const keys = [
      Aead.deriveKey(master, "carabase/column-secrets/v1"),
      Aead.deriveKey(master, "carabase/backups/v1"),
      Aead.deriveKey(master, "carabase/backups/v2"),
      Aead.deriveKey(master, ""),
      Aead.deriveKey(master, "carabase/backups/v1", Buffer.from("salt")),
      Aead.deriveKey(hex(MASTER_HEX.replace(/^00/, "01")), "carabase/backups/v1")
    ].map((k) => k.toString("hex"))
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys).not.toContain(MASTER_HEX)
  })
})

describe("Crypto subkeys", () => {
  it.effect("does not seal column secrets under the master key itself", () =>
    Effect.gen(function* () {
      const underMaster = Aead.sealEnvelope(master, Buffer.from(secret), Crypto.bindingAad(binding))
      const error = yield* Effect.flip(crypto.open(underMaster, binding))
      expect(error.reason).toBe("authentication")
      // ...and what Crypto seals does not open under the bare master key either.
      const sealed = yield* crypto.seal(Redacted.make(secret), binding)
      expect(Aead.openEnvelope(master, sealed, Crypto.bindingAad(binding))).toEqual({
        ok: false,
        reason: "authentication"
      })
    })
  )

  // Pins the key labels: changing one would make every stored secret and backup unreadable.
  it.effect("seals column secrets under HKDF(master, 'carabase/column-secrets/v1')", () =>
    Effect.gen(function* () {
      const subkey = Aead.deriveKey(master, "carabase/column-secrets/v1")
      const sealed = yield* crypto.seal(Redacted.make(secret), binding)
      const opened = Aead.openEnvelope(subkey, sealed, Crypto.bindingAad(binding))
      expect(opened.ok && opened.plaintext.toString()).toBe(secret)
    })
  )

  it("seals backups under HKDF(master, 'carabase/backups/v1')", async () => {
    const sealed = await through(crypto.sealStream("backups"), [fileContents])
    const opened = await through(createOpenStream(Aead.deriveKey(master, "carabase/backups/v1")), [sealed])
    expectSameBytes(opened, fileContents)
  })

  it("does not open a backup with the key of another purpose", async () => {
    const sealed = await through(crypto.sealStream("backups"), pieces(fileContents, 4096))
    const error = await rejection(through(crypto.openStream("column-secrets"), [sealed]))
    expect(error).toBeInstanceOf(SealedStreamError)
    const reverse = await through(crypto.sealStream("column-secrets"), [fileContents])
    expect(await rejection(through(crypto.openStream("backups"), [reverse]))).toBeInstanceOf(SealedStreamError)
  })

  it("does not open a file sealed directly under the master key as a backup", async () => {
    const sealed = await through(createSealStream(master), [fileContents])
    expect(await rejection(through(crypto.openStream("backups"), [sealed]))).toBeInstanceOf(SealedStreamError)
  })
})
