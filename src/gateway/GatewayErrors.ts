// The errors of talking to the agent gateway (or a model provider named by a model route), as the API declares them.
// Each names the peer it was talking to and builds its message here, saying what went wrong and what to change.
// Imports only effect and @effect/platform.
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/** The peer an error is about, as a request's target describes it (its address never carries user info). */
export interface GatewayPeer {
  readonly provider: string
  /** How messages name it: "gateway", or "ollama provider of model route chat". */
  readonly label: string
  readonly display: string
  /** The settings bounding its first byte and its silences (OPENCLAW_GATEWAY_TIMEOUT_MS when absent). */
  readonly timeoutVariables?: { readonly firstByte: string; readonly idle: string }
}

const peerFields = { provider: Schema.String, address: Schema.String }
const peerOf = (peer: GatewayPeer) => ({ provider: peer.provider, address: peer.display })
const at = (peer: GatewayPeer) => `${peer.label} at ${peer.display}`

/** Nothing answers at the gateway's address (connection refused, reset, DNS). */
export class GatewayUnreachable extends Schema.TaggedError<GatewayUnreachable>()(
  "GatewayUnreachable",
  { message: Schema.String, ...peerFields },
  HttpApiSchema.annotations({ status: 503 })
) {
  static of(peer: GatewayPeer) {
    return new GatewayUnreachable({
      ...peerOf(peer),
      message:
        peer.provider === "openclaw" && peer.label === "gateway"
          ? `gateway unreachable at ${peer.display}: is OpenClaw running there? (OPENCLAW_GATEWAY_URL)`
          : `${peer.label} unreachable at ${peer.display}`
    })
  }
}

/** OPENCLAW_GATEWAY_PASSWORD is not set and no model route names another provider. */
export class GatewayUnconfigured extends Schema.TaggedError<GatewayUnconfigured>()(
  "GatewayUnconfigured",
  { message: Schema.String, setting: Schema.Literal("OPENCLAW_GATEWAY_PASSWORD") },
  HttpApiSchema.annotations({ status: 503 })
) {
  static of() {
    return new GatewayUnconfigured({
      setting: "OPENCLAW_GATEWAY_PASSWORD",
      message:
        "the agent gateway is not configured: set OPENCLAW_GATEWAY_PASSWORD to OpenClaw's gateway.auth.password (pnpm bootstrap generates one), or route this role to another provider with PUT /api/v1/model-routes/:role"
    })
  }

  /** The same, for work of model role `role` that has no route of its own. */
  static forRole(role: string) {
    return new GatewayUnconfigured({
      setting: "OPENCLAW_GATEWAY_PASSWORD",
      message: `no model route serves ${role} and the agent gateway is not configured: set OPENCLAW_GATEWAY_PASSWORD to OpenClaw's gateway.auth.password, or route ${role} to a provider with PUT /api/v1/model-routes/${role}`
    })
  }
}

/** The gateway answered 401/403: our bearer is not the password it expects. */
export class GatewayPasswordMismatch extends Schema.TaggedError<GatewayPasswordMismatch>()(
  "GatewayPasswordMismatch",
  { message: Schema.String, ...peerFields },
  HttpApiSchema.annotations({ status: 502 })
) {
  /** `authFailure` is the target's own sentence, which names the secret to fix. */
  static of(peer: GatewayPeer, authFailure: string) {
    return new GatewayPasswordMismatch({ ...peerOf(peer), message: authFailure })
  }
}

const timeoutVariable = (peer: GatewayPeer, reason: keyof typeof timeoutWhat) =>
  peer.timeoutVariables === undefined
    ? "OPENCLAW_GATEWAY_TIMEOUT_MS"
    : reason === "Stalled"
      ? peer.timeoutVariables.idle
      : peer.timeoutVariables.firstByte

const timeoutWhat = {
  NoAnswer: "did not answer",
  NotStarted: "did not start answering",
  Stalled: "sent nothing further"
}

/**
 * No answer or first chunk within the first-byte bound, no next chunk within the idle bound (for OpenClaw
 * OPENCLAW_GATEWAY_FIRST_BYTE_TIMEOUT_MS and OPENCLAW_GATEWAY_IDLE_TIMEOUT_MS, for other providers
 * OPENCLAW_GATEWAY_TIMEOUT_MS); or a whole answer past OPENCLAW_GATEWAY_STREAM_MAX_MS.
 */
export class GatewayTimeout extends Schema.TaggedError<GatewayTimeout>()(
  "GatewayTimeout",
  {
    message: Schema.String,
    ...peerFields,
    reason: Schema.Literal("NoAnswer", "NotStarted", "Stalled", "TooLong"),
    limitMs: Schema.Number
  },
  HttpApiSchema.annotations({ status: 504 })
) {
  static of(peer: GatewayPeer, reason: keyof typeof timeoutWhat, limitMs: number) {
    return new GatewayTimeout({
      ...peerOf(peer),
      reason,
      limitMs,
      message: `${at(peer)} ${timeoutWhat[reason]} within ${limitMs} ms (raise ${timeoutVariable(peer, reason)} if it needs longer)`
    })
  }

  static tooLong(peer: GatewayPeer, limitMs: number) {
    return new GatewayTimeout({
      ...peerOf(peer),
      reason: "TooLong",
      limitMs,
      message: `${at(peer)} was still answering after ${limitMs} ms (raise OPENCLAW_GATEWAY_STREAM_MAX_MS if answers need longer)`
    })
  }
}

/** A streamed answer that is not Server-Sent Events of chat.completion.chunk objects, or that broke off. */
export class GatewayMalformedStream extends Schema.TaggedError<GatewayMalformedStream>()(
  "GatewayMalformedStream",
  { message: Schema.String, ...peerFields },
  HttpApiSchema.annotations({ status: 502 })
) {
  /** `detail` says what was wrong with the stream (never its content). */
  static of(peer: GatewayPeer, detail: string) {
    return new GatewayMalformedStream({ ...peerOf(peer), message: `${at(peer)} sent a malformed stream: ${detail}` })
  }
}

/** Any other refusal or unexpected answer (an unknown agent or model, a 5xx, a body of the wrong shape). */
export class GatewayRequestFailed extends Schema.TaggedError<GatewayRequestFailed>()(
  "GatewayRequestFailed",
  {
    message: Schema.String,
    provider: Schema.optional(Schema.String),
    address: Schema.optional(Schema.String),
    reason: Schema.Literal(
      "Status",
      "EndpointDisabled",
      "BrokeOff",
      "NotJson",
      "WrongShape",
      "ErrorMidAnswer",
      "Embedder"
    ),
    /** For Status: the HTTP status the peer answered. */
    upstreamStatus: Schema.optional(Schema.Number)
  },
  HttpApiSchema.annotations({ status: 502 })
) {
  /** `excerpt` is "" or ": " and a short, scrubbed line of the answer's body. */
  static status(peer: GatewayPeer, upstreamStatus: number, excerpt: string) {
    return new GatewayRequestFailed({
      ...peerOf(peer),
      reason: "Status",
      upstreamStatus,
      message: `${at(peer)} answered HTTP ${upstreamStatus}${excerpt}`
    })
  }

  /** OpenClaw answered 404: its OpenAI-compatible endpoints are off (they are by default). */
  static endpointDisabled(peer: GatewayPeer) {
    return new GatewayRequestFailed({
      ...peerOf(peer),
      reason: "EndpointDisabled",
      upstreamStatus: 404,
      message: ENDPOINT_DISABLED_MESSAGE
    })
  }

  static brokeOff(peer: GatewayPeer) {
    return new GatewayRequestFailed({
      ...peerOf(peer),
      reason: "BrokeOff",
      message: `${at(peer)} broke off its answer`
    })
  }

  static notJson(peer: GatewayPeer, path: string) {
    return new GatewayRequestFailed({
      ...peerOf(peer),
      reason: "NotJson",
      message: `${at(peer)} answered ${path} with non-JSON`
    })
  }

  /** The answer to `path` lacks what was `expected`. */
  static without(peer: GatewayPeer, path: string, expected: string) {
    return new GatewayRequestFailed({
      ...peerOf(peer),
      reason: "WrongShape",
      message: `${at(peer)} answered ${path} without ${expected}`
    })
  }

  static embeddingCount(peer: GatewayPeer, answered: number, inputs: number) {
    return new GatewayRequestFailed({
      ...peerOf(peer),
      reason: "WrongShape",
      message: `${at(peer)} answered ${answered} embeddings for ${inputs} inputs`
    })
  }

  /** `excerpt` as for status. */
  static errorMidAnswer(peer: GatewayPeer, excerpt: string) {
    return new GatewayRequestFailed({
      ...peerOf(peer),
      reason: "ErrorMidAnswer",
      message: `${at(peer)} reported an error mid-answer${excerpt}`
    })
  }

  /** The host's own embedder (no model route) failed; `detail` is its account of why. */
  static embedder(detail: string) {
    return new GatewayRequestFailed({ reason: "Embedder", message: `embeddings: ${detail}` })
  }
}

export type GatewayError =
  GatewayUnreachable | GatewayPasswordMismatch | GatewayTimeout | GatewayMalformedStream | GatewayRequestFailed

/** The OpenClaw settings the host depends on, as its config file spells them. */
export const CHAT_COMPLETIONS_KEY = "gateway.http.endpoints.chatCompletions.enabled"
export const PASSWORD_KEY = "gateway.auth.password"

export const ENDPOINT_DISABLED_MESSAGE = `OpenClaw's OpenAI-compatible endpoint is off (it is by default): set ${CHAT_COMPLETIONS_KEY} to true in OpenClaw's config (~/.openclaw/openclaw.json; pnpm carabase openclaw-config prints it)`

export const PASSWORD_MISMATCH_MESSAGE =
  "gateway password mismatch: OPENCLAW_GATEWAY_PASSWORD must equal gateway.auth.password in OpenClaw's config"
