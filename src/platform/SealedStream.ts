// Streaming AES-256-GCM for files (backups), after the STREAM construction: the file is cut into chunks, each
// sealed on its own with a nonce made of its index and a final-chunk flag. Reordering, truncation (even at a chunk
// boundary) and appended bytes all fail authentication. Memory stays at one chunk whatever the file size.
//
// Layout: header = "CBSF" | version 0x01 | chunk size (u32 BE) | 32-byte salt; then chunks of ciphertext + 16-byte
// tag. Every chunk is full-size except the last, which carries the final flag and may be empty. The file key is
// HKDF(purpose key, salt), so a fresh random salt per file keeps nonces unique across files. The header is the
// associated data of every chunk.
import * as crypto from "node:crypto"
import { Transform, type TransformCallback } from "node:stream"
import { decrypt, deriveKey, encrypt, IV_BYTES, TAG_BYTES } from "./Aead"

const MAGIC = Buffer.from("CBSF", "ascii")
const VERSION = 0x01
const SALT_BYTES = 32
export const HEADER_BYTES = MAGIC.length + 1 + 4 + SALT_BYTES
export const DEFAULT_CHUNK_BYTES = 64 * 1024
const MAX_CHUNK_BYTES = 16 * 1024 * 1024

export class SealedStreamError extends Error {
  override readonly name = "SealedStreamError"
}

const nonce = (index: number, final: boolean): Buffer => {
  const iv = Buffer.alloc(IV_BYTES)
  iv.writeBigUInt64BE(BigInt(index), 3)
  iv[IV_BYTES - 1] = final ? 1 : 0
  return iv
}

const fileKey = (purposeKey: Buffer, salt: Buffer) => deriveKey(purposeKey, "carabase/sealed-stream/v1", salt)

export const createSealStream = (purposeKey: Buffer, chunkBytes = DEFAULT_CHUNK_BYTES): Transform => {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
    throw new RangeError(`chunk size must be an integer from 1 to ${MAX_CHUNK_BYTES} bytes`)
  }
  const salt = crypto.randomBytes(SALT_BYTES)
  const header = Buffer.alloc(HEADER_BYTES)
  MAGIC.copy(header, 0)
  header[MAGIC.length] = VERSION
  header.writeUInt32BE(chunkBytes, MAGIC.length + 1)
  salt.copy(header, MAGIC.length + 5)
  const key = fileKey(purposeKey, salt)
  let index = 0
  let pending: Array<Buffer> = []
  let pendingBytes = 0
  let headerPushed = false

  const sealChunk = (chunk: Buffer, final: boolean) => {
    const { ciphertext, tag } = encrypt(key, nonce(index++, final), chunk, header)
    return Buffer.concat([ciphertext, tag])
  }

  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      if (index === 0 && !headerPushed) {
        headerPushed = true
        this.push(header)
      }
      pending.push(data)
      pendingBytes += data.length
      // Keep at least one byte back so the last chunk is always sealed with the final flag in flush().
      if (pendingBytes > chunkBytes) {
        let buffer = Buffer.concat(pending)
        while (buffer.length > chunkBytes) {
          this.push(sealChunk(buffer.subarray(0, chunkBytes), false))
          buffer = buffer.subarray(chunkBytes)
        }
        pending = [buffer]
        pendingBytes = buffer.length
      }
      callback()
    },
    flush(callback: TransformCallback) {
      if (!headerPushed) {
        headerPushed = true
        this.push(header)
      }
      this.push(sealChunk(Buffer.concat(pending), true))
      pending = []
      callback()
    }
  })
}

export const createOpenStream = (purposeKey: Buffer): Transform => {
  let header: Buffer | null = null
  let key: Buffer | null = null
  let chunkBytes = 0
  let index = 0
  let buffer: Buffer = Buffer.alloc(0)

  const openChunk = (sealed: Buffer, final: boolean): Buffer => {
    const plaintext = decrypt(
      key!,
      nonce(index++, final),
      sealed.subarray(0, sealed.length - TAG_BYTES),
      sealed.subarray(sealed.length - TAG_BYTES),
      header!
    )
    if (plaintext === null) {
      throw new SealedStreamError(
        final
          ? "sealed file is truncated, has extra bytes appended, was modified, or was sealed with a different key"
          : "sealed file was modified, reordered, or sealed with a different key"
      )
    }
    return plaintext
  }

  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      try {
        buffer = buffer.length === 0 ? data : Buffer.concat([buffer, data])
        if (header === null) {
          if (buffer.length < HEADER_BYTES) return callback()
          header = Buffer.from(buffer.subarray(0, HEADER_BYTES))
          if (!header.subarray(0, MAGIC.length).equals(MAGIC) || header[MAGIC.length] !== VERSION) {
            throw new SealedStreamError("not a Carabase sealed file (bad header)")
          }
          chunkBytes = header.readUInt32BE(MAGIC.length + 1)
          if (chunkBytes === 0 || chunkBytes > MAX_CHUNK_BYTES)
            throw new SealedStreamError("sealed file header is corrupt")
          key = fileKey(purposeKey, header.subarray(MAGIC.length + 5))
          buffer = buffer.subarray(HEADER_BYTES)
        }
        const sealedChunk = chunkBytes + TAG_BYTES
        // A full chunk followed by more bytes cannot be the final one.
        while (buffer.length > sealedChunk) {
          this.push(openChunk(buffer.subarray(0, sealedChunk), false))
          buffer = buffer.subarray(sealedChunk)
        }
        callback()
      } catch (error) {
        callback(error as Error)
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (header === null) throw new SealedStreamError("sealed file is truncated (incomplete header)")
        if (buffer.length < TAG_BYTES) throw new SealedStreamError("sealed file is truncated (missing final chunk)")
        this.push(openChunk(buffer, true))
        callback()
      } catch (error) {
        callback(error as Error)
      }
    }
  })
}
