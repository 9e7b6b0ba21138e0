// OAuth apps: per workspace and provider, the client id and the client secret, sealed bound to its row. The secret
// leaves this service only as a Redacted value for the token endpoint.
import * as crypto from "node:crypto"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { Crypto, type SecretBinding } from "../platform/Crypto"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { OAuthAppExists, OAuthAppNotFound, type CreateOAuthApp, type OAuthApp, type Provider } from "./ConnectorsApi"
import * as ConnectorsRepo from "./ConnectorsRepo"
import type { ClientCredentials } from "./OAuthClient"

export interface OAuthAppsShape {
  readonly create: (input: CreateOAuthApp) => Effect.Effect<OAuthApp, OAuthAppExists, CurrentWorkspace>
  readonly list: Effect.Effect<ReadonlyArray<OAuthApp>, never, CurrentWorkspace>
  readonly remove: (id: string) => Effect.Effect<void, OAuthAppNotFound, CurrentWorkspace>
  /** The provider's client credentials with the secret opened, or None when the workspace has no app for it. */
  readonly credentials: (provider: Provider) => Effect.Effect<Option.Option<ClientCredentials>, never, CurrentWorkspace>
}

export class OAuthApps extends Context.Tag("carabase/OAuthApps")<OAuthApps, OAuthAppsShape>() {}

const binding = (rowId: string): SecretBinding => ({ table: "oauth_apps", column: "client_secret_sealed", rowId })

export const layer = Layer.effect(
  OAuthApps,
  Effect.gen(function* () {
    const repo = yield* ConnectorsRepo.make
    const rls = yield* RlsScope
    const secrets = yield* Crypto
    return {
      create: (input) =>
        rls.current(
          Effect.gen(function* () {
            const id = crypto.randomUUID()
            const sealed = yield* secrets.seal(Redacted.make(input.clientSecret), binding(id))
            const row = yield* repo.insertApp({ id, provider: input.provider, clientId: input.clientId, sealed })
            if (Option.isNone(row)) {
              return yield* OAuthAppExists.of(input.provider)
            }
            return row.value
          })
        ),
      list: rls.current(repo.listApps),
      remove: (id) =>
        rls.current(
          Effect.flatMap(repo.removeApp(id), (removed) =>
            removed ? Effect.void : Effect.fail(OAuthAppNotFound.of(id))
          )
        ),
      credentials: (provider) =>
        rls.current(
          Effect.gen(function* () {
            const row = yield* repo.sealedApp(provider)
            if (Option.isNone(row)) return Option.none()
            // A secret that no longer opens means another master key or a tampered row: a host defect.
            const clientSecret = yield* Effect.orDie(
              secrets.openString(row.value.clientSecretSealed, binding(row.value.id))
            )
            return Option.some({ clientId: row.value.clientId, clientSecret })
          })
        )
    } satisfies OAuthAppsShape
  })
)
