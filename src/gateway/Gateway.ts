// The agent gateway client: the OpenClaw gateway configured by the environment, and the operations the host uses
// (chat completion plain and streamed, embeddings, models, health) against it or any other target a model route names
// (an `ollama` route's chat goes to Ollama's own /api/chat, OllamaClient).
// A conversation keeps its context in OpenClaw through x-openclaw-session-key, derived from workspace and chat session.
import { Context, Effect, Layer, Option, type Scope, type Stream } from "effect"
import type { BootError } from "../platform/HostEnv"
import { displayUrl, loadGatewayConfig, type GatewayConfig } from "./GatewayConfig"
import { openClawModel } from "./AgentModel"
import { GatewayUnconfigured, PASSWORD_MISMATCH_MESSAGE, type GatewayError } from "./GatewayErrors"
import { probeGateway, type GatewayState } from "./GatewayState"
import * as Ollama from "./OllamaClient"
import * as OpenAi from "./OpenAiClient"
import { apiBaseOf, OPENCLAW_TIMEOUTS, type Target } from "./Target"

export { agentIdOfModel, openClawModel } from "./AgentModel"
export { sessionKey } from "./SessionKeys"
export type { GatewayState } from "./GatewayState"

export interface GatewayShape {
  readonly config: GatewayConfig
  /** The environment's OpenClaw gateway as a target for an agent (default OPENCLAW_AGENT_ID). */
  readonly target: (options?: { readonly agentId?: string | undefined }) => Effect.Effect<Target, GatewayUnconfigured>
  /** See GatewayState: up only when it answers GET /v1/models with our password. */
  readonly state: Effect.Effect<GatewayState>
  readonly complete: (target: Target, request: OpenAi.ChatRequest) => Effect.Effect<string, GatewayError>
  /** Succeeds once the answer has started (refusals fail here); closing the scope cancels the upstream request. */
  readonly stream: (
    target: Target,
    request: OpenAi.ChatRequest
  ) => Effect.Effect<Stream.Stream<string, GatewayError>, GatewayError, Scope.Scope>
  readonly embed: (target: Target, input: ReadonlyArray<string>) => Effect.Effect<OpenAi.Embeddings, GatewayError>
  readonly models: (target: Target) => Effect.Effect<ReadonlyArray<OpenAi.ModelInfo>, GatewayError>
  /** The transcript of an audio file (OpenAI's /v1/audio/transcriptions). */
  readonly transcribe: (target: Target, audio: OpenAi.Audio) => Effect.Effect<string, GatewayError>
}

export class Gateway extends Context.Tag("carabase/Gateway")<Gateway, GatewayShape>() {}

export const make = (config: GatewayConfig): GatewayShape => {
  const target = (
    options: { readonly agentId?: string | undefined } = {}
  ): Effect.Effect<Target, GatewayUnconfigured> =>
    Option.match(config.password, {
      onNone: () => Effect.fail(GatewayUnconfigured.of()),
      onSome: (password) =>
        Effect.succeed<Target>({
          provider: "openclaw",
          apiBase: apiBaseOf(config.url, { appendV1: true }),
          model: openClawModel(options.agentId ?? config.agentId),
          bearer: Option.some(password),
          firstByteTimeoutMs: config.firstByteTimeoutMs,
          idleTimeoutMs: config.idleTimeoutMs,
          timeoutVariables: OPENCLAW_TIMEOUTS,
          streamMaxMs: config.streamMaxMs,
          label: "gateway",
          display: displayUrl(config.url),
          authFailure: PASSWORD_MISMATCH_MESSAGE
        })
    })
  const state = target().pipe(
    Effect.matchEffect({
      onFailure: () => Effect.succeed<GatewayState>("unconfigured"),
      onSuccess: probeGateway
    }),
    Effect.withSpan("Gateway.state")
  )
  return {
    config,
    target,
    state,
    // An `ollama` route chats through Ollama's own /api/chat; every other target speaks OpenAI's chat completions.
    complete: (target, request) =>
      target.provider === "ollama" ? Ollama.chatCompletion(target, request) : OpenAi.chatCompletion(target, request),
    stream: (target, request) =>
      target.provider === "ollama"
        ? Ollama.chatCompletionStream(target, request)
        : OpenAi.chatCompletionStream(target, request),
    embed: OpenAi.embeddings,
    models: OpenAi.models,
    transcribe: OpenAi.transcription
  }
}

/** Fails with a BootError, before any connection, when OPENCLAW_GATEWAY_URL is off this machine without consent. */
export const layer: Layer.Layer<Gateway, BootError> = Layer.effect(Gateway, Effect.map(loadGatewayConfig, make))
