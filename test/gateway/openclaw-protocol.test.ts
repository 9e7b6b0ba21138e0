// What the host must do to work with OpenClaw as OpenClaw behaves, against stand-ins that behave the same way (the
// real gateway is in test/openclaw): agent ids and model names in its grammar, session keys outside its reserved
// namespaces and new for every job run, the first-byte and idle bounds of an agent that prepares in silence, and
// "endpoint disabled" and "wrong password" told apart from "up".
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Redacted, Stream } from "effect"
import { agentIdOfModel, openClawModel, parseAgentModel } from "../../src/gateway/AgentModel"
import { make } from "../../src/gateway/Gateway"
import type { GatewayConfig } from "../../src/gateway/GatewayConfig"
import { issueOf } from "../../src/gateway/GatewayState"
import {
  agentTaskSessionKey,
  isReservedSessionKey,
  jobSessionKey,
  newRunId,
  sessionKey
} from "../../src/gateway/SessionKeys"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"

const PASSWORD = "gw-" + "5d".repeat(16)

const gatewayAt = (url: string, options: Partial<GatewayConfig> = {}) =>
  make({
    url: new URL(url),
    password: Option.some(Redacted.make(PASSWORD)),
    allowRemote: false,
    timeoutMs: 60_000,
    firstByteTimeoutMs: 5_000,
    idleTimeoutMs: 5_000,
    streamMaxMs: 60_000,
    agentId: "main",
    ...options
  })

const streamed = (gateway: ReturnType<typeof make>) =>
  Effect.scoped(
    Effect.flatMap(gateway.target(), (target) =>
      Effect.flatMap(gateway.stream(target, { messages: [{ role: "user", content: "hi" }] }), Stream.runCollect)
    )
  ).pipe(Effect.map((chunk) => Chunk.toArray(chunk).join("")))

describe("OpenClaw's agent ids and model names", () => {
  it("accepts every form OpenClaw accepts, keeping it as written; a bare id is sent as openclaw:<id>", () => {
    const cases: Array<[string, string, string]> = [
      ["openclaw", "openclaw", "default"],
      ["openclaw/default", "openclaw/default", "default"],
      ["openclaw/main", "openclaw/main", "main"],
      ["openclaw:research", "openclaw:research", "research"],
      ["agent:Ops_2-b", "agent:Ops_2-b", "Ops_2-b"],
      ["main", "openclaw:main", "main"],
      ["A" + "b".repeat(63), "openclaw:A" + "b".repeat(63), "A" + "b".repeat(63)]
    ]
    for (const [text, model, agentId] of cases) {
      expect(Option.getOrThrow(parseAgentModel(text)), text).toEqual({ model, agentId })
      expect(openClawModel(text)).toBe(model)
      expect(agentIdOfModel(model)).toBe(agentId)
    }
  })

  it("refuses what OpenClaw refuses: dots, a leading '_' or '-', spaces, empty or over-long ids", () => {
    for (const text of [
      "research.v2",
      "openclaw/research.v2",
      "openclaw:a.b",
      "_main",
      "-main",
      "two words",
      "openclaw/",
      "agent:",
      "a".repeat(65)
    ]) {
      expect(Option.isNone(parseAgentModel(text)), text).toBe(true)
    }
  })
})

describe("session keys", () => {
  it("never fall in OpenClaw's reserved namespaces (cron:, subagent:, acp:)", () => {
    const keys = [
      sessionKey("cron", "subagent"),
      agentTaskSessionKey("acp", "t1"),
      jobSessionKey("w1", "memory-distill", newRunId()),
      jobSessionKey("w1", "folio-synthesis", newRunId(), "f1")
    ]
    for (const key of keys) {
      expect(key.startsWith("carabase:")).toBe(true)
      expect(isReservedSessionKey(key)).toBe(false)
    }
    expect(isReservedSessionKey("cron:nightly")).toBe(true)
    expect(isReservedSessionKey("SubAgent:x")).toBe(true)
  })

  it("are new for every job run, and stable for one chat session", () => {
    expect(jobSessionKey("w", "dream-cycle", newRunId())).not.toBe(jobSessionKey("w", "dream-cycle", newRunId()))
    expect(sessionKey("w", "s")).toBe(sessionKey("w", "s"))
  })
})

/** An agent as OpenClaw streams one: the event stream opens at once, then nothing while it prepares. */
const agentLike = async (options: { prepareMs: number; pauseMs: number }) => {
  const server = http.createServer((request, response) => {
    request.resume()
    request.on("end", () => {
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "openclaw/main", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
      response.writeHead(200, { "content-type": "text/event-stream" })
      response.write(chunk({ role: "assistant" }))
      setTimeout(() => {
        if (response.destroyed) return
        response.write(chunk({ content: "ready" }))
        setTimeout(() => {
          if (response.destroyed) return
          response.write(chunk({ content: " now" }))
          response.write(chunk({}, "stop"))
          response.end("data: [DONE]\n\n")
        }, options.pauseMs)
      }, options.prepareMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

describe("first-byte and idle bounds", () => {
  it.live("a silent preparation longer than the idle bound is fine within the first-byte bound", () =>
    Effect.gen(function* () {
      const agent = yield* Effect.acquireRelease(
        Effect.promise(() => agentLike({ prepareMs: 800, pauseMs: 0 })),
        (server) => Effect.promise(() => server.close())
      )
      expect(yield* streamed(gatewayAt(agent.url, { firstByteTimeoutMs: 3_000, idleTimeoutMs: 300 }))).toBe("ready now")
    }).pipe(Effect.scoped)
  )

  it.live("no content within the first-byte bound fails naming OPENCLAW_GATEWAY_FIRST_BYTE_TIMEOUT_MS", () =>
    Effect.gen(function* () {
      const agent = yield* Effect.acquireRelease(
        Effect.promise(() => agentLike({ prepareMs: 3_000, pauseMs: 0 })),
        (server) => Effect.promise(() => server.close())
      )
      const error = yield* Effect.flip(
        streamed(gatewayAt(agent.url, { firstByteTimeoutMs: 400, idleTimeoutMs: 5_000 }))
      )
      expect(error._tag).toBe("GatewayTimeout")
      expect(error).toMatchObject({ reason: "NotStarted", limitMs: 400 })
      expect(error.message).toContain("OPENCLAW_GATEWAY_FIRST_BYTE_TIMEOUT_MS")
    }).pipe(Effect.scoped)
  )

  it.live("silence after the answer has started is bounded by the idle bound, named in the error", () =>
    Effect.gen(function* () {
      const agent = yield* Effect.acquireRelease(
        Effect.promise(() => agentLike({ prepareMs: 0, pauseMs: 3_000 })),
        (server) => Effect.promise(() => server.close())
      )
      const error = yield* Effect.flip(
        streamed(gatewayAt(agent.url, { firstByteTimeoutMs: 5_000, idleTimeoutMs: 400 }))
      )
      expect(error).toMatchObject({ _tag: "GatewayTimeout", reason: "Stalled", limitMs: 400 })
      expect(error.message).toContain("OPENCLAW_GATEWAY_IDLE_TIMEOUT_MS")
    }).pipe(Effect.scoped)
  )
})

describe("gateway states", () => {
  let fake: FakeGateway
  beforeAll(async () => {
    fake = await startFakeGateway({ passwords: [PASSWORD], mode: "endpoints-off" })
  })
  afterAll(() => fake?.close())

  it.live("endpoints off: endpoint-disabled with the config key, never up; a chat says which key to set", () =>
    Effect.gen(function* () {
      const gateway = gatewayAt(fake.url)
      expect(yield* gateway.state).toBe("endpoint-disabled")
      expect(issueOf("endpoint-disabled")?.configKey).toBe("gateway.http.endpoints.chatCompletions.enabled")
      const error = yield* Effect.flip(streamed(gateway))
      expect(error).toMatchObject({ _tag: "GatewayRequestFailed", reason: "EndpointDisabled", upstreamStatus: 404 })
      expect(error.message).toContain("gateway.http.endpoints.chatCompletions.enabled")
    })
  )

  it.live("a wrong password is wrong-password whether the endpoints are on or off", () =>
    Effect.gen(function* () {
      const wrong = gatewayAt(fake.url, { password: Option.some(Redacted.make("not-it")) })
      expect(yield* wrong.state).toBe("wrong-password")
      expect(issueOf("wrong-password")?.configKey).toBe("gateway.auth.password")
      fake.mode = "normal"
      expect(yield* wrong.state).toBe("wrong-password")
      expect(yield* gatewayAt(fake.url).state).toBe("up")
      fake.mode = "endpoints-off"
    })
  )
})
