// Declaration of the connector routes: OAuth apps (a provider's client id and sealed secret), the OAuth 2.0
// authorization-code flow with PKCE that connects an account, and the connections it creates. Secrets go in and
// are never returned. Imports effect, @effect/platform and the shared text schemas of the notes declaration.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { bounded, storable } from "../schema/TextSchemas"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const Providers = ["github", "google"] as const
export const Provider = Schema.Literal(...Providers).annotations({
  message: () => `provider must be one of ${Providers.join(", ")}`
})
export type Provider = typeof Provider.Type

export const OAuthApp = Schema.Struct({
  id: Schema.UUID,
  provider: Provider,
  clientId: Schema.String,
  createdAt: Schema.DateTimeUtc
})
export type OAuthApp = typeof OAuthApp.Type

export const CreateOAuthApp = Schema.Struct({
  provider: Provider,
  clientId: bounded("clientId", 500),
  clientSecret: Schema.String.pipe(
    Schema.minLength(1, { message: () => "clientSecret must not be empty" }),
    Schema.maxLength(4096, { message: () => "clientSecret must be at most 4096 characters" }),
    storable("clientSecret")
  )
})
export type CreateOAuthApp = typeof CreateOAuthApp.Type

export const TokenStatus = Schema.Literal("active", "expired", "revoked")
export type TokenStatus = typeof TokenStatus.Type

export const Connection = Schema.Struct({
  id: Schema.UUID,
  provider: Provider,
  /** The provider's id of the account (GitHub user id, Google subject). */
  accountId: Schema.String,
  /** A readable name: the GitHub login or the Google e-mail address. */
  accountLabel: Schema.String,
  scopes: Schema.Array(Schema.String),
  tokenStatus: TokenStatus,
  expiresAt: Schema.NullOr(Schema.DateTimeUtc),
  syncedUntil: Schema.NullOr(Schema.DateTimeUtc),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
})
export type Connection = typeof Connection.Type

export class OAuthAppNotFound extends Schema.TaggedError<OAuthAppNotFound>()(
  "OAuthAppNotFound",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

export class OAuthAppExists extends Schema.TaggedError<OAuthAppExists>()(
  "OAuthAppExists",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}

/** start without an OAuth app for the provider. */
export class OAuthAppMissing extends Schema.TaggedError<OAuthAppMissing>()(
  "OAuthAppMissing",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}

/** A callback whose state is missing, unknown, already used, expired or for another provider. */
export class OAuthStateInvalid extends Schema.TaggedError<OAuthStateInvalid>()(
  "OAuthStateInvalid",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

/** The provider refused: the user denied access, or the code or PKCE verifier was rejected. */
export class OAuthRejected extends Schema.TaggedError<OAuthRejected>()(
  "OAuthRejected",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

/** The provider did not answer, or answered something that is not OAuth. */
export class OAuthProviderUnavailable extends Schema.TaggedError<OAuthProviderUnavailable>()(
  "OAuthProviderUnavailable",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 502 })
) {}

export class ConnectionNotFound extends Schema.TaggedError<ConnectionNotFound>()(
  "ConnectionNotFound",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

/** The connection's refresh token was refused: the owner must connect the account again. */
export class ConnectionRevoked extends Schema.TaggedError<ConnectionRevoked>()(
  "ConnectionRevoked",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {}

const ProviderPath = Schema.Struct({ provider: Provider })

const Flag = Schema.Literal("true", "false").annotations({ message: () => "purge must be true or false" })

export class OAuthAppsApi extends HttpApiGroup.make("oauthApps")
  .add(
    HttpApiEndpoint.post("create", "/oauth-apps")
      .setPayload(CreateOAuthApp)
      .addSuccess(Schema.Struct({ oauthApp: OAuthApp }), { status: 201 })
      .addError(OAuthAppExists)
  )
  .add(HttpApiEndpoint.get("list", "/oauth-apps").addSuccess(Schema.Struct({ oauthApps: Schema.Array(OAuthApp) })))
  .add(
    HttpApiEndpoint.del("remove", "/oauth-apps/:id")
      .setPath(Schema.Struct({ id: Schema.UUID.annotations({ message: () => "the OAuth app id must be a UUID" }) }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(OAuthAppNotFound)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}

export class ConnectionsApi extends HttpApiGroup.make("connections")
  .add(
    HttpApiEndpoint.get("start", "/auth/:provider/start")
      .setPath(ProviderPath)
      .addSuccess(HttpApiSchema.Empty(302))
      .addError(OAuthAppMissing)
  )
  .add(
    /**
     * The same start, answered as JSON for a client that must send headers (an API key) and so cannot navigate to
     * GET start: it opens `url` (the provider's consent page) itself, and the provider comes back to the callback.
     */
    HttpApiEndpoint.post("authorize", "/auth/:provider/start")
      .setPath(ProviderPath)
      .addSuccess(Schema.Struct({ url: Schema.String }))
      .addError(OAuthAppMissing)
  )
  .add(HttpApiEndpoint.get("list", "/connections").addSuccess(Schema.Struct({ connections: Schema.Array(Connection) })))
  .add(
    HttpApiEndpoint.del("disconnect", "/auth/:provider")
      .setPath(ProviderPath)
      .setUrlParams(
        Schema.Struct({
          /** The connection's id, the provider's account id or the account's label (GitHub login, e-mail). */
          account: Schema.String.pipe(
            Schema.minLength(1, {
              message: () => "account must name the connection (its id, accountId or accountLabel)"
            }),
            storable("account")
          ),
          purge: Schema.optional(Flag)
        })
      )
      .addSuccess(HttpApiSchema.NoContent)
      .addError(ConnectionNotFound)
  )
  .add(
    HttpApiEndpoint.post("refresh", "/connections/:id/refresh")
      .setPath(Schema.Struct({ id: Schema.UUID.annotations({ message: () => "the connection id must be a UUID" }) }))
      .addSuccess(Schema.Struct({ connection: Connection }))
      .addError(ConnectionNotFound)
      .addError(ConnectionRevoked)
      .addError(OAuthAppMissing)
      .addError(OAuthProviderUnavailable)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}

/** The provider redirects the browser here; no workspace header: the state names the attempt and its workspace. */
export class OAuthCallbackApi extends HttpApiGroup.make("oauthCallback")
  .add(
    HttpApiEndpoint.get("callback", "/auth/:provider/callback")
      .setPath(ProviderPath)
      .setUrlParams(
        Schema.Struct({
          code: Schema.optional(Schema.String),
          state: Schema.optional(Schema.String),
          error: Schema.optional(Schema.String),
          error_description: Schema.optional(Schema.String)
        })
      )
      .addSuccess(Schema.Struct({ connection: Connection }))
      .addError(OAuthStateInvalid)
      .addError(OAuthRejected)
      .addError(OAuthAppMissing)
      .addError(OAuthProviderUnavailable)
  )
  .prefix("/api/v1") {}
