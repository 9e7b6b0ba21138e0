// Where a model route's API key may be sent. The key is sealed bound to its row and to its destination (the route's
// normalised base URL, or the provider's default), so a sealed key does not open for another server, and a route
// that changes destination must be given its key again. Keys sealed before this binding are re-sealed with it once,
// at boot, inside each workspace's scope.
import { Effect, Layer } from "effect"
import { Crypto, type SecretBinding } from "../platform/Crypto"
import { RlsScope } from "../platform/RlsScope"
import { Workspaces, layer as workspacesLayer } from "../workspaces/Workspaces"
import type { ModelProvider } from "./ModelRoutesApi"
import * as Repo from "./ModelRoutesRepo"

export const OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434"

/** Scheme, host (lower case, default port dropped) and path without trailing slashes: what picks the server. */
const normalise = (url: string): string => {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, "")}`
  } catch {
    return url
  }
}

/** The server a route's key goes to: its base URL, else the provider's default (the env's gateway for openclaw). */
export const keyDestination = (provider: ModelProvider, baseUrl: string | null): string =>
  baseUrl !== null
    ? normalise(baseUrl)
    : provider === "openclaw"
      ? "the OpenClaw gateway (OPENCLAW_GATEWAY_URL)"
      : normalise(OLLAMA_DEFAULT_URL)

export interface KeyedRoute {
  readonly id: string
  readonly provider: ModelProvider
  readonly baseUrl: string | null
}

export const apiKeyBinding = (route: KeyedRoute): SecretBinding => ({
  table: "model_routes",
  column: "api_key_sealed",
  rowId: route.id,
  context: keyDestination(route.provider, route.baseUrl)
})

/** How keys were bound before they named their destination. */
const rowOnlyBinding = (id: string): SecretBinding => ({ table: "model_routes", column: "api_key_sealed", rowId: id })

/**
 * Re-seals every key still bound to its row alone with its current destination; a key that opens neither way (altered,
 * another master key) is left for the route to report as unusable. Answers how many were re-sealed.
 */
export const bindLegacyKeys = Effect.gen(function* () {
  const repo = yield* Repo.make
  const rls = yield* RlsScope
  const crypto = yield* Crypto
  const workspaces = yield* Workspaces
  let resealed = 0
  for (const workspace of yield* workspaces.list) {
    yield* rls.run(
      workspace.id,
      Effect.gen(function* () {
        for (const row of yield* repo.sealedKeysForUpdate) {
          const bound = yield* Effect.either(crypto.open(row.apiKeySealed, apiKeyBinding(row)))
          if (bound._tag === "Right") continue
          const legacy = yield* Effect.either(crypto.open(row.apiKeySealed, rowOnlyBinding(row.id)))
          if (legacy._tag === "Left") continue
          yield* repo.setSealedKey(row.id, yield* crypto.seal(legacy.right, apiKeyBinding(row)))
          resealed++
        }
      })
    )
  }
  return resealed
})

export const bindLegacyKeysLayer = Layer.effectDiscard(
  Effect.gen(function* () {
    const resealed = yield* bindLegacyKeys
    if (resealed > 0) {
      yield* Effect.logInfo(`bound ${resealed} model-route API key(s) to their base URL (sealed before the binding)`)
    }
  }).pipe(Effect.annotateLogs("service", "ModelRoutes"))
).pipe(Layer.provide(workspacesLayer))
