// The client of Ollama's own chat API (POST /api/chat, as Ollama documents it) against a local server answering the
// way Ollama does, including the ways an answer goes wrong: an error line mid-stream, a stream that ends before its
// `done` object, a line that is not JSON, a stream that goes quiet. Each is a typed error naming the route, never its
// key.
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Redacted, Stream } from "effect"
import { make } from "../../src/gateway/Gateway"
import { apiBaseOf, PROVIDER_TIMEOUTS, type Target } from "../../src/gateway/Target"

const KEY = "ollama-proxy-" + "3c".repeat(12)

/** What the server streams for a request whose last user message is the key. */
const scripts: Record<string, (response: http.ServerResponse) => void> = {
  fine: (response) => {
    response.write(`${JSON.stringify({ model: "m", message: { role: "assistant", content: "Hel" }, done: false })}\n`)
    // One piece split across two writes, as a network would.
    const piece = JSON.stringify({ model: "m", message: { role: "assistant", content: "lo" }, done: false })
    response.write(piece.slice(0, 10))
    response.write(`${piece.slice(10)}\n`)
    response.end(`${JSON.stringify({ model: "m", message: { role: "assistant", content: "" }, done: true })}\n`)
  },
  "error mid-answer": (response) => {
    response.write(`${JSON.stringify({ model: "m", message: { role: "assistant", content: "Hel" }, done: false })}\n`)
    response.end(`${JSON.stringify({ error: `out of memory near ${KEY}` })}\n`)
  },
  "no done": (response) => {
    response.end(`${JSON.stringify({ model: "m", message: { role: "assistant", content: "Hel" }, done: false })}\n`)
  },
  "not json": (response) => response.end("<html>proxy error</html>\n"),
  quiet: (response) => {
    response.write(`${JSON.stringify({ model: "m", message: { role: "assistant", content: "Hel" }, done: false })}\n`)
  }
}

let server: http.Server
let root: string
const requests: Array<{ path: string; authorization: string | undefined; body: any }> = []
beforeAll(async () => {
  server = http.createServer((request, response) => {
    let raw = ""
    request.on("data", (chunk: Buffer) => (raw += chunk.toString()))
    request.on("end", () => {
      const body = JSON.parse(raw)
      requests.push({ path: request.url ?? "", authorization: request.headers.authorization, body })
      const last = body.messages.at(-1).content as string
      if (body.stream === false) {
        response.writeHead(200, { "content-type": "application/json" })
        return response.end(
          JSON.stringify({ model: "m", message: { role: "assistant", content: "Whole" }, done: true })
        )
      }
      response.writeHead(200, { "content-type": "application/x-ndjson" })
      scripts[last]!(response)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const gateway = make({
  url: new URL("http://127.0.0.1:1"),
  password: Option.none(),
  allowRemote: false,
  timeoutMs: 1_000,
  firstByteTimeoutMs: 1_000,
  idleTimeoutMs: 1_000,
  streamMaxMs: 60_000,
  agentId: "main"
})

const target = (): Target => ({
  provider: "ollama",
  apiBase: apiBaseOf(new URL(root), { appendV1: true }),
  model: "llama3.2",
  bearer: Option.some(Redacted.make(KEY)),
  firstByteTimeoutMs: 1_000,
  idleTimeoutMs: 500,
  timeoutVariables: PROVIDER_TIMEOUTS,
  streamMaxMs: 60_000,
  label: "ollama provider of model route chat",
  display: root,
  authFailure: "the ollama provider of model route chat rejected its API key"
})

const streamed = (message: string) =>
  Effect.scoped(
    Effect.flatMap(gateway.stream(target(), { messages: [{ role: "user", content: message }] }), Stream.runCollect)
  ).pipe(Effect.map(Chunk.toArray))

describe("Ollama's /api/chat", () => {
  it.live("streams the pieces of an answer, a piece split across two writes kept whole, with the route's key", () =>
    Effect.gen(function* () {
      expect(yield* streamed("fine")).toEqual(["Hel", "lo"])
      const request = requests.at(-1)!
      expect(request.path).toBe("/api/chat")
      expect(request.authorization).toBe(`Bearer ${KEY}`)
      expect(request.body).toEqual({ model: "llama3.2", messages: [{ role: "user", content: "fine" }], stream: true })
    })
  )

  it.live("answers whole with stream false", () =>
    Effect.gen(function* () {
      const answer = yield* gateway.complete(target(), { messages: [{ role: "user", content: "fine" }] })
      expect(answer).toBe("Whole")
      expect(requests.at(-1)!.body.stream).toBe(false)
    })
  )

  it.live("an error line mid-answer fails naming the route, with Ollama's words and never the key", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(streamed("error mid-answer"))
      expect(error._tag).toBe("GatewayRequestFailed")
      expect(error.message).toBe(
        `ollama provider of model route chat at ${root} reported an error mid-answer: out of memory near [redacted]`
      )
    })
  )

  it.live("a stream that ends before done, or a line that is not JSON, is a malformed stream", () =>
    Effect.gen(function* () {
      const cut = yield* Effect.flip(streamed("no done"))
      expect(cut._tag).toBe("GatewayMalformedStream")
      expect(cut.message).toBe(
        `ollama provider of model route chat at ${root} sent a malformed stream: the stream ended before done`
      )
      const garbled = yield* Effect.flip(streamed("not json"))
      expect(garbled.message).toContain("a line is not JSON")
    })
  )

  it.live("a stream that goes quiet fails after the idle bound, naming the setting", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(streamed("quiet"))
      expect(error._tag).toBe("GatewayTimeout")
      expect(error.message).toContain("OPENCLAW_GATEWAY_TIMEOUT_MS")
    })
  )
})
