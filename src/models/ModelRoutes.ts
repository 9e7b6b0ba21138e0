// Model routing per workspace: each role (chat, embeddings, utility, utilityHigh, transcription) may name a provider
// (the OpenClaw gateway, any OpenAI-compatible server, or Ollama), a base URL, a model and an API key. The key is
// sealed with the Crypto layer bound to its row and its destination (ModelRouteKeys), and never leaves this service
// except inside a request header to that destination. A role's route becomes a request target here (routeTarget);
// ModelCalls decides which route serves which work and falls back to the OpenClaw gateway, embeddings fall back to the
// host's embedder, and transcription has no default (artifacts' audio waits for a route).
import { Context, DateTime, Effect, Layer, Option, Redacted } from "effect"
import { EmbeddingError, Embedder, type EmbedderShape } from "../embeddings/Embedder"
import { layer as embedderLayer } from "../embeddings/EmbedderLive"
import { Gateway, openClawModel } from "../gateway/Gateway"
import { parseAgentModel, type AgentModel } from "../gateway/AgentModel"
import { displayUrl, isLoopbackHost } from "../gateway/GatewayConfig"
import {
  GatewayRequestFailed,
  PASSWORD_MISMATCH_MESSAGE,
  type GatewayError,
  type GatewayUnconfigured
} from "../gateway/GatewayErrors"
import type { Embeddings } from "../gateway/OpenAiClient"
import { apiBaseOf, OPENCLAW_TIMEOUTS, PROVIDER_TIMEOUTS, type Target } from "../gateway/Target"
import { Crypto } from "../platform/Crypto"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import {
  ModelRoute,
  ModelRouteInvalid,
  ModelRouteNotFound,
  ModelRouteUnusable,
  type ModelRole,
  type ModelRouteInput
} from "./ModelRoutesApi"
import { apiKeyBinding, bindLegacyKeysLayer, keyDestination, OLLAMA_DEFAULT_URL } from "./ModelRouteKeys"
import * as Repo from "./ModelRoutesRepo"

export interface RoutedEmbeddings extends Embeddings {
  readonly source: "route" | "default"
}

export interface ModelRoutesShape {
  readonly list: Effect.Effect<ReadonlyArray<ModelRoute>, never, CurrentWorkspace>
  readonly get: (role: ModelRole) => Effect.Effect<ModelRoute, ModelRouteNotFound, CurrentWorkspace>
  readonly put: (
    role: ModelRole,
    input: ModelRouteInput
  ) => Effect.Effect<ModelRoute, ModelRouteInvalid, CurrentWorkspace>
  readonly remove: (role: ModelRole) => Effect.Effect<void, ModelRouteNotFound, CurrentWorkspace>
  /** The role's route as a request target, or None when the role has no route. */
  readonly routeTarget: (
    role: ModelRole,
    options?: { readonly agentId?: string | undefined }
  ) => Effect.Effect<Option.Option<Target>, ModelRouteUnusable | GatewayUnconfigured, CurrentWorkspace>
  /** The agents the environment's OpenClaw gateway lists in GET /v1/models. */
  readonly openClawAgents: Effect.Effect<ReadonlyArray<AgentModel>, GatewayError | GatewayUnconfigured>
  /** Embeddings through the embeddings route, else the host's Embedder. */
  readonly embed: (
    texts: ReadonlyArray<string>
  ) => Effect.Effect<RoutedEmbeddings, GatewayError | ModelRouteUnusable | GatewayUnconfigured, CurrentWorkspace>
  /** The embeddings route as an Embedder for this workspace, or None when it has none (use the host's Embedder). */
  readonly embedderFor: Effect.Effect<
    Option.Option<EmbedderShape>,
    ModelRouteUnusable | GatewayUnconfigured,
    CurrentWorkspace
  >
}

export class ModelRoutes extends Context.Tag("carabase/ModelRoutes")<ModelRoutes, ModelRoutesShape>() {}

/** Keys shorter than 8 characters show no tail: four characters would be most of them. */
export const last4 = (key: string): string | null => (key.length >= 8 ? key.slice(-4) : null)

const toRoute = (row: Repo.RouteRow) =>
  new ModelRoute({
    role: row.purpose as ModelRole,
    provider: row.provider,
    baseUrl: row.baseUrl,
    model: row.model,
    hasApiKey: row.apiKeySealed !== null,
    apiKeyLast4: row.apiKeySealed === null ? null : row.apiKeyLast4,
    updatedAt: DateTime.unsafeFromDate(row.updatedAt)
  })

/** Built once keys sealed before they named their base URL are bound to it (bindLegacyKeysLayer). */
export const layer = Layer.effect(
  ModelRoutes,
  Effect.gen(function* () {
    const repo = yield* Repo.make
    const rls = yield* RlsScope
    const crypto = yield* Crypto
    const gateway = yield* Gateway
    const embedder = yield* Embedder
    const config = gateway.config

    const checkInput = (input: ModelRouteInput) =>
      Effect.gen(function* () {
        const baseUrl =
          input.baseUrl === undefined || input.baseUrl === null || input.baseUrl === "" ? null : input.baseUrl
        if (baseUrl !== null) {
          const url = yield* Effect.try({
            try: () => new URL(baseUrl),
            catch: () => ModelRouteInvalid.of("NotHttp")
          })
          if (url.protocol !== "http:" && url.protocol !== "https:") {
            return yield* ModelRouteInvalid.of("NotHttp")
          }
          if (url.username !== "" || url.password !== "") {
            return yield* ModelRouteInvalid.of("HasCredentials")
          }
          if (input.provider === "openclaw" && !isLoopbackHost(url.hostname) && !config.allowRemote) {
            return yield* ModelRouteInvalid.notLoopback(url.hostname)
          }
        } else if (input.provider === "openai-compatible") {
          return yield* ModelRouteInvalid.of("Missing")
        }
        if (input.provider === "openclaw" && Option.isNone(parseAgentModel(input.model))) {
          return yield* ModelRouteInvalid.of("NotAgentId")
        }
        // The scheme in lower case, as the column's check wants it ("HTTPS://..." is a valid URL, not a 500).
        return { baseUrl: baseUrl?.replace(/^[a-z]+:/i, (scheme) => scheme.toLowerCase()) ?? null }
      })

    const openKey = (role: ModelRole, row: Repo.RouteRow) =>
      row.apiKeySealed === null
        ? Effect.succeed(Option.none<Redacted.Redacted<string>>())
        : crypto.openString(row.apiKeySealed, apiKeyBinding(row)).pipe(
            Effect.map(Option.some),
            Effect.mapError(() => ModelRouteUnusable.of(role))
          )

    const targetOf = (role: ModelRole, row: Repo.RouteRow, options: { readonly agentId?: string | undefined }) =>
      Effect.gen(function* (): Effect.fn.Return<Option.Option<Target>, ModelRouteUnusable | GatewayUnconfigured> {
        const key = yield* openKey(role, row)
        const fix = `PUT /api/v1/model-routes/${role}`
        switch (row.provider) {
          case "openclaw": {
            const base = row.baseUrl === null ? config.url : new URL(row.baseUrl)
            const bearer = Option.orElse(key, () => config.password)
            if (Option.isNone(bearer)) return Option.some(yield* gateway.target(options))
            return Option.some<Target>({
              provider: "openclaw",
              apiBase: apiBaseOf(base, { appendV1: true }),
              model: openClawModel(options.agentId ?? row.model),
              bearer,
              firstByteTimeoutMs: config.firstByteTimeoutMs,
              idleTimeoutMs: config.idleTimeoutMs,
              timeoutVariables: OPENCLAW_TIMEOUTS,
              streamMaxMs: config.streamMaxMs,
              label: row.baseUrl === null ? "gateway" : `gateway of model route ${role}`,
              display: displayUrl(base),
              authFailure: Option.isSome(key)
                ? `gateway password mismatch: the API key of model route ${role} must equal gateway.auth.password in OpenClaw's config (${fix})`
                : PASSWORD_MISMATCH_MESSAGE
            })
          }
          case "openai-compatible":
          case "ollama": {
            const base = new URL(row.baseUrl ?? OLLAMA_DEFAULT_URL)
            const label = `${row.provider} provider of model route ${role}`
            return Option.some<Target>({
              provider: row.provider,
              apiBase: apiBaseOf(base, { appendV1: row.provider === "ollama" }),
              model: row.model,
              bearer: key,
              firstByteTimeoutMs: config.timeoutMs,
              idleTimeoutMs: config.timeoutMs,
              timeoutVariables: PROVIDER_TIMEOUTS,
              streamMaxMs: config.streamMaxMs,
              label,
              display: displayUrl(base),
              authFailure: `the ${label} at ${displayUrl(base)} rejected ${Option.isSome(key) ? "its API key" : "a request without an API key"}: set the right key with ${fix}`
            })
          }
        }
      })

    const routeTarget = (role: ModelRole, options: { readonly agentId?: string | undefined } = {}) =>
      repo.find(role).pipe(
        Effect.flatMap(
          Option.match({
            onNone: () => Effect.succeed(Option.none<Target>()),
            onSome: (row) => targetOf(role, row, options)
          })
        ),
        Effect.withSpan("ModelRoutes.routeTarget", { attributes: { role } })
      )

    const embed = (texts: ReadonlyArray<string>) =>
      routeTarget("embeddings").pipe(
        Effect.flatMap(
          Option.match({
            onSome: (target) =>
              Effect.map(gateway.embed(target, texts), (result): RoutedEmbeddings => ({ ...result, source: "route" })),
            onNone: () =>
              embedder.embed(texts).pipe(
                Effect.map((result): RoutedEmbeddings => ({ ...result, source: "default" })),
                Effect.mapError((error) => GatewayRequestFailed.embedder(error.message))
              )
          })
        ),
        Effect.withSpan("ModelRoutes.embed", { attributes: { count: texts.length } })
      )

    const embedderFor = routeTarget("embeddings").pipe(
      Effect.map(
        Option.map((target): EmbedderShape => ({
          model: target.model,
          minSimilarity: 0,
          embed: (texts) =>
            gateway.embed(target, texts).pipe(
              Effect.mapError(
                (error) =>
                  new EmbeddingError({
                    message: error.message,
                    failure:
                      error._tag === "GatewayUnreachable"
                        ? "unreachable"
                        : error._tag === "GatewayTimeout"
                          ? "timeout"
                          : error._tag === "GatewayMalformedStream"
                            ? "malformed"
                            : "refused"
                  })
              )
            )
        }))
      )
    )

    return {
      list: repo.list.pipe(Effect.map((rows) => rows.map(toRoute))),
      get: (role) =>
        repo.find(role).pipe(
          Effect.flatMap(
            Option.match({
              onNone: () => Effect.fail(ModelRouteNotFound.of(role)),
              onSome: (row) => Effect.succeed(toRoute(row))
            })
          )
        ),
      put: Effect.fn("ModelRoutes.put")(function* (role: ModelRole, input: ModelRouteInput) {
        const { baseUrl } = yield* checkInput(input)
        return yield* rls.current(
          Effect.gen(function* () {
            const row = yield* repo.lockOrCreate(role, globalThis.crypto.randomUUID(), input.provider, input.model)
            const from = keyDestination(row.provider, row.baseUrl)
            const to = keyDestination(input.provider, baseUrl)
            if (row.apiKeySealed !== null && input.apiKey === undefined && from !== to) {
              return yield* ModelRouteInvalid.keyMustBeResent(from, to)
            }
            let apiKeySealed = row.apiKeySealed
            let apiKeyLast4 = row.apiKeyLast4
            if (input.apiKey === null) {
              apiKeySealed = null
              apiKeyLast4 = null
            } else if (input.apiKey !== undefined) {
              const binding = apiKeyBinding({ id: row.id, provider: input.provider, baseUrl })
              apiKeySealed = yield* crypto.seal(Redacted.make(input.apiKey), binding)
              apiKeyLast4 = last4(input.apiKey)
            }
            const updated = yield* repo.update(row.id, {
              provider: input.provider,
              model: input.model,
              baseUrl,
              apiKeySealed,
              apiKeyLast4
            })
            return toRoute(updated)
          })
        )
      }),
      remove: (role) =>
        rls
          .current(repo.remove(role))
          .pipe(Effect.flatMap((removed) => (removed ? Effect.void : Effect.fail(ModelRouteNotFound.of(role))))),
      openClawAgents: gateway.target().pipe(
        Effect.flatMap(gateway.models),
        Effect.map((models) =>
          models.flatMap((info) =>
            Option.match(parseAgentModel(info.id), {
              onNone: () => [],
              onSome: (parsed) => [{ model: info.id, agentId: parsed.agentId }]
            })
          )
        )
      ),
      routeTarget,
      embed,
      embedderFor
    } satisfies ModelRoutesShape
  })
).pipe(Layer.provide([embedderLayer, bindLegacyKeysLayer]))
