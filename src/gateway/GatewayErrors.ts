// The errors of talking to the agent gateway (or a model provider named by a model route), as the API declares them.
// Each message says what went wrong and what to change. Imports only effect and @effect/platform.
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/** Nothing answers at the gateway's address (connection refused, reset, DNS). */
export class GatewayUnreachable extends Schema.TaggedError<GatewayUnreachable>()(
  "GatewayUnreachable",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 503 })
) {}

/** OPENCLAW_GATEWAY_PASSWORD is not set and no model route names another provider. */
export class GatewayUnconfigured extends Schema.TaggedError<GatewayUnconfigured>()(
  "GatewayUnconfigured",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 503 })
) {}

/** The gateway answered 401/403: our bearer is not the password it expects. */
export class GatewayPasswordMismatch extends Schema.TaggedError<GatewayPasswordMismatch>()(
  "GatewayPasswordMismatch",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 502 })
) {}

/** No answer, or no next chunk, within OPENCLAW_GATEWAY_TIMEOUT_MS; or a whole answer past OPENCLAW_GATEWAY_STREAM_MAX_MS. */
export class GatewayTimeout extends Schema.TaggedError<GatewayTimeout>()(
  "GatewayTimeout",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 504 })
) {}

/** A streamed answer that is not Server-Sent Events of chat.completion.chunk objects, or that broke off. */
export class GatewayMalformedStream extends Schema.TaggedError<GatewayMalformedStream>()(
  "GatewayMalformedStream",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 502 })
) {}

/** Any other refusal or unexpected answer (an unknown agent or model, a 5xx, a body of the wrong shape). */
export class GatewayRequestFailed extends Schema.TaggedError<GatewayRequestFailed>()(
  "GatewayRequestFailed",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 502 })
) {}

export type GatewayError =
  GatewayUnreachable | GatewayPasswordMismatch | GatewayTimeout | GatewayMalformedStream | GatewayRequestFailed

export const PASSWORD_MISMATCH_MESSAGE =
  "gateway password mismatch: OPENCLAW_GATEWAY_PASSWORD must equal gateway.auth.password in OpenClaw's config"
