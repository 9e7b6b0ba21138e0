// A stand-in for a model provider (the LLM behind OpenClaw, or a model route's own server) speaking OpenAI's
// chat-completions API: POST /v1/chat/completions answered as JSON or, with stream: true, as Server-Sent Events of
// chat.completion.chunk objects ending in `data: [DONE]`, and GET /v1/models; and Ollama's own chat API as Ollama
// documents it (docs/api.md): POST /api/chat answered, with `stream: false`, as one object { model, created_at,
// message: { role, content }, done: true, done_reason, ... } or, streamed (Ollama's default), as newline-delimited
// JSON objects of that shape (application/x-ndjson) each carrying a piece of the answer, the last with `done: true`;
// an unknown model is a 404 { error }. `answer` decides each turn from the request: text, or one tool call (named
// among the request's `tools`), which the caller then answers with a `role: "tool"` message (OpenAI API only).
// With `transcribe`, it also serves POST /v1/audio/transcriptions as OpenAI documents it: multipart/form-data with
// `file` and `model` (and optional `response_format`, `language`, `prompt`), answered `{ "text": ... }` for
// response_format json (the default) or the bare transcript for text.
import * as crypto from "node:crypto"
import * as http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { readBody, readBytes, json } from "./fakeHttp"

export type ProviderAnswer =
  | { readonly content: string }
  | { readonly toolCall: { readonly name: string; readonly arguments: Record<string, unknown> } }

export interface ProviderRequest {
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: any
}

/** An audio file as a transcription request carried it. */
export interface TranscriptionRequest {
  readonly model: string
  readonly responseFormat: string
  readonly filename: string
  readonly type: string
  readonly bytes: Uint8Array
}

export interface FakeProvider {
  /** The OpenAI API root (`http://127.0.0.1:<port>/v1`). */
  readonly url: string
  /** The server itself (`http://127.0.0.1:<port>`), as an Ollama base URL is written. */
  readonly root: string
  readonly requests: Array<ProviderRequest>
  readonly transcriptions: Array<TranscriptionRequest>
  /** Chat requests whose client went away before the answer was complete. */
  readonly cancelled: () => number
  readonly close: () => Promise<void>
}

export interface FakeProviderOptions {
  /** The bearer every request must carry; undefined: none is asked for (as a local Ollama). */
  readonly apiKey: string | undefined
  readonly model: string
  readonly answer: (body: any) => ProviderAnswer
  /** Held before answering a chat request (0: not at all); ends early if the client goes away. */
  readonly delayFor?: (body: any) => number
  /** The transcript of an audio file; without it the provider has no transcription endpoint (404). */
  readonly transcribe?: (request: TranscriptionRequest) => string
}

/** The text of a message whose content is a string or an array of text parts. */
export const textOf = (content: unknown): string =>
  typeof content === "string"
    ? content
    : Array.isArray(content)
      ? content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("")
      : ""

/** The messages of a chat request with a given role, as text. */
export const messagesOf = (body: any, role: string): Array<string> =>
  (Array.isArray(body?.messages) ? body.messages : [])
    .filter((message: any) => message?.role === role)
    .map((message: any) => textOf(message.content))

export const startFakeProvider = async (options: FakeProviderOptions): Promise<FakeProvider> => {
  const requests: Array<ProviderRequest> = []
  const transcriptions: Array<TranscriptionRequest> = []
  const sockets = new Set<Socket>()
  let cancelled = 0

  const chat = async (response: http.ServerResponse, body: any) => {
    let complete = false
    response.on("close", () => {
      if (!complete) cancelled++
    })
    const delay = options.delayFor?.(body) ?? 0
    if (delay > 0) {
      await Promise.race([
        new Promise((resolve) => setTimeout(resolve, delay)),
        new Promise((resolve) => response.once("close", resolve))
      ])
    }
    if (response.destroyed) return
    const answer = options.answer(body)
    const id = `chatcmpl-${crypto.randomBytes(8).toString("hex")}`
    const created = Math.floor(Date.now() / 1000)
    const toolCall =
      "toolCall" in answer
        ? {
            id: `call_${crypto.randomBytes(6).toString("hex")}`,
            type: "function" as const,
            function: { name: answer.toolCall.name, arguments: JSON.stringify(answer.toolCall.arguments) }
          }
        : null
    const content = "content" in answer ? answer.content : ""
    const finish = toolCall === null ? "stop" : "tool_calls"
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }
    if (body?.stream !== true) {
      complete = true
      return json(response, 200, {
        id,
        object: "chat.completion",
        created,
        model: options.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content, ...(toolCall === null ? {} : { tool_calls: [toolCall] }) },
            finish_reason: finish
          }
        ],
        usage
      })
    }
    const chunk = (delta: Record<string, unknown>, finishReason: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({
        id,
        object: "chat.completion.chunk",
        created,
        model: options.model,
        choices: [{ index: 0, delta, finish_reason: finishReason }],
        ...extra
      })}\n\n`
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
    response.write(chunk({ role: "assistant", content: "" }, null))
    for (const piece of content.match(/\s*\S+/g) ?? []) response.write(chunk({ content: piece }, null))
    if (toolCall !== null) {
      response.write(
        chunk(
          {
            tool_calls: [
              { index: 0, id: toolCall.id, type: "function", function: { name: toolCall.function.name, arguments: "" } }
            ]
          },
          null
        )
      )
      response.write(chunk({ tool_calls: [{ index: 0, function: { arguments: toolCall.function.arguments } }] }, null))
    }
    response.write(chunk({}, finish, body?.stream_options?.include_usage === true ? { usage } : {}))
    response.write("data: [DONE]\n\n")
    complete = true
    response.end()
  }

  /** Ollama's POST /api/chat: one object, or NDJSON pieces unless `stream` is false. */
  const ollamaChat = (response: http.ServerResponse, body: any) => {
    if (body?.model !== options.model) {
      return json(response, 404, { error: `model '${String(body?.model)}' not found, try pulling it first` })
    }
    const answer = options.answer(body)
    const content = "content" in answer ? answer.content : ""
    const piece = (text: string) => ({
      model: options.model,
      created_at: new Date().toISOString(),
      message: { role: "assistant", content: text },
      done: false
    })
    const last = (text: string) => ({
      ...piece(text),
      done: true,
      done_reason: "stop",
      total_duration: 1_000_000,
      load_duration: 1_000,
      prompt_eval_count: 10,
      prompt_eval_duration: 1_000,
      eval_count: 5,
      eval_duration: 1_000
    })
    if (body?.stream === false) return json(response, 200, last(content))
    response.writeHead(200, { "content-type": "application/x-ndjson" })
    for (const text of content.match(/\s*\S+/g) ?? []) response.write(`${JSON.stringify(piece(text))}\n`)
    response.end(`${JSON.stringify(last(""))}\n`)
  }

  const error = (response: http.ServerResponse, status: number, message: string) =>
    json(response, status, { error: { message, type: "invalid_request_error", param: null, code: null } })

  const transcription = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const bytes = await readBytes(request)
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return error(response, 401, "Incorrect API key provided")
    }
    if (options.transcribe === undefined) return error(response, 404, "no transcription endpoint")
    if (!/^multipart\/form-data;/i.test(request.headers["content-type"] ?? "")) {
      return error(response, 400, "the body must be multipart/form-data")
    }
    const form = await new Request("http://provider/", {
      method: "POST",
      headers: { "content-type": request.headers["content-type"]! },
      body: new Uint8Array(bytes)
    }).formData()
    const file = form.get("file")
    const model = form.get("model")
    if (!(file instanceof File)) return error(response, 400, "you must provide a file")
    if (typeof model !== "string" || model === "") return error(response, 400, "you must provide a model parameter")
    const responseFormat = String(form.get("response_format") ?? "json")
    const audio: TranscriptionRequest = {
      model,
      responseFormat,
      filename: file.name,
      type: file.type,
      bytes: new Uint8Array(await file.arrayBuffer())
    }
    transcriptions.push(audio)
    const text = options.transcribe(audio)
    if (responseFormat === "text") {
      response.writeHead(200, { "content-type": "text/plain; charset=utf-8" })
      return response.end(text)
    }
    return json(response, 200, { text })
  }

  const server = http.createServer((request, response) => {
    void (async () => {
      const path = (request.url ?? "/").split("?")[0]!
      if (request.method === "POST" && path === "/v1/audio/transcriptions") return transcription(request, response)
      const text = await readBody(request)
      let body: any
      try {
        body = text === "" ? undefined : JSON.parse(text)
      } catch {
        return json(response, 400, { error: { message: "body is not JSON", type: "invalid_request_error" } })
      }
      requests.push({ path, headers: request.headers, body })
      if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        return json(response, 401, { error: { message: "Incorrect API key provided", type: "invalid_request_error" } })
      }
      if (request.method === "GET" && path === "/v1/models") {
        return json(response, 200, {
          object: "list",
          data: [{ id: options.model, object: "model", created: 1_700_000_000, owned_by: "fake" }]
        })
      }
      if (request.method === "POST" && path === "/v1/chat/completions") return chat(response, body)
      if (request.method === "POST" && path === "/api/chat") return ollamaChat(response, body)
      return json(response, 404, { error: { message: `no route ${request.method} ${path}`, type: "not_found" } })
    })().catch(() => response.destroy())
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", resolve)
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/v1`,
    root: `http://127.0.0.1:${port}`,
    requests,
    transcriptions,
    cancelled: () => cancelled,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
