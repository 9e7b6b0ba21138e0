// Declaration of the model-routing routes: which provider, base URL, model and API key serve each role of a workspace,
// and an embeddings endpoint that goes through the embeddings route. A key is write-only: answers say whether one is
// set and its last four characters. Imports effect, @effect/platform, the gateway errors and the shared text schemas
// of the notes declaration.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import {
  GatewayMalformedStream,
  GatewayPasswordMismatch,
  GatewayRequestFailed,
  GatewayTimeout,
  GatewayUnconfigured,
  GatewayUnreachable
} from "../gateway/GatewayErrors"
import { bounded, storable } from "../schema/TextSchemas"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const ModelRole = Schema.Literal("chat", "embeddings", "utility", "utilityHigh", "transcription")
export type ModelRole = typeof ModelRole.Type

export const ModelProvider = Schema.Literal("openclaw", "openai-compatible", "ollama")
export type ModelProvider = typeof ModelProvider.Type

export class ModelRoute extends Schema.Class<ModelRoute>("ModelRoute")({
  role: ModelRole,
  provider: ModelProvider,
  /** null: the provider's default (OPENCLAW_GATEWAY_URL for openclaw, http://127.0.0.1:11434 for ollama). */
  baseUrl: Schema.NullOr(Schema.String),
  model: Schema.String,
  hasApiKey: Schema.Boolean,
  /** The key's last four characters; null when no key is set or the key is shorter than 8 characters. */
  apiKeyLast4: Schema.NullOr(Schema.String),
  updatedAt: Schema.DateTimeUtc
}) {}

export const ModelRouteInput = Schema.Struct({
  provider: ModelProvider,
  baseUrl: Schema.optional(Schema.NullOr(Schema.Trim.pipe(Schema.maxLength(2000), storable("baseUrl")))),
  model: bounded("model", 200),
  /** Absent: keep the stored key; null: remove it; a string: replace it. */
  apiKey: Schema.optional(
    Schema.NullOr(
      Schema.String.pipe(
        Schema.minLength(1, { message: () => "apiKey must not be empty (send null to remove the key)" }),
        Schema.maxLength(4096, { message: () => "apiKey must be at most 4096 characters" }),
        // Its last four characters are stored in the clear.
        storable("apiKey")
      )
    )
  )
})
export type ModelRouteInput = typeof ModelRouteInput.Type

export class ModelRouteNotFound extends Schema.TaggedError<ModelRouteNotFound>()(
  "ModelRouteNotFound",
  { message: Schema.String, role: ModelRole },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(role: ModelRole) {
    return new ModelRouteNotFound({ role, message: `no model route for role ${role}` })
  }
}

const routeProblems = {
  NotHttp: { field: "baseUrl", message: "baseUrl must be an http:// or https:// URL" },
  HasCredentials: {
    field: "baseUrl",
    message: "baseUrl must not carry credentials: put the key in apiKey, which is stored sealed"
  },
  Missing: { field: "baseUrl", message: "an openai-compatible route needs baseUrl, e.g. https://api.openai.com/v1" },
  NotAgentId: {
    field: "model",
    message:
      "an openclaw route's model is an OpenClaw agent id (a letter or digit, then letters, digits, '_' or '-', at most 64, no dots), bare or as openclaw/<id>, openclaw:<id> or agent:<id>; or openclaw or openclaw/default for the default agent"
  }
} as const

export class ModelRouteInvalid extends Schema.TaggedError<ModelRouteInvalid>()(
  "ModelRouteInvalid",
  {
    message: Schema.String,
    field: Schema.Literal("baseUrl", "model", "apiKey"),
    reason: Schema.Literal("NotHttp", "HasCredentials", "NotLoopback", "Missing", "NotAgentId", "KeyMustBeResent")
  },
  HttpApiSchema.annotations({ status: 400 })
) {
  static of(reason: keyof typeof routeProblems) {
    return new ModelRouteInvalid({ reason, ...routeProblems[reason] })
  }

  /** An openclaw route names another machine while OPENCLAW_ALLOW_REMOTE is off. */
  static notLoopback(hostname: string) {
    return new ModelRouteInvalid({
      field: "baseUrl",
      reason: "NotLoopback",
      message: `an openclaw route must point at this machine (127.0.0.1, ::1 or localhost), not ${hostname}, unless the host runs with OPENCLAW_ALLOW_REMOTE=true`
    })
  }

  /** The stored key would be sent somewhere new (`from` and `to` are where keys go, as the service names them). */
  static keyMustBeResent(from: string, to: string) {
    return new ModelRouteInvalid({
      field: "apiKey",
      reason: "KeyMustBeResent",
      message: `apiKey is required when baseUrl or provider changes where the key is sent (${from} -> ${to}): a stored key never follows a new URL; send the key again, or apiKey: null to remove it`
    })
  }
}

/** The route's sealed key does not open (altered, or sealed under another HOST_MASTER_KEY). */
export class ModelRouteUnusable extends Schema.TaggedError<ModelRouteUnusable>()(
  "ModelRouteUnusable",
  { message: Schema.String, role: ModelRole },
  HttpApiSchema.annotations({ status: 409 })
) {
  static of(role: ModelRole) {
    return new ModelRouteUnusable({
      role,
      message: `the API key of model route ${role} does not open (it was altered, given for another base URL, or sealed under another HOST_MASTER_KEY): set it again with PUT /api/v1/model-routes/${role}`
    })
  }
}

const RolePath = Schema.Struct({ role: ModelRole })

export const EmbeddingsRequest = Schema.Struct({
  input: Schema.Union(
    Schema.String,
    Schema.Array(Schema.String).pipe(
      Schema.minItems(1, { message: () => "input must hold at least one text" }),
      Schema.maxItems(256, { message: () => "input may hold at most 256 texts" })
    )
  )
})

export const EmbeddingsResponse = Schema.Struct({
  object: Schema.Literal("list"),
  model: Schema.String,
  /** "route": the workspace's embeddings route; "default": the host's configured embedder. */
  source: Schema.Literal("route", "default"),
  data: Schema.Array(
    Schema.Struct({ object: Schema.Literal("embedding"), index: Schema.Int, embedding: Schema.Array(Schema.Number) })
  )
})

/** An agent OpenClaw's GET /v1/models lists, as a model an openclaw route may name. */
export const OpenClawAgent = Schema.Struct({ model: Schema.String, agentId: Schema.String })

export class ModelRoutesApi extends HttpApiGroup.make("modelRoutes")
  .add(HttpApiEndpoint.get("list", "/model-routes").addSuccess(Schema.Struct({ routes: Schema.Array(ModelRoute) })))
  .add(
    HttpApiEndpoint.get("get", "/model-routes/:role")
      .setPath(RolePath)
      .addSuccess(Schema.Struct({ route: ModelRoute }))
      .addError(ModelRouteNotFound)
  )
  .add(
    HttpApiEndpoint.put("put", "/model-routes/:role")
      .setPath(RolePath)
      .setPayload(ModelRouteInput)
      .addSuccess(Schema.Struct({ route: ModelRoute }))
      .addError(ModelRouteInvalid)
  )
  .add(
    HttpApiEndpoint.del("remove", "/model-routes/:role")
      .setPath(RolePath)
      .addSuccess(Schema.Struct({ deleted: Schema.Literal(true) }))
      .addError(ModelRouteNotFound)
  )
  .add(
    HttpApiEndpoint.get("openClawAgents", "/openclaw/agents")
      .addSuccess(Schema.Struct({ agents: Schema.Array(OpenClawAgent) }))
      .addError(GatewayUnconfigured)
      .addError(GatewayUnreachable)
      .addError(GatewayPasswordMismatch)
      .addError(GatewayTimeout)
      .addError(GatewayMalformedStream)
      .addError(GatewayRequestFailed)
  )
  .add(
    HttpApiEndpoint.post("embed", "/embeddings")
      .setPayload(EmbeddingsRequest)
      .addSuccess(EmbeddingsResponse)
      .addError(ModelRouteUnusable)
      .addError(GatewayUnconfigured)
      .addError(GatewayUnreachable)
      .addError(GatewayPasswordMismatch)
      .addError(GatewayTimeout)
      .addError(GatewayMalformedStream)
      .addError(GatewayRequestFailed)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
