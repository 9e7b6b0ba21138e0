// The gateway client against the fake gateway, which speaks OpenClaw's protocol: streamed and plain completions,
// embeddings, models, and each way a gateway can fail, as typed errors with messages a user can act on.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Option, Redacted, Scope, Stream } from "effect"
import { make, sessionKey } from "../../src/gateway/Gateway"
import { PASSWORD_MISMATCH_MESSAGE } from "../../src/gateway/GatewayErrors"
import type { GatewayConfig } from "../../src/gateway/GatewayConfig"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { freePort } from "../support/ports"

const PASSWORD = "gw-" + "7e".repeat(16)
let fake: FakeGateway

beforeAll(async () => {
  fake = await startFakeGateway({ passwords: [PASSWORD], slowMs: 2_000 })
})
afterAll(() => fake?.close())

/** `timeoutMs` sets OpenClaw's first-byte and idle bounds too, unless they are given. */
const gatewayAt = (url: string, options: Partial<GatewayConfig> = {}) => {
  const timeoutMs = options.timeoutMs ?? 1_000
  return make({
    url: new URL(url),
    password: Option.some(Redacted.make(PASSWORD)),
    allowRemote: false,
    timeoutMs,
    firstByteTimeoutMs: timeoutMs,
    idleTimeoutMs: timeoutMs,
    streamMaxMs: 60_000,
    agentId: "main",
    ...options
  })
}

const withMode = <A, E>(mode: FakeGateway["mode"], effect: Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => (fake.mode = mode)),
    () => effect,
    () => Effect.sync(() => (fake.mode = "normal"))
  )

const streamed = (gateway: ReturnType<typeof make>, message: string) =>
  Effect.scoped(
    Effect.flatMap(gateway.target(), (target) =>
      Effect.flatMap(
        gateway.stream(target, {
          messages: [{ role: "user", content: message }],
          headers: { "x-openclaw-session-key": sessionKey("w", "s") }
        }),
        Stream.runCollect
      )
    )
  ).pipe(Effect.map(Chunk.toArray))

describe("gateway client", () => {
  it.live("streams the deltas of a chat completion, addressing agent and session", () =>
    Effect.gen(function* () {
      const deltas = yield* streamed(gatewayAt(fake.url), "hello there")
      expect(deltas).toEqual(["You", " said:", " hello", " there"])
      const request = fake.requests.at(-1)!
      expect(request.path).toBe("/v1/chat/completions")
      expect(request.body).toMatchObject({ model: "openclaw:main", stream: true })
      expect(request.headers["x-openclaw-session-key"]).toBe("carabase:w:s")
      expect(request.headers.authorization).toBe(`Bearer ${PASSWORD}`)
    })
  )

  it.live("answers a plain completion, and picks the agent from the target", () =>
    Effect.gen(function* () {
      const gateway = gatewayAt(fake.url)
      const target = yield* gateway.target({ agentId: "research" })
      const answer = yield* gateway.complete(target, { messages: [{ role: "user", content: "ping" }] })
      expect(answer).toBe("You said: ping")
      expect(fake.requests.at(-1)!.body).toMatchObject({ model: "openclaw:research", stream: false })
    })
  )

  it.live("lists models and embeds texts", () =>
    Effect.gen(function* () {
      const gateway = gatewayAt(fake.url)
      const target = yield* gateway.target()
      const models = yield* gateway.models(target)
      expect(models.map((model) => model.id)).toContain("openclaw:main")
      const embedded = yield* gateway.embed(target, ["a", "b"])
      expect(embedded.vectors).toHaveLength(2)
      expect(embedded.vectors[0]).toHaveLength(8)
      expect(yield* gateway.state).toBe("up")
    })
  )

  it.live("a wrong password is GatewayPasswordMismatch with the fix in its message", () =>
    Effect.gen(function* () {
      const gateway = make({ ...gatewayAt(fake.url).config, password: Option.some(Redacted.make("wrong-one")) })
      const error = yield* Effect.flip(streamed(gateway, "hi"))
      expect(error._tag).toBe("GatewayPasswordMismatch")
      expect(error.message).toBe(PASSWORD_MISMATCH_MESSAGE)
      expect(error.message).not.toContain("wrong-one")
      expect(yield* gateway.state).toBe("wrong-password")
    })
  )

  it.live("nothing listening is GatewayUnreachable naming the URL", () =>
    Effect.gen(function* () {
      const port = yield* Effect.promise(freePort)
      const gateway = gatewayAt(`http://127.0.0.1:${port}`)
      const error = yield* Effect.flip(streamed(gateway, "hi"))
      expect(error._tag).toBe("GatewayUnreachable")
      expect(error.message).toContain(`gateway unreachable at http://127.0.0.1:${port}`)
      expect(yield* gateway.state).toBe("down")
    })
  )

  it.live("a gateway that drops every connection is unreachable too", () =>
    withMode(
      "down",
      Effect.gen(function* () {
        const error = yield* Effect.flip(streamed(gatewayAt(fake.url), "hi"))
        expect(error._tag).toBe("GatewayUnreachable")
      })
    )
  )

  it.live("no answer within the bound is GatewayTimeout", () =>
    withMode(
      "slow",
      Effect.gen(function* () {
        const started = Date.now()
        const error = yield* Effect.flip(streamed(gatewayAt(fake.url, { timeoutMs: 300 }), "hi"))
        expect(error._tag).toBe("GatewayTimeout")
        expect(error.message).toContain("300 ms")
        expect(error.message).toContain("OPENCLAW_GATEWAY_FIRST_BYTE_TIMEOUT_MS")
        expect(Date.now() - started).toBeLessThan(1_500)
      })
    )
  )

  it.live("an answer that keeps trickling in is cut off at OPENCLAW_GATEWAY_STREAM_MAX_MS, after what it sent", () =>
    Effect.gen(function* () {
      const trickling = yield* Effect.acquireRelease(
        Effect.promise(() =>
          startFakeGateway({ passwords: [PASSWORD], chunkDelayMs: 100, reply: () => "word ".repeat(200) })
        ),
        (gateway) => Effect.promise(() => gateway.close())
      )
      const started = Date.now()
      const shown: Array<string> = []
      const gateway = gatewayAt(trickling.url, { timeoutMs: 1_000, streamMaxMs: 700 })
      const error = yield* Effect.flip(
        Effect.scoped(
          Effect.flatMap(gateway.target(), (target) =>
            Effect.flatMap(
              gateway.stream(target, {
                messages: [{ role: "user", content: "go on" }],
                headers: { "x-openclaw-session-key": sessionKey("w", "s") }
              }),
              Stream.runForEach((delta) => Effect.sync(() => shown.push(delta)))
            )
          )
        )
      )
      expect(error._tag).toBe("GatewayTimeout")
      expect(error.message).toContain("still answering after 700 ms")
      expect(error.message).toContain("OPENCLAW_GATEWAY_STREAM_MAX_MS")
      // Each chunk came well within the 1 s silence bound; the whole answer (20 s) was not allowed to finish.
      expect(shown.length).toBeGreaterThan(1)
      expect(shown.length).toBeLessThan(200)
      expect(Date.now() - started).toBeLessThan(3_000)
    }).pipe(Effect.scoped)
  )

  it.live("a chunk that is not JSON is GatewayMalformedStream", () =>
    withMode(
      "malformed",
      Effect.gen(function* () {
        const error = yield* Effect.flip(streamed(gatewayAt(fake.url), "one two three"))
        expect(error._tag).toBe("GatewayMalformedStream")
        expect(error.message).toContain("not JSON")
      })
    )
  )

  it.live("a connection that drops before [DONE] fails as a broken stream, after the deltas that arrived", () =>
    withMode(
      "broken",
      Effect.gen(function* () {
        const gateway = gatewayAt(fake.url)
        const seen: Array<string> = []
        const error = yield* Effect.scoped(
          Effect.flatMap(gateway.target(), (target) =>
            Effect.flatMap(gateway.stream(target, { messages: [{ role: "user", content: "one two three" }] }), (s) =>
              Stream.runForEach(s, (delta) => Effect.sync(() => seen.push(delta)))
            )
          )
        ).pipe(Effect.flip)
        expect(error._tag).toBe("GatewayMalformedStream")
        expect(error.message).toContain("before data: [DONE]")
        expect(seen).toEqual(["You", " said:"])
      })
    )
  )

  it.live("closing the scope cancels the upstream request", () =>
    withMode(
      "gated",
      Effect.gen(function* () {
        const gateway = gatewayAt(fake.url, { timeoutMs: 5_000 })
        const before = fake.cancelled()
        const scope = yield* Scope.make()
        const target = yield* gateway.target()
        const deltas = yield* gateway
          .stream(target, { messages: [{ role: "user", content: "one two" }] })
          .pipe(Scope.extend(scope))
        const first = yield* Stream.runHead(deltas)
        expect(first).toEqual(Option.some("You"))
        yield* Scope.close(scope, Exit.void)
        yield* Effect.promise(() => fake.waitForCancel(2_000).catch(() => undefined))
        expect(fake.cancelled()).toBeGreaterThan(before)
      })
    )
  )

  it.live("reports unconfigured without a password, and never puts the password in an error", () =>
    Effect.gen(function* () {
      const gateway = make({ ...gatewayAt(fake.url).config, password: Option.none() })
      expect(yield* gateway.state).toBe("unconfigured")
      const error = yield* Effect.flip(gateway.target())
      expect(error._tag).toBe("GatewayUnconfigured")
      expect(error.message).toContain("OPENCLAW_GATEWAY_PASSWORD")
    })
  )
})
