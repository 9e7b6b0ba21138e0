// Each platform's side of an inbound delivery: which headers carry its proof, how the body reads, and how it expects
// to be answered (Slack, Telegram and WhatsApp a bare 200, Matrix JSON with errcodes, a generic sender 204).
import * as crypto from "node:crypto"
import { HttpServerResponse } from "@effect/platform"
import { standardWebhooksKey, type ChannelKind } from "../channels/ChannelsApi"
import * as Deliveries from "./Deliveries"
import * as Signatures from "./Signatures"
import type { Rejection, Verdict } from "./Signatures"

export interface Delivery {
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly query: URLSearchParams
  readonly body: Uint8Array
  readonly nowSeconds: number
  /** Matrix only: the transaction id from the path. */
  readonly txnId?: string
}

export interface Kind {
  readonly kind: ChannelKind
  /** A secret of this kind's shape that no channel has: unknown channels are checked against it, then answered 404. */
  readonly decoy: string
  readonly verify: (delivery: Delivery, secret: string) => Verdict
  readonly parse: (delivery: Delivery) => Deliveries.Parsed
  readonly accepted: HttpServerResponse.HttpServerResponse
  readonly error: (status: 400 | 401 | 403 | 404 | 413, message: string) => HttpServerResponse.HttpServerResponse
}

const REASONS: Record<Rejection, string> = {
  missing: "the delivery is missing its authentication header",
  malformed: "the delivery's authentication header is malformed",
  mismatch: "the delivery's signature does not match this channel's secret",
  stale: "the delivery's timestamp is more than 5 minutes old",
  future: "the delivery's timestamp is more than 5 minutes in the future"
}
export const reasonText = (reason: Rejection) => REASONS[reason]

const TAGS = {
  400: "WebhookPayloadInvalid",
  401: "WebhookUnauthorized",
  403: "WebhookForbidden",
  404: "ChannelNotFound",
  413: "PayloadTooLarge"
} as const

const jsonError: Kind["error"] = (status, message) =>
  HttpServerResponse.unsafeJson(
    { _tag: TAGS[status], message },
    { status, headers: status === 413 ? { connection: "close" } : {} }
  )

const ok = HttpServerResponse.empty({ status: 200 })
const randomHex = () => crypto.randomBytes(32).toString("hex")
const parsedJson = (delivery: Delivery, then: (body: Record<string, unknown>) => Deliveries.Parsed) => {
  const body = Deliveries.parseJson(delivery.body)
  return body._tag === "Invalid" ? body : then(body.value)
}

export const slack: Kind = {
  kind: "slack",
  decoy: randomHex(),
  verify: (d, secret) =>
    Signatures.verifySlack({
      secret,
      timestamp: d.headers["x-slack-request-timestamp"],
      signature: d.headers["x-slack-signature"],
      body: d.body,
      nowSeconds: d.nowSeconds
    }),
  parse: (d) => parsedJson(d, Deliveries.slack),
  accepted: ok,
  error: jsonError
}

export const whatsapp: Kind = {
  kind: "whatsapp",
  decoy: randomHex(),
  verify: (d, secret) =>
    Signatures.verifyHubSignature({ secret, signature: d.headers["x-hub-signature-256"], body: d.body }),
  parse: (d) => parsedJson(d, Deliveries.whatsapp),
  accepted: ok,
  error: jsonError
}

export const telegram: Kind = {
  kind: "telegram",
  decoy: randomHex(),
  verify: (d, secret) =>
    Signatures.verifyToken({
      secret,
      given: d.headers["x-telegram-bot-api-secret-token"],
      format: Signatures.TELEGRAM_TOKEN
    }),
  parse: (d) => parsedJson(d, Deliveries.telegram),
  accepted: ok,
  error: jsonError
}

const BEARER = /^Bearer +(\S+) *$/i

/** The hs_token: `Authorization: Bearer`, or the legacy `access_token` query parameter older homeservers send. */
const matrixToken = (d: Delivery): string | undefined => {
  const header = d.headers["authorization"]
  // A header that is not a Bearer credential becomes a value no token format accepts: malformed, not missing.
  if (header !== undefined) return BEARER.exec(header)?.[1] ?? "\u0000"
  return d.query.get("access_token") ?? undefined
}

const MATRIX_CODES = {
  400: "M_NOT_JSON",
  401: "M_UNAUTHORIZED",
  403: "M_FORBIDDEN",
  404: "M_NOT_FOUND",
  413: "M_TOO_LARGE"
} as const

export const matrix: Kind = {
  kind: "matrix",
  decoy: randomHex(),
  verify: (d, secret) => Signatures.verifyToken({ secret, given: matrixToken(d), format: Signatures.MATRIX_TOKEN }),
  parse: (d) => parsedJson(d, (body) => Deliveries.matrix(body, d.txnId ?? "")),
  accepted: HttpServerResponse.unsafeJson({}),
  error: (status, message) =>
    HttpServerResponse.unsafeJson(
      { errcode: MATRIX_CODES[status], error: message },
      { status, headers: status === 413 ? { connection: "close" } : {} }
    )
}

export const generic: Kind = {
  kind: "generic",
  decoy: `whsec_${crypto.randomBytes(32).toString("base64")}`,
  verify: (d, secret) => {
    const key = standardWebhooksKey(secret)
    if (key === undefined) return { ok: false, reason: "mismatch" }
    return Signatures.verifyStandardWebhook({
      key,
      id: d.headers["webhook-id"],
      timestamp: d.headers["webhook-timestamp"],
      signature: d.headers["webhook-signature"],
      body: d.body,
      nowSeconds: d.nowSeconds
    })
  },
  parse: (d) => parsedJson(d, (body) => Deliveries.generic(body, d.headers["webhook-id"] ?? "")),
  accepted: HttpServerResponse.empty({ status: 204 }),
  error: jsonError
}

/**
 * How a failed check is answered: 401 everywhere, and 403 M_FORBIDDEN for Matrix, missing credentials included (the
 * host's contract; the Matrix spec would say 401 M_UNAUTHORIZED for that case, which homeservers treat the same).
 */
export const rejectionStatus = (kind: ChannelKind, _reason: Rejection): 401 | 403 => (kind === "matrix" ? 403 : 401)
