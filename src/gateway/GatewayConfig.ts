// Where the local OpenClaw gateway listens, the password it expects (Redacted until a request needs it), which agent
// answers by default and how long to wait: OpenClaw sends nothing while its agent prepares a session, runs tools or
// retries a failing model (about two minutes before it reports the model's error), so its bounds on the first byte and
// on silence between chunks are separate and default to 180 s; other providers keep OPENCLAW_GATEWAY_TIMEOUT_MS. A gateway URL off this machine refuses to boot unless
// OPENCLAW_ALLOW_REMOTE=true: decided from the URL alone, before any connection, so the password never crosses a
// network by accident.
import { Config, Effect, Option, Redacted } from "effect"
import { BootError } from "../platform/HostEnv"
import { isAgentId } from "./AgentModel"

export interface GatewayConfig {
  readonly url: URL
  readonly password: Option.Option<Redacted.Redacted<string>>
  readonly allowRemote: boolean
  /** Other providers' (model routes') bound on the first byte of an answer and on silence between chunks. */
  readonly timeoutMs: number
  /** OpenClaw's bound from the request to the first chunk of content (to the whole answer when not streamed). */
  readonly firstByteTimeoutMs: number
  /** OpenClaw's bound on silence between two chunks of a streamed answer. */
  readonly idleTimeoutMs: number
  /** Bound on a whole streamed answer, however steadily it trickles in. */
  readonly streamMaxMs: number
  /** The agent that answers when a request names none: `model: "openclaw:<agentId>"`. */
  readonly agentId: string
}

export const DEFAULT_GATEWAY_URL = "http://127.0.0.1:18789"
/** OpenClaw's default bounds: they outlast its own retries of a failing model (93 to 117 s measured). */
export const OPENCLAW_DEFAULT_TIMEOUT_MS = 180_000

/** 127.0.0.0/8, ::1 (also as an IPv4-mapped 127.x address) and localhost. `URL` has already normalised the host. */
export const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.toLowerCase().replace(/\.$/, "")
  if (host === "localhost") return true
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true
  if (host === "[::1]") return true
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)
}

/** What messages may show of a URL: scheme, host, port and path, never user info. */
export const displayUrl = (url: URL): string => {
  const path = url.pathname === "/" ? "" : url.pathname.replace(/\/+$/, "")
  return `${url.protocol}//${url.host}${path}`
}

const raw = Config.all({
  url: Config.string("OPENCLAW_GATEWAY_URL").pipe(Config.withDefault(DEFAULT_GATEWAY_URL)),
  password: Config.option(Config.redacted("OPENCLAW_GATEWAY_PASSWORD")),
  allowRemote: Config.string("OPENCLAW_ALLOW_REMOTE").pipe(Config.withDefault("false")),
  timeoutMs: Config.option(Config.string("OPENCLAW_GATEWAY_TIMEOUT_MS")),
  firstByteTimeoutMs: Config.option(Config.string("OPENCLAW_GATEWAY_FIRST_BYTE_TIMEOUT_MS")),
  idleTimeoutMs: Config.option(Config.string("OPENCLAW_GATEWAY_IDLE_TIMEOUT_MS")),
  streamMaxMs: Config.string("OPENCLAW_GATEWAY_STREAM_MAX_MS").pipe(Config.withDefault("600000")),
  agentId: Config.string("OPENCLAW_AGENT_ID").pipe(Config.withDefault("main"))
})

const boot = (message: string) => new BootError({ message })

/** Reads and checks the gateway settings; every failure is one operator-readable line naming the variable. */
export const loadGatewayConfig: Effect.Effect<GatewayConfig, BootError> = Effect.gen(function* () {
  const values = yield* raw.pipe(Effect.mapError((error) => boot(`gateway configuration: ${error.message}`)))
  const allowRemote = values.allowRemote.trim().toLowerCase()
  if (!["", "true", "false", "1", "0", "yes", "no"].includes(allowRemote)) {
    return yield* boot("OPENCLAW_ALLOW_REMOTE must be true or false")
  }
  const url = yield* Effect.try({
    try: () => new URL(values.url.trim() === "" ? DEFAULT_GATEWAY_URL : values.url.trim()),
    catch: () => boot("OPENCLAW_GATEWAY_URL must be an http:// or https:// URL")
  })
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return yield* boot("OPENCLAW_GATEWAY_URL must be an http:// or https:// URL")
  }
  const remoteAllowed = ["true", "1", "yes"].includes(allowRemote)
  if (!isLoopbackHost(url.hostname) && !remoteAllowed) {
    return yield* boot(
      `OPENCLAW_GATEWAY_URL points at ${url.hostname}, which is not this machine, so the gateway password would cross the network: use a loopback address (127.0.0.1, ::1 or localhost), or set OPENCLAW_ALLOW_REMOTE=true if you mean it`
    )
  }
  const milliseconds = (name: string, value: Option.Option<string>) =>
    Option.match(
      Option.filter(value, (text) => text.trim() !== ""),
      {
        onNone: () => Effect.succeed(Option.none<number>()),
        onSome: (text) => {
          const ms = Number(text.trim())
          return Number.isInteger(ms) && ms >= 1 && ms <= 3_600_000
            ? Effect.succeed(Option.some(ms))
            : Effect.fail(boot(`${name} must be a whole number of milliseconds between 1 and 3600000`))
        }
      }
    )
  const timeout = yield* milliseconds("OPENCLAW_GATEWAY_TIMEOUT_MS", values.timeoutMs)
  const firstByte = yield* milliseconds("OPENCLAW_GATEWAY_FIRST_BYTE_TIMEOUT_MS", values.firstByteTimeoutMs)
  const idle = yield* milliseconds("OPENCLAW_GATEWAY_IDLE_TIMEOUT_MS", values.idleTimeoutMs)
  // An OPENCLAW_GATEWAY_TIMEOUT_MS set before the two OpenClaw bounds existed still bounds OpenClaw too.
  const openClawDefault = Option.getOrElse(timeout, () => OPENCLAW_DEFAULT_TIMEOUT_MS)
  const streamMaxMs = Number(values.streamMaxMs.trim())
  if (!Number.isInteger(streamMaxMs) || streamMaxMs < 1 || streamMaxMs > 86_400_000) {
    return yield* boot("OPENCLAW_GATEWAY_STREAM_MAX_MS must be a whole number of milliseconds between 1 and 86400000")
  }
  const agentId = values.agentId.trim()
  if (!isAgentId(agentId)) {
    return yield* boot(
      "OPENCLAW_AGENT_ID must be an OpenClaw agent id: a letter or digit, then letters, digits, '_' or '-', at most 64 in all (no dots)"
    )
  }
  return {
    url,
    password: Option.filter(values.password, (password) => Redacted.value(password) !== ""),
    allowRemote: remoteAllowed,
    timeoutMs: Option.getOrElse(timeout, () => 60_000),
    firstByteTimeoutMs: Option.getOrElse(firstByte, () => openClawDefault),
    idleTimeoutMs: Option.getOrElse(idle, () => openClawDefault),
    streamMaxMs,
    agentId
  }
})
