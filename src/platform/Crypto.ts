// The Crypto layer: AES-256-GCM under subkeys derived from the master key. Small secrets are sealed bound to
// where they are stored (table, column, row id, and what else their row says they are for), so a ciphertext moved
// elsewhere does not open. Files are sealed as authenticated chunk streams (see SealedStream). The key check is a
// value only this master key gives, which a database stores to recognise its key.
import * as nodeCrypto from "node:crypto"
import type { Transform } from "node:stream"
import { Context, Data, Effect, Layer, Redacted } from "effect"
import { deriveKey, openEnvelope, sealEnvelope, type OpenFailure } from "./Aead"
import { MasterKey } from "./MasterKey"
import { createOpenStream, createSealStream } from "./SealedStream"

/** Every purpose gets its own HKDF subkey; add a purpose here rather than reusing one. */
export const Purposes = ["column-secrets", "backups"] as const
export type Purpose = (typeof Purposes)[number]

/** Where a sealed secret lives. It is the associated data, so the ciphertext only opens in that place. */
export interface SecretBinding {
  readonly table: string
  readonly column: string
  readonly rowId: string
  /** What else of the row the secret is for (a model route's destination): changing it leaves the secret unopenable. */
  readonly context?: string
}

export class SealedValueError extends Data.TaggedError("SealedValueError")<{
  readonly reason: OpenFailure
  readonly binding: SecretBinding
}> {
  override get message() {
    const where = `${this.binding.table}.${this.binding.column} (row ${this.binding.rowId})`
    switch (this.reason) {
      case "authentication":
        return `sealed value in ${where} does not open: it was altered, moved from another row${this.binding.context === undefined ? "" : ", given for another destination than its row names now"}, or sealed under another HOST_MASTER_KEY`
      case "unsupported-version":
        return `sealed value in ${where} has an unknown format version`
      case "malformed":
        return `sealed value in ${where} is too short to be a sealed value`
    }
  }
}

export const bindingAad = (binding: SecretBinding): Buffer =>
  Buffer.from(
    JSON.stringify([
      "carabase/secret/v1",
      binding.table,
      binding.column,
      binding.rowId,
      ...(binding.context === undefined ? [] : [binding.context])
    ]),
    "utf8"
  )

const KEY_CHECK_LABEL = "carabase master key check"

export interface CryptoShape {
  readonly seal: (plaintext: Redacted.Redacted<string | Uint8Array>, binding: SecretBinding) => Effect.Effect<Buffer>
  readonly open: (
    envelope: Uint8Array,
    binding: SecretBinding
  ) => Effect.Effect<Redacted.Redacted<Buffer>, SealedValueError>
  readonly openString: (
    envelope: Uint8Array,
    binding: SecretBinding
  ) => Effect.Effect<Redacted.Redacted<string>, SealedValueError>
  /** A Transform that turns plaintext bytes into a sealed file. */
  readonly sealStream: (purpose: Purpose) => Transform
  /** A Transform that turns a sealed file back into plaintext, erroring on any change, truncation or wrong key. */
  readonly openStream: (purpose: Purpose) => Transform
  /** HMAC-SHA256 of a fixed label under the key-check subkey: equal for one master key, unrelated for another. */
  readonly keyCheck: Buffer
  /** Whether a stored key check is this master key's, compared in constant time. */
  readonly matchesKeyCheck: (stored: Uint8Array) => boolean
}

export class Crypto extends Context.Tag("carabase/Crypto")<Crypto, CryptoShape>() {}

export const make = (masterKey: Redacted.Redacted<Buffer>): CryptoShape => {
  const master = Redacted.value(masterKey)
  const keys = new Map(Purposes.map((purpose) => [purpose, deriveKey(master, `carabase/${purpose}/v1`)] as const))
  const key = (purpose: Purpose) => keys.get(purpose)!
  const keyCheck = nodeCrypto
    .createHmac("sha256", deriveKey(master, "carabase/key-check/v1"))
    .update(KEY_CHECK_LABEL, "utf8")
    .digest()
  const open = (envelope: Uint8Array, binding: SecretBinding) =>
    Effect.suspend(() => {
      const result = openEnvelope(key("column-secrets"), envelope, bindingAad(binding))
      return result.ok
        ? Effect.succeed(Redacted.make(result.plaintext))
        : Effect.fail(new SealedValueError({ reason: result.reason, binding }))
    })
  return {
    seal: (plaintext, binding) =>
      Effect.sync(() => {
        const value = Redacted.value(plaintext)
        const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value
        return sealEnvelope(key("column-secrets"), bytes, bindingAad(binding))
      }),
    open,
    openString: (envelope, binding) =>
      Effect.map(open(envelope, binding), (bytes) => Redacted.make(Redacted.value(bytes).toString("utf8"))),
    sealStream: (purpose) => createSealStream(key(purpose)),
    openStream: (purpose) => createOpenStream(key(purpose)),
    keyCheck,
    matchesKeyCheck: (stored) => stored.length === keyCheck.length && nodeCrypto.timingSafeEqual(stored, keyCheck)
  }
}

export const layer: Layer.Layer<Crypto, never, MasterKey> = Layer.effect(Crypto, Effect.map(MasterKey, make))
