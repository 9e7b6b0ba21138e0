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
  { message: Schema.String, oauthAppId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(oauthAppId: string) {
    return new OAuthAppNotFound({
      oauthAppId,
      message: `no OAuth app ${oauthAppId} in this workspace: list them with GET /oauth-apps`
    })
  }
}

export class OAuthAppExists extends Schema.TaggedError<OAuthAppExists>()(
  "OAuthAppExists",
  { message: Schema.String, provider: Provider },
  HttpApiSchema.annotations({ status: 409 })
) {
  static of(provider: Provider) {
    return new OAuthAppExists({
      provider,
      message: `this workspace already has an OAuth app for ${provider}: DELETE /oauth-apps/<id> first to replace it`
    })
  }
}

/** start without an OAuth app for the provider. */
export class OAuthAppMissing extends Schema.TaggedError<OAuthAppMissing>()(
  "OAuthAppMissing",
  { message: Schema.String, provider: Provider },
  HttpApiSchema.annotations({ status: 409 })
) {
  static of(provider: Provider) {
    return new OAuthAppMissing({
      provider,
      message: `this workspace has no OAuth app for ${provider}: POST /api/v1/oauth-apps with its clientId and clientSecret`
    })
  }
}

const oauthStateProblems = {
  Missing: "the callback has no state",
  Malformed: "the state is malformed",
  Unknown: "the state is unknown or was already used",
  Expired: "the state expired (an attempt lasts 10 minutes)"
}

/** A callback whose state is missing, unknown, already used, expired or for another provider. */
export class OAuthStateInvalid extends Schema.TaggedError<OAuthStateInvalid>()(
  "OAuthStateInvalid",
  {
    message: Schema.String,
    reason: Schema.Literal("Missing", "Malformed", "Unknown", "Expired", "OtherProvider"),
    /** For OtherProvider: the provider the state was issued for. */
    issuedFor: Schema.optional(Provider)
  },
  HttpApiSchema.annotations({ status: 400 })
) {
  static of(reason: keyof typeof oauthStateProblems) {
    return new OAuthStateInvalid({ reason, message: OAuthStateInvalid.sentence(oauthStateProblems[reason]) })
  }

  static issuedFor(provider: Provider) {
    return new OAuthStateInvalid({
      reason: "OtherProvider",
      issuedFor: provider,
      message: OAuthStateInvalid.sentence(`the state was issued for ${provider}`)
    })
  }

  private static sentence(why: string) {
    return `${why}: start again with GET /api/v1/auth/<provider>/start`
  }
}

/** The provider refused: the user denied access, or the code or PKCE verifier was rejected. */
export class OAuthRejected extends Schema.TaggedError<OAuthRejected>()(
  "OAuthRejected",
  { message: Schema.String, provider: Provider, reason: Schema.Literal("ProviderError", "NoCode", "Refused") },
  HttpApiSchema.annotations({ status: 400 })
) {
  /** The provider sent the user back with `error` (and maybe `error_description`) instead of a code. */
  static providerError(provider: Provider, error: string, description: string | undefined) {
    const detail = description === undefined ? "" : `: ${description.slice(0, 200)}`
    return new OAuthRejected({
      provider,
      reason: "ProviderError",
      message: `the provider answered ${error.slice(0, 100)}${detail}`
    })
  }

  static noCode(provider: Provider) {
    return new OAuthRejected({ provider, reason: "NoCode", message: "the callback has no code" })
  }

  /** The token or identity endpoint refused; `answer` says how, in the client's words. */
  static refused(provider: Provider, answer: string) {
    return new OAuthRejected({ provider, reason: "Refused", message: answer })
  }
}

/** The provider did not answer, or answered something that is not OAuth. */
export class OAuthProviderUnavailable extends Schema.TaggedError<OAuthProviderUnavailable>()(
  "OAuthProviderUnavailable",
  { message: Schema.String, provider: Provider },
  HttpApiSchema.annotations({ status: 502 })
) {
  /** `answer` is the OAuth client's account of the failure (no answer, a timeout, an unreadable body). */
  static of(provider: Provider, answer: string) {
    return new OAuthProviderUnavailable({ provider, message: answer })
  }
}

export class ConnectionNotFound extends Schema.TaggedError<ConnectionNotFound>()(
  "ConnectionNotFound",
  {
    message: Schema.String,
    connectionId: Schema.optional(Schema.String),
    provider: Schema.optional(Provider),
    account: Schema.optional(Schema.String)
  },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(connectionId: string) {
    return new ConnectionNotFound({ connectionId, message: ConnectionNotFound.sentence(connectionId) })
  }

  /** No connection of `provider` matches `account` (an id, accountId or accountLabel, as the client sent it). */
  static forAccount(provider: Provider, account: string) {
    return new ConnectionNotFound({
      provider,
      account,
      message: ConnectionNotFound.sentence(`${account} for ${provider}`)
    })
  }

  private static sentence(what: string) {
    return `no connection ${what} in this workspace: list them with GET /connections`
  }
}

/** The connection's refresh token was refused: the owner must connect the account again. */
export class ConnectionRevoked extends Schema.TaggedError<ConnectionRevoked>()(
  "ConnectionRevoked",
  {
    message: Schema.String,
    connectionId: Schema.String,
    provider: Provider,
    reason: Schema.Literal("Revoked", "Expired", "RefreshRefused")
  },
  HttpApiSchema.annotations({ status: 409 })
) {
  /** For RefreshRefused, `refusal` is the OAuth client's account of the provider's answer. */
  static of(
    connection: { readonly id: string; readonly provider: Provider; readonly accountLabel: string },
    reason: "Revoked" | "Expired" | "RefreshRefused",
    refusal = ""
  ) {
    const { id, provider, accountLabel } = connection
    const message =
      reason === "Revoked"
        ? `the ${provider} connection ${accountLabel} was revoked: connect it again with GET /api/v1/auth/${provider}/start`
        : reason === "Expired"
          ? `the ${provider} token of ${accountLabel} expired and cannot be refreshed: connect it again`
          : `${refusal}; the ${provider} connection ${accountLabel} is revoked: connect it again`
    return new ConnectionRevoked({ connectionId: id, provider, reason, message })
  }
}

const ProviderPath = Schema.Struct({ provider: Provider })

/** `?services=calendar,gmail`: the Google services whose read-only scopes a connection attempt adds. */
export const StartParams = Schema.Struct({
  /** A browser navigating here names its workspace in the query (the workspace middleware reads it). */
  workspace: Schema.optional(Schema.String.pipe(storable("workspace"))),
  services: Schema.optional(
    Schema.String.pipe(
      Schema.pattern(/^(calendar|gmail)(,(calendar|gmail))*$/, {
        message: () => "services must be a comma-separated list of calendar and gmail (for example calendar,gmail)"
      })
    )
  )
})

/** `services` on a provider that has none (only Google's calendar and gmail can be synced). */
export class ServicesUnsupported extends Schema.TaggedError<ServicesUnsupported>()(
  "ServicesUnsupported",
  { message: Schema.String, field: Schema.Literal("services"), provider: Provider },
  HttpApiSchema.annotations({ status: 400 })
) {
  static of(provider: Provider) {
    return new ServicesUnsupported({
      provider,
      field: "services",
      message: `services applies to google only (calendar, gmail); ${provider} connections take none`
    })
  }
}

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
      .setUrlParams(StartParams)
      .addSuccess(HttpApiSchema.Empty(302))
      .addError(OAuthAppMissing)
      .addError(ServicesUnsupported)
  )
  .add(
    /**
     * The same start, answered as JSON for a client that must send headers (an API key) and so cannot navigate to
     * GET start: it opens `url` (the provider's consent page) itself, and the provider comes back to the callback.
     */
    HttpApiEndpoint.post("authorize", "/auth/:provider/start")
      .setPath(ProviderPath)
      .setUrlParams(StartParams)
      .addSuccess(Schema.Struct({ url: Schema.String }))
      .addError(OAuthAppMissing)
      .addError(ServicesUnsupported)
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
