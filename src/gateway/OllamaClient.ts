// Ollama's own chat API, as Ollama documents it (docs/api.md, "Generate a chat completion"): POST /api/chat
// { model, messages, stream } answered with one JSON object ({ message: { role, content }, done: true, ... }) or, when
// streamed, newline-delimited JSON objects of the same shape (each `message.content` a piece of the answer) ending
// with one whose `done` is true; a failure is { error } with an HTTP error status, or as a line of the stream. A route
// whose provider is `ollama` chats here; its embeddings use Ollama's OpenAI-compatible /v1/embeddings. The same bounds,
// errors and bearer handling as the OpenAI-compatible client.
import { Clock, Effect, Schema, Stream, type Scope } from "effect"
import { GatewayMalformedStream, GatewayRequestFailed, type GatewayError } from "./GatewayErrors"
import { excerpt, headersFor, openStream, relayStream, requestJson, type ChatRequest } from "./OpenAiClient"
import type { Target } from "./Target"

const PATH = "api/chat"
/** The longest NDJSON line accepted (one piece of an answer is a few characters). */
const MAX_LINE = 4 * 1024 * 1024

/** /api/chat beside the route's OpenAI root: `http://host:11434/v1/` → `http://host:11434/api/chat`. */
export const chatUrl = (target: Target) => new URL(`../${PATH}`, target.apiBase)

const Answer = Schema.Struct({ message: Schema.Struct({ content: Schema.String }) })
const Piece = Schema.Struct({
  message: Schema.optional(Schema.Struct({ content: Schema.optional(Schema.String) })),
  done: Schema.optional(Schema.Boolean)
})
const decodePiece = Schema.decodeUnknownEither(Piece)

const body = (target: Target, request: ChatRequest, stream: boolean) =>
  JSON.stringify({ model: target.model, messages: request.messages, stream })

export const chatCompletion = (target: Target, request: ChatRequest): Effect.Effect<string, GatewayError> =>
  requestJson(
    target,
    "POST",
    `../${PATH}`,
    { model: target.model, messages: request.messages, stream: false },
    undefined,
    PATH
  ).pipe(
    Effect.flatMap((answer) =>
      Schema.decodeUnknown(Answer)(answer).pipe(
        Effect.mapError(() => GatewayRequestFailed.without(target, PATH, "message.content"))
      )
    ),
    Effect.map((answer) => answer.message.content),
    Effect.withSpan("OllamaClient.chatCompletion", { attributes: { model: target.model } })
  )

/** The pieces of an NDJSON answer, failing if it breaks off before `done`, stalls, or a line is not a piece. */
const piecesOf = (target: Target, stream: ReadableStream<Uint8Array>, firstByteBy: number) =>
  Stream.suspend(() => {
    const text = new TextDecoder("utf-8")
    let buffer = ""
    let done = false
    let started = false
    const step = (bytes: Uint8Array): Effect.Effect<Array<string>, GatewayError> =>
      Effect.suspend((): Effect.Effect<Array<string>, GatewayError> => {
        buffer += text.decode(bytes, { stream: true })
        const lines = buffer.split("\n")
        buffer = lines.pop() ?? ""
        if (buffer.length > MAX_LINE) {
          return Effect.fail(GatewayMalformedStream.of(target, `a line is longer than ${MAX_LINE} characters`))
        }
        const contents: Array<string> = []
        for (const line of lines) {
          if (done) break
          if (line.trim() === "") continue
          let parsed: unknown
          try {
            parsed = JSON.parse(line)
          } catch {
            return Effect.fail(GatewayMalformedStream.of(target, "a line is not JSON"))
          }
          if (typeof parsed === "object" && parsed !== null && "error" in parsed) {
            return Effect.fail(GatewayRequestFailed.errorMidAnswer(target, excerpt(target, line)))
          }
          const piece = decodePiece(parsed)
          if (piece._tag === "Left") return Effect.fail(GatewayMalformedStream.of(target, "a line is not a chat piece"))
          const content = piece.right.message?.content
          if (content !== undefined && content !== "") contents.push(content)
          if (piece.right.done === true) done = true
        }
        if (contents.length > 0 || done) started = true
        return Effect.succeed(contents)
      })
    return relayStream(target, stream, firstByteBy, { step, started: () => started, done: () => done }, "done")
  })

/** As OpenAiClient.chatCompletionStream: succeeds once Ollama answered 200; closing the scope aborts the request. */
export const chatCompletionStream = (
  target: Target,
  request: ChatRequest
): Effect.Effect<Stream.Stream<string, GatewayError>, GatewayError, Scope.Scope> =>
  Effect.gen(function* () {
    const firstByteBy = (yield* Clock.currentTimeMillis) + target.firstByteTimeoutMs
    const response = yield* openStream(target, chatUrl(target), {
      headers: headersFor(target, {}, "application/x-ndjson"),
      body: body(target, request, true)
    })
    if (response.body === null) return yield* Effect.fail(GatewayMalformedStream.of(target, "the answer has no body"))
    return piecesOf(target, response.body, firstByteBy)
  }).pipe(Effect.withSpan("OllamaClient.chatCompletionStream", { attributes: { model: target.model } }))
