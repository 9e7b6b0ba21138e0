// Every model call the host makes for work other than embeddings: the nightly jobs, agent tasks, channel replies (and
// the entity extractor). A caller names the role its work belongs to; the workspace's model route for that role
// decides where the call goes (an `ollama` route through Ollama's /api/chat, an `openai-compatible` one through
// /v1/chat/completions, an `openclaw` one to that gateway), and a role without a route goes to the environment's
// OpenClaw gateway. `utilityHigh` work without a route of its own uses the `utility` route before the gateway, so
// one local model serves all of it. A failure names the route it went to (its label) and never its key.
import { Context, Effect, Layer, Option, type Scope, type Stream } from "effect"
import { Gateway } from "../gateway/Gateway"
import { GatewayUnconfigured, type GatewayError } from "../gateway/GatewayErrors"
import type { ChatMessage } from "../gateway/OpenAiClient"
import type { Target } from "../gateway/Target"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { ModelRoutes, layer as modelRoutesLayer } from "./ModelRoutes"
import type { ModelRole, ModelRouteUnusable } from "./ModelRoutesApi"

/** The roles of work that asks a model for text. */
export type CallRole = "chat" | "utility" | "utilityHigh"

/** The routes a role tries, in order, before the gateway. */
export const routesOf: Record<CallRole, ReadonlyArray<ModelRole>> = {
  chat: ["chat"],
  utility: ["utility"],
  utilityHigh: ["utilityHigh", "utility"]
}

export interface ModelCall {
  readonly messages: ReadonlyArray<ChatMessage>
  /** OpenClaw's x-openclaw-session-key (the conversation the agent keeps); sent to an OpenClaw gateway only. */
  readonly sessionKey?: string | undefined
  /** The OpenClaw agent to ask (the gateway, or an `openclaw` route); other providers use their route's model. */
  readonly agentId?: string | undefined
}

/** No route and no gateway (GatewayUnconfigured), a route whose key does not open, or the call itself failed. */
export type ModelCallError = GatewayError | ModelRouteUnusable | GatewayUnconfigured

export interface ModelCallsShape {
  /** Where `role`'s calls go in the current workspace: its route (see routesOf), else the OpenClaw gateway. */
  readonly target: (
    role: CallRole,
    options?: { readonly agentId?: string | undefined }
  ) => Effect.Effect<Target, ModelRouteUnusable | GatewayUnconfigured, CurrentWorkspace>
  /** One answer, whole. */
  readonly complete: (role: CallRole, call: ModelCall) => Effect.Effect<string, ModelCallError, CurrentWorkspace>
  /** A streamed answer: succeeds once it has started; closing the scope cancels the upstream request. */
  readonly stream: (
    role: CallRole,
    call: ModelCall
  ) => Effect.Effect<Stream.Stream<string, GatewayError>, ModelCallError, CurrentWorkspace | Scope.Scope>
  /** As complete, on a target resolved beforehand (a caller that checks the route before doing other work). */
  readonly completeOn: (target: Target, call: ModelCall) => Effect.Effect<string, GatewayError>
  readonly streamOn: (
    target: Target,
    call: ModelCall
  ) => Effect.Effect<Stream.Stream<string, GatewayError>, GatewayError, Scope.Scope>
}

export class ModelCalls extends Context.Tag("carabase/ModelCalls")<ModelCalls, ModelCallsShape>() {}

const requestOf = (call: ModelCall) => ({
  messages: call.messages,
  ...(call.sessionKey === undefined ? {} : { headers: { "x-openclaw-session-key": call.sessionKey } })
})

export const layer = Layer.effect(
  ModelCalls,
  Effect.gen(function* () {
    const routes = yield* ModelRoutes
    const gateway = yield* Gateway

    const target = (role: CallRole, options: { readonly agentId?: string | undefined } = {}) =>
      Effect.gen(function* () {
        for (const routed of routesOf[role]) {
          const found = yield* routes.routeTarget(routed, options)
          if (Option.isSome(found)) return found.value
        }
        return yield* gateway.target(options).pipe(Effect.mapError(() => GatewayUnconfigured.forRole(role)))
      }).pipe(Effect.withSpan("ModelCalls.target", { attributes: { role } }))

    const completeOn = (to: Target, call: ModelCall) =>
      gateway
        .complete(to, requestOf(call))
        .pipe(Effect.withSpan("ModelCalls.complete", { attributes: { provider: to.provider, via: to.label } }))
    const streamOn = (to: Target, call: ModelCall) =>
      gateway
        .stream(to, requestOf(call))
        .pipe(Effect.withSpan("ModelCalls.stream", { attributes: { provider: to.provider, via: to.label } }))

    return {
      target,
      complete: (role, call) => Effect.flatMap(target(role, { agentId: call.agentId }), (to) => completeOn(to, call)),
      stream: (role, call) => Effect.flatMap(target(role, { agentId: call.agentId }), (to) => streamOn(to, call)),
      completeOn,
      streamOn
    } satisfies ModelCallsShape
  })
).pipe(Layer.provide(modelRoutesLayer))
