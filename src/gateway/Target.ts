// Where one OpenAI-compatible request goes: the OpenClaw gateway from the environment, or the provider a workspace's
// model route names. Carries the words its failures are reported with, so every message names the right thing to fix.
import { Option, type Redacted } from "effect"

export const Providers = ["openclaw", "openai-compatible", "ollama"] as const
export type Provider = (typeof Providers)[number]

export interface TimeoutVariables {
  readonly firstByte: string
  readonly idle: string
}

/** The OpenClaw gateway's bounds, and every other provider's. */
export const OPENCLAW_TIMEOUTS: TimeoutVariables = {
  firstByte: "OPENCLAW_GATEWAY_FIRST_BYTE_TIMEOUT_MS",
  idle: "OPENCLAW_GATEWAY_IDLE_TIMEOUT_MS"
}
export const PROVIDER_TIMEOUTS: TimeoutVariables = {
  firstByte: "OPENCLAW_GATEWAY_TIMEOUT_MS",
  idle: "OPENCLAW_GATEWAY_TIMEOUT_MS"
}

export interface Target {
  readonly provider: Provider
  /** The OpenAI API root, ending in "/": endpoint paths ("chat/completions") resolve against it. */
  readonly apiBase: URL
  readonly model: string
  readonly bearer: Option.Option<Redacted.Redacted<string>>
  /** Bound from the request to the first chunk of content (the whole answer when not streamed). */
  readonly firstByteTimeoutMs: number
  /** Bound on silence between two chunks of a streamed answer. */
  readonly idleTimeoutMs: number
  /** The settings that set those two bounds, for messages: what to raise when one is hit. */
  readonly timeoutVariables: TimeoutVariables
  /** Bound on a whole streamed answer (OPENCLAW_GATEWAY_STREAM_MAX_MS). */
  readonly streamMaxMs: number
  /** How messages name it: "gateway", or "ollama provider of model route chat". */
  readonly label: string
  /** Its address as messages show it (never user info). */
  readonly display: string
  /** The message for a 401/403, which says which secret to fix. */
  readonly authFailure: string
}

/** The API root of a base URL: `http://host:18789` → `http://host:18789/v1/`; a URL already ending in /v1 is kept. */
export const apiBaseOf = (base: URL, options: { appendV1: boolean }): URL => {
  const url = new URL(base.href)
  url.search = ""
  url.hash = ""
  let path = url.pathname.replace(/\/+$/, "")
  if (options.appendV1 && !/\/v1$/.test(path)) path = `${path}/v1`
  url.pathname = `${path}/`
  return url
}

export const isOpenClaw = (target: Target) => target.provider === "openclaw"

export const hasBearer = (target: Target) => Option.isSome(target.bearer)
