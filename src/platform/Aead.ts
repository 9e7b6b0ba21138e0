// AES-256-GCM primitives and the sealed-value envelope: version byte 0x01 | 12-byte IV | ciphertext | 16-byte tag.
import * as crypto from "node:crypto"

export const KEY_BYTES = 32
export const IV_BYTES = 12
export const TAG_BYTES = 16
export const ENVELOPE_VERSION = 0x01
const OVERHEAD = 1 + IV_BYTES + TAG_BYTES

export type OpenFailure = "malformed" | "unsupported-version" | "authentication"

export const encrypt = (key: Buffer, iv: Buffer, plaintext: Uint8Array, aad: Uint8Array) => {
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(aad)
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return { ciphertext, tag: cipher.getAuthTag() }
}

/** Returns null when the tag does not verify; `authTagLength` makes a truncated tag fail instead of passing. */
export const decrypt = (key: Buffer, iv: Buffer, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array) => {
  if (tag.length !== TAG_BYTES || iv.length !== IV_BYTES) return null
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES })
  decipher.setAAD(aad)
  decipher.setAuthTag(tag)
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()])
  } catch {
    return null
  }
}

export const sealEnvelope = (key: Buffer, plaintext: Uint8Array, aad: Uint8Array): Buffer => {
  const iv = crypto.randomBytes(IV_BYTES)
  const { ciphertext, tag } = encrypt(key, iv, plaintext, aad)
  return Buffer.concat([Buffer.of(ENVELOPE_VERSION), iv, ciphertext, tag])
}

export const openEnvelope = (
  key: Buffer,
  envelope: Uint8Array,
  aad: Uint8Array
): { readonly ok: true; readonly plaintext: Buffer } | { readonly ok: false; readonly reason: OpenFailure } => {
  if (envelope.length < OVERHEAD) return { ok: false, reason: "malformed" }
  if (envelope[0] !== ENVELOPE_VERSION) return { ok: false, reason: "unsupported-version" }
  const bytes = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength)
  const iv = bytes.subarray(1, 1 + IV_BYTES)
  const ciphertext = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES)
  const tag = bytes.subarray(bytes.length - TAG_BYTES)
  const plaintext = decrypt(key, iv, ciphertext, tag, aad)
  return plaintext === null ? { ok: false, reason: "authentication" } : { ok: true, plaintext }
}

/** HKDF-SHA256: one independent key per purpose, so no two uses ever share a key. */
export const deriveKey = (master: Buffer, info: string, salt: Uint8Array = Buffer.alloc(0)): Buffer =>
  Buffer.from(crypto.hkdfSync("sha256", master, salt, Buffer.from(info, "utf8"), KEY_BYTES))
