// Handlers of the OAuth apps, connections, OAuth callback and sync-rules groups. The callback URL given to the provider is
// `<CARABASE_PUBLIC_URL or http://<Host>>/api/v1/auth/<provider>/callback`; it must match the one registered with the
// provider's OAuth app.
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { requestBase } from "../http/PublicUrl"
import {
  ServicesUnsupported,
  type Connection,
  type OAuthAppMissing,
  type OAuthProviderUnavailable,
  type OAuthRejected,
  type OAuthStateInvalid,
  type Provider
} from "./ConnectorsApi"

type OAuthError = OAuthAppMissing | OAuthStateInvalid | OAuthRejected | OAuthProviderUnavailable
import { Connections } from "./Connections"
import { OAuthApps } from "./OAuthApps"
import type { GoogleService } from "./OAuthProviders"
import { SyncRouting } from "./SyncRouting"

export const callbackPath = (provider: Provider) => `/api/v1/auth/${provider}/callback`

export const OAuthAppsHttpLive = HttpApiBuilder.group(CarabaseApi, "oauthApps", (handlers) =>
  Effect.gen(function* () {
    const apps = yield* OAuthApps
    return handlers
      .handle("create", ({ payload }) => Effect.map(apps.create(payload), (oauthApp) => ({ oauthApp })))
      .handle("list", () => Effect.map(apps.list, (oauthApps) => ({ oauthApps })))
      .handle("remove", ({ path }) => apps.remove(path.id))
  })
)

export const ConnectionsHttpLive = HttpApiBuilder.group(CarabaseApi, "connections", (handlers) =>
  Effect.gen(function* () {
    const connections = yield* Connections
    const base = yield* requestBase
    /** A fresh state and PKCE challenge for the provider (and the services asked for), as its consent page's URL. */
    const consentUrl = (provider: Provider, services: string | undefined) =>
      Effect.gen(function* () {
        if (services !== undefined && provider !== "google") return yield* ServicesUnsupported.of(provider)
        const origin = yield* base
        const wanted = services === undefined ? [] : (services.split(",") as Array<GoogleService>)
        return yield* connections.start(provider, `${origin}${callbackPath(provider)}`, wanted)
      })
    return handlers
      .handle("start", ({ path, urlParams }) =>
        Effect.map(consentUrl(path.provider, urlParams.services), (location) =>
          HttpServerResponse.empty({ status: 302, headers: { location, "cache-control": "no-store" } })
        )
      )
      .handle("authorize", ({ path, urlParams }) =>
        Effect.map(consentUrl(path.provider, urlParams.services), (url) => ({ url }))
      )
      .handle("list", () => Effect.map(connections.list, (list) => ({ connections: list })))
      .handle("disconnect", ({ path, urlParams }) =>
        connections.disconnect(path.provider, urlParams.account, urlParams.purge === "true")
      )
      .handle("refresh", ({ path }) => Effect.map(connections.refresh(path.id), (connection) => ({ connection })))
  })
)

/** Where a browser lands after the callback: the Connections page, with the outcome in its query. */
export const connectionsPage = (outcome: Record<string, string>) =>
  `/admin/connections?${new URLSearchParams(outcome).toString()}`

/** A browser's navigation (the provider's redirect) asks for HTML; a script or test asks for JSON or anything. */
const isBrowser = (accept: string | undefined) => accept !== undefined && /\btext\/html\b/.test(accept)

const seeOther = (location: string) =>
  HttpServerResponse.empty({ status: 303, headers: { location, "cache-control": "no-store" } })

export const OAuthCallbackHttpLive = HttpApiBuilder.group(CarabaseApi, "oauthCallback", (handlers) =>
  Effect.gen(function* () {
    const connections = yield* Connections
    return handlers.handle("callback", ({ path, urlParams }) =>
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
        const done = connections.callback(path.provider, urlParams)
        const json: Effect.Effect<
          { readonly connection: Connection } | HttpServerResponse.HttpServerResponse,
          OAuthError
        > = Effect.map(done, (connection) => ({ connection }))
        if (!isBrowser(request.headers["accept"])) return json
        // The owner's browser goes back to the Connections page, which shows the outcome, instead of raw JSON.
        return done.pipe(
          Effect.map((connection) =>
            seeOther(
              connectionsPage({ oauth: "connected", provider: connection.provider, account: connection.accountLabel })
            )
          ),
          Effect.catchAll((error) =>
            Effect.succeed(
              seeOther(
                connectionsPage({
                  oauth: "failed",
                  provider: path.provider,
                  reason: error._tag,
                  message: error.message.slice(0, 300)
                })
              )
            )
          )
        )
      })
    )
  })
)

export const SyncRulesHttpLive = HttpApiBuilder.group(CarabaseApi, "syncRules", (handlers) =>
  Effect.gen(function* () {
    const routing = yield* SyncRouting
    return handlers
      .handle("get", ({ path }) =>
        Effect.map(routing.rules(path.integration), (rules) => ({ integration: path.integration, rules }))
      )
      .handle("put", ({ path, payload }) =>
        Effect.map(routing.replace(path.integration, payload), (rules) => ({ integration: path.integration, rules }))
      )
  })
)
