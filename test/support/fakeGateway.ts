// A stand-in for OpenClaw's gateway that speaks its documented OpenAI-compatible protocol byte for byte:
// POST /v1/chat/completions (JSON, or with stream: true Server-Sent Events of chat.completion.chunk objects ending in
// `data: [DONE]`), GET /v1/models, POST /v1/embeddings, all behind `Authorization: Bearer <password>` (401 otherwise).
// Modes misbehave on purpose: slow (no answer for a while), gated (one delta, then waits for release()), broken (the
// connection drops mid-stream), malformed (a chunk that is not JSON), down (every connection is dropped at once) and
// endpoints-off (as OpenClaw by default: its /v1 paths answer a bare 404 "Not Found" before checking the password).
// POST /tools/invoke is always on, as in OpenClaw: 401 without the password, else 400 for a body naming no tool.
// `delayFor` holds chosen requests back (one job's call, say) whatever the mode.
import * as crypto from "node:crypto"
import * as http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { readBody, json } from "./fakeHttp"

export type FakeGatewayMode = "normal" | "slow" | "gated" | "broken" | "malformed" | "down" | "endpoints-off"

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: any
}

export interface FakeGatewayOptions {
  /** Bearer values accepted; the first is "the" gateway password. */
  readonly passwords: ReadonlyArray<string>
  readonly port?: number
  readonly host?: string
  readonly mode?: FakeGatewayMode
  /** The assistant's answer to the last user message (default: `You said: <message>`). */
  readonly reply?: (lastUserMessage: string, body: any) => string
  /** Pause between streamed chunks. */
  readonly chunkDelayMs?: number
  /** How long slow mode keeps a request waiting before answering. */
  readonly slowMs?: number
  /** How long to keep this request waiting before answering (0: not at all); ends early if the client goes away. */
  readonly delayFor?: (path: string, body: any) => number
  readonly embeddingDimensions?: number
}

export interface FakeGateway {
  readonly url: string
  readonly port: number
  mode: FakeGatewayMode
  passwords: Set<string>
  readonly requests: Array<RecordedRequest>
  /** Streamed answers whose client went away before the answer finished. */
  readonly cancelled: () => number
  /** Gated mode: lets every held stream finish. */
  readonly release: () => void
  /** Resolves when a streamed answer is cancelled by its client (or rejects after the timeout). */
  readonly waitForCancel: (timeoutMs?: number) => Promise<void>
  readonly close: () => Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Splits a reply into word-sized deltas that keep their spaces, as models stream them. */
export const deltasOf = (text: string): Array<string> => text.match(/\s*\S+/g) ?? [text]

/** A deterministic unit vector for a text: the same text always embeds the same way. */
export const fakeEmbedding = (text: string, dimensions = 8): Array<number> => {
  const digest = crypto.createHash("sha256").update(text).digest()
  const raw = Array.from({ length: dimensions }, (_, i) => digest[i % digest.length]! / 255 - 0.5)
  const norm = Math.sqrt(raw.reduce((sum, value) => sum + value * value, 0)) || 1
  return raw.map((value) => Number((value / norm).toFixed(6)))
}

export const startFakeGateway = async (options: FakeGatewayOptions): Promise<FakeGateway> => {
  const requests: Array<RecordedRequest> = []
  const sockets = new Set<Socket>()
  const gates = new Set<() => void>()
  const cancelWaiters = new Set<() => void>()
  let cancelled = 0
  const state = {
    mode: options.mode ?? ("normal" as FakeGatewayMode),
    passwords: new Set(options.passwords)
  }
  const reply = options.reply ?? ((message: string) => `You said: ${message}`)
  const chunkDelay = options.chunkDelayMs ?? 5
  const dimensions = options.embeddingDimensions ?? 8

  const streamChat = async (request: http.IncomingMessage, response: http.ServerResponse, body: any) => {
    const id = `chatcmpl-${crypto.randomBytes(12).toString("hex")}`
    const created = Math.floor(Date.now() / 1000)
    const model = typeof body.model === "string" ? body.model : "openclaw:main"
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({
        id,
        object: "chat.completion.chunk",
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finish }]
      })}\n\n`
    let finished = false
    response.on("close", () => {
      if (!finished) {
        cancelled++
        for (const wake of cancelWaiters) wake()
      }
    })
    const alive = () => !response.destroyed && !response.writableEnded
    response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive"
    })
    response.write(chunk({ role: "assistant", content: "" }, null))
    const pieces = deltasOf(reply(lastUserMessage(body), body))
    for (let i = 0; i < pieces.length; i++) {
      if (!alive()) return
      if (state.mode === "broken" && i === 2) {
        request.socket.destroy()
        return
      }
      if (state.mode === "malformed" && i === 1) {
        response.write('data: {"id": "chatcmpl-x", "object": "chat.completion.chunk", "choices": [\n\n')
        finished = true
        response.end()
        return
      }
      response.write(chunk({ content: pieces[i] }, null))
      if (state.mode === "gated" && i === 0) {
        await new Promise<void>((resolve) => {
          gates.add(resolve)
          response.once("close", resolve)
        })
        if (!alive()) return
      }
      if (chunkDelay > 0) await sleep(chunkDelay)
    }
    if (!alive()) return
    response.write(chunk({}, "stop"))
    response.write("data: [DONE]\n\n")
    finished = true
    response.end()
  }

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    if (state.mode === "down") return request.socket.destroy()
    const text = await readBody(request)
    let body: any = undefined
    try {
      body = text === "" ? undefined : JSON.parse(text)
    } catch {
      return json(response, 400, { error: { message: "body is not JSON", type: "invalid_request_error" } })
    }
    const path = (request.url ?? "/").split("?")[0]!
    requests.push({ method: request.method ?? "GET", path, headers: request.headers, body })
    if (state.mode === "endpoints-off" && path.startsWith("/v1/")) {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" })
      return response.end("Not Found")
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1]
    if (bearer === undefined || !state.passwords.has(bearer)) {
      return json(response, 401, { error: { message: "Unauthorized", type: "unauthorized" } })
    }
    if (state.mode === "slow") await sleep(options.slowMs ?? 5_000)
    const delay = options.delayFor?.(path, body) ?? 0
    if (delay > 0) await Promise.race([sleep(delay), new Promise((resolve) => response.once("close", resolve))])
    if (response.destroyed) return
    if (request.method === "POST" && path === "/tools/invoke") {
      return json(response, 400, {
        ok: false,
        error: { type: "invalid_request", message: "tools.invoke requires name" }
      })
    }
    if (request.method === "GET" && path === "/v1/models") {
      return json(response, 200, {
        object: "list",
        data: ["main", "research"].map((agent) => ({
          id: `openclaw:${agent}`,
          object: "model",
          created: 1_700_000_000,
          owned_by: "openclaw"
        }))
      })
    }
    if (request.method === "POST" && path === "/v1/embeddings") {
      const input: Array<string> = typeof body?.input === "string" ? [body.input] : (body?.input ?? [])
      return json(response, 200, {
        object: "list",
        data: input.map((item, index) => ({ object: "embedding", index, embedding: fakeEmbedding(item, dimensions) })),
        model: body?.model ?? "unknown",
        usage: { prompt_tokens: input.length, total_tokens: input.length }
      })
    }
    if (request.method === "POST" && path === "/v1/chat/completions") {
      if (body?.stream === true) return streamChat(request, response, body)
      return json(response, 200, {
        id: `chatcmpl-${crypto.randomBytes(12).toString("hex")}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body?.model ?? "openclaw:main",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: reply(lastUserMessage(body), body) },
            finish_reason: "stop"
          }
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }
      })
    }
    return json(response, 404, { error: { message: `no route ${request.method} ${path}`, type: "not_found" } })
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch(() => response.destroy())
  })
  server.on("connection", (socket) => {
    if (state.mode === "down") return socket.destroy()
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve)
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get mode() {
      return state.mode
    },
    set mode(mode: FakeGatewayMode) {
      state.mode = mode
      // Kept-alive connections would otherwise still reach a gateway that is "down".
      if (mode === "down") for (const socket of sockets) socket.destroy()
    },
    get passwords() {
      return state.passwords
    },
    set passwords(passwords: Set<string>) {
      state.passwords = passwords
    },
    requests,
    cancelled: () => cancelled,
    release: () => {
      for (const open of gates) open()
      gates.clear()
    },
    waitForCancel: (timeoutMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          cancelWaiters.delete(wake)
          reject(new Error(`no stream was cancelled within ${timeoutMs} ms`))
        }, timeoutMs)
        const wake = () => {
          clearTimeout(timer)
          cancelWaiters.delete(wake)
          resolve()
        }
        cancelWaiters.add(wake)
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const open of gates) open()
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}

const lastUserMessage = (body: any): string => {
  const messages: Array<{ role?: string; content?: unknown }> = Array.isArray(body?.messages) ? body.messages : []
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === "user" && typeof messages[i]!.content === "string") return messages[i]!.content as string
  }
  return ""
}
