// The platforms' webhook authentication schemes, as pure functions over the raw body bytes and header values. Each
// checks the format first (a malformed header is a rejection, never an exception), then compares fixed-length
// digests in constant time.
import * as crypto from "node:crypto"

export type Rejection = "missing" | "malformed" | "mismatch" | "stale" | "future"
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: Rejection }

export const accepted: Verdict = { ok: true }
const rejected = (reason: Rejection): Verdict => ({ ok: false, reason })

/** Five minutes either way, as Slack and Standard Webhooks document. */
export const TOLERANCE_SECONDS = 300

const hmac = (key: crypto.BinaryLike, ...parts: ReadonlyArray<string | Uint8Array>): Buffer => {
  const mac = crypto.createHmac("sha256", key)
  for (const part of parts) mac.update(part)
  return mac.digest()
}

/** Both sides are 32-byte SHA-256 outputs here, so timingSafeEqual never sees unequal lengths. */
const sameDigest = (a: Buffer, b: Buffer): boolean => a.length === 32 && b.length === 32 && crypto.timingSafeEqual(a, b)

const HEX_DIGEST = /^[0-9a-fA-F]{64}$/
const BASE64_DIGEST = /^[A-Za-z0-9+/]{43}=$/
const UNIX_SECONDS = /^\d{1,12}$/

const window = (timestamp: number, nowSeconds: number): Verdict =>
  nowSeconds - timestamp > TOLERANCE_SECONDS
    ? rejected("stale")
    : timestamp - nowSeconds > TOLERANCE_SECONDS
      ? rejected("future")
      : accepted

/** Slack: X-Slack-Signature `v0=<hex HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + body)>`. */
export const verifySlack = (input: {
  readonly secret: string
  readonly timestamp: string | undefined
  readonly signature: string | undefined
  readonly body: Uint8Array
  readonly nowSeconds: number
}): Verdict => {
  if (input.timestamp === undefined || input.signature === undefined) return rejected("missing")
  if (!UNIX_SECONDS.test(input.timestamp) || !input.signature.startsWith("v0=")) return rejected("malformed")
  const given = input.signature.slice(3)
  if (!HEX_DIGEST.test(given)) return rejected("malformed")
  const expected = hmac(input.secret, `v0:${input.timestamp}:`, input.body)
  if (!sameDigest(expected, Buffer.from(given, "hex"))) return rejected("mismatch")
  return window(Number(input.timestamp), input.nowSeconds)
}

/** Meta (WhatsApp) and GitHub: X-Hub-Signature-256 `sha256=<hex HMAC-SHA256(app secret, body)>`. */
export const verifyHubSignature = (input: {
  readonly secret: string
  readonly signature: string | undefined
  readonly body: Uint8Array
}): Verdict => {
  if (input.signature === undefined) return rejected("missing")
  if (!input.signature.startsWith("sha256=")) return rejected("malformed")
  const given = input.signature.slice(7)
  if (!HEX_DIGEST.test(given)) return rejected("malformed")
  return sameDigest(hmac(input.secret, input.body), Buffer.from(given, "hex")) ? accepted : rejected("mismatch")
}

/** A key only this process knows, so two tokens of any length become two digests of the same length. */
const tokenKey = crypto.randomBytes(32)

/**
 * A shared token sent as is (Telegram's X-Telegram-Bot-Api-Secret-Token, Matrix's hs_token). `format` is what the
 * platform allows; the comparison is of HMACs, so neither the length nor the content of the secret leaks.
 */
export const verifyToken = (input: {
  readonly secret: string
  readonly given: string | undefined
  readonly format: RegExp
}): Verdict => {
  if (input.given === undefined || input.given === "") return rejected("missing")
  if (!input.format.test(input.given)) return rejected("malformed")
  return sameDigest(hmac(tokenKey, input.secret), hmac(tokenKey, input.given)) ? accepted : rejected("mismatch")
}

export const TELEGRAM_TOKEN = /^[A-Za-z0-9_-]{1,256}$/
export const MATRIX_TOKEN = /^[\x21-\x7e]{1,1024}$/

const WEBHOOK_ID = /^[\x21-\x7e]{1,256}$/
const MAX_SIGNATURES = 32

/**
 * Standard Webhooks: webhook-signature holds space-separated `v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "."
 * + body)>` entries; any one valid entry passes, so a sender can sign with an old and a new key while rotating.
 * Entries of other versions are skipped; when no v1 entry is well formed the header is malformed.
 */
export const verifyStandardWebhook = (input: {
  readonly key: Uint8Array
  readonly id: string | undefined
  readonly timestamp: string | undefined
  readonly signature: string | undefined
  readonly body: Uint8Array
  readonly nowSeconds: number
}): Verdict => {
  if (input.id === undefined || input.timestamp === undefined || input.signature === undefined) {
    return rejected("missing")
  }
  if (!WEBHOOK_ID.test(input.id) || !UNIX_SECONDS.test(input.timestamp)) return rejected("malformed")
  const candidates = input.signature
    .split(" ")
    .slice(0, MAX_SIGNATURES)
    .filter((entry) => entry.startsWith("v1,") && BASE64_DIGEST.test(entry.slice(3)))
    .map((entry) => Buffer.from(entry.slice(3), "base64"))
  if (candidates.length === 0) return rejected("malformed")
  const expected = hmac(input.key, `${input.id}.${input.timestamp}.`, input.body)
  // Every candidate is compared, so the time taken does not say which entry matched.
  const matched = candidates.reduce((found, candidate) => sameDigest(expected, candidate) || found, false)
  if (!matched) return rejected("mismatch")
  return window(Number(input.timestamp), input.nowSeconds)
}
