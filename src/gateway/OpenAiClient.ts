// The OpenAI-compatible protocol as OpenClaw's gateway serves it: chat completions (plain and streamed as Server-Sent
// Events of chat.completion.chunk objects ending in `data: [DONE]`), embeddings and models. Every request is bounded
// by the target's timeout and cancelled with its fiber; a streamed answer is cancelled when its scope closes. The
// bearer is read from its Redacted only to build the request header, and never appears in an error.
import { Clock, Duration, Effect, Option, Redacted, Schema, Stream, type Scope } from "effect"
import {
  GatewayMalformedStream,
  GatewayPasswordMismatch,
  GatewayRequestFailed,
  GatewayTimeout,
  GatewayUnreachable,
  type GatewayError
} from "./GatewayErrors"
import { SseDecoder, SseLineTooLong } from "./Sse"
import type { Target } from "./Target"

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant"
  readonly content: string
}

export interface ChatRequest {
  readonly messages: ReadonlyArray<ChatMessage>
  /** Extra headers (x-openclaw-session-key); only sent to the OpenClaw gateway. */
  readonly headers?: Readonly<Record<string, string>>
}

export interface Embeddings {
  readonly model: string
  readonly vectors: ReadonlyArray<ReadonlyArray<number>>
}

export interface ModelInfo {
  readonly id: string
  readonly ownedBy: string | null
}

const timedOut = (target: Target, reason: "NoAnswer" | "NotStarted" | "Stalled") =>
  GatewayTimeout.of(target, reason, reason === "Stalled" ? target.idleTimeoutMs : target.firstByteTimeoutMs)

const bearerValue = (target: Target) => Option.map(target.bearer, Redacted.value)

/** A short, single-line excerpt of an error body, with the bearer scrubbed in case a server echoes it. */
export const excerpt = (target: Target, text: string): string => {
  let detail = text
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown }
    const candidate = typeof parsed.error === "string" ? parsed.error : (parsed.error?.message ?? parsed.message)
    if (typeof candidate === "string") detail = candidate
  } catch {
    // not JSON: use the text as it is
  }
  detail = detail.replace(/\s+/g, " ").trim().slice(0, 200)
  const secret = bearerValue(target)
  if (Option.isSome(secret) && secret.value !== "") detail = detail.split(secret.value).join("[redacted]")
  return detail === "" ? "" : `: ${detail}`
}

/** OpenClaw answers its OpenAI-compatible paths with a bare "Not Found" while they are disabled. */
const isDisabledEndpoint = (target: Target, status: number, text: string) => {
  if (target.provider !== "openclaw" || status !== 404) return false
  try {
    const parsed = JSON.parse(text) as unknown
    return typeof parsed !== "object" || parsed === null
  } catch {
    return true
  }
}

const statusError = (target: Target, status: number, text: string): GatewayError =>
  status === 401 || status === 403
    ? GatewayPasswordMismatch.of(target, target.authFailure)
    : isDisabledEndpoint(target, status, text)
      ? GatewayRequestFailed.endpointDisabled(target)
      : GatewayRequestFailed.status(target, status, excerpt(target, text))

export const headersFor = (
  target: Target,
  extra: Readonly<Record<string, string>> = {},
  accept = "application/json"
) => {
  const headers: Record<string, string> = { "content-type": "application/json", accept }
  if (target.provider === "openclaw") Object.assign(headers, extra)
  const secret = bearerValue(target)
  if (Option.isSome(secret)) headers.authorization = `Bearer ${secret.value}`
  return headers
}

class BodyFailed {
  constructor(readonly cause: unknown) {}
}

/**
 * One request answered with JSON; its body is JSON, or multipart when given as FormData. `path` is resolved against
 * the target's API base; messages name it as `shown` (by default the path itself).
 */
export const requestJson = (
  target: Target,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  headers?: Readonly<Record<string, string>>,
  shown: string = path
) =>
  Effect.tryPromise({
    try: async (signal) => {
      const form = body instanceof FormData
      const sent = headersFor(target, headers)
      // fetch writes a form's multipart content type, with its boundary.
      if (form) delete sent["content-type"]
      const response = await fetch(new URL(path, target.apiBase), {
        method,
        headers: sent,
        ...(body === undefined ? {} : { body: form ? body : JSON.stringify(body) }),
        signal
      })
      const text = await response.text().catch((cause: unknown) => {
        throw new BodyFailed(cause)
      })
      return { status: response.status, text }
    },
    catch: (error): GatewayError =>
      error instanceof BodyFailed ? GatewayRequestFailed.brokeOff(target) : GatewayUnreachable.of(target)
  }).pipe(
    Effect.timeoutFail({
      duration: Duration.millis(target.firstByteTimeoutMs),
      onTimeout: () => timedOut(target, "NoAnswer")
    }),
    Effect.flatMap(({ status, text }) => {
      if (status < 200 || status > 299) return Effect.fail(statusError(target, status, text))
      return Effect.try({
        try: () => JSON.parse(text) as unknown,
        catch: () => GatewayRequestFailed.notJson(target, shown)
      })
    })
  )

const shapeError = (target: Target, path: string, expected: string) => () =>
  GatewayRequestFailed.without(target, path, expected)

const Completion = Schema.Struct({
  choices: Schema.NonEmptyArray(Schema.Struct({ message: Schema.Struct({ content: Schema.NullOr(Schema.String) }) }))
})

export const chatCompletion = (target: Target, request: ChatRequest): Effect.Effect<string, GatewayError> =>
  requestJson(
    target,
    "POST",
    "chat/completions",
    { model: target.model, messages: request.messages, stream: false },
    request.headers
  ).pipe(
    Effect.flatMap((body) =>
      Schema.decodeUnknown(Completion)(body).pipe(
        Effect.mapError(shapeError(target, "chat/completions", "choices[0].message.content"))
      )
    ),
    Effect.map((completion) => completion.choices[0].message.content ?? ""),
    Effect.withSpan("OpenAiClient.chatCompletion", { attributes: { provider: target.provider, model: target.model } })
  )

const ChunkShape = Schema.Struct({
  choices: Schema.Array(
    Schema.Struct({
      delta: Schema.optional(Schema.Struct({ content: Schema.optional(Schema.NullOr(Schema.String)) }))
    })
  )
})
const decodeChunk = Schema.decodeUnknownEither(ChunkShape)

/**
 * Fails a byte stream that goes quiet: until the answer has started (its first content, or its end), by the absolute
 * time `firstByteBy`; after that, when nothing arrives within the idle bound. OpenClaw opens its event stream at once
 * and then may send nothing for a long while as its agent prepares, so the first content gets the first-byte bound.
 */
const boundSilences =
  (target: Target, firstByteBy: number, hasStarted: () => boolean) =>
  <E>(bytes: Stream.Stream<Uint8Array, E>): Stream.Stream<Uint8Array, E | GatewayError> =>
    Stream.unwrapScoped(
      Effect.map(Stream.toPull(bytes), (pull) =>
        Stream.repeatEffectChunkOption(
          Effect.flatMap(Clock.currentTimeMillis, (now) => {
            const started = hasStarted()
            const limit = started ? target.idleTimeoutMs : Math.max(0, firstByteBy - now)
            return pull.pipe(
              Effect.timeoutFail({
                duration: Duration.millis(limit),
                onTimeout: () => Option.some<E | GatewayError>(timedOut(target, started ? "Stalled" : "NotStarted"))
              })
            )
          })
        )
      )
    )

/** A streamed answer's parser: the pieces each chunk of bytes holds, and whether the answer has begun and ended. */
export interface StreamParser {
  readonly step: (bytes: Uint8Array) => Effect.Effect<Array<string>, GatewayError>
  readonly started: () => boolean
  readonly done: () => boolean
}

/**
 * Relays a streamed answer's pieces as `parser` reads them, under the silence bounds and the whole answer's bound;
 * it fails if the connection breaks off or the stream ends before the parser saw its end (named `end` in messages).
 */
export const relayStream = (
  target: Target,
  body: ReadableStream<Uint8Array>,
  firstByteBy: number,
  parser: StreamParser,
  end: string
): Stream.Stream<string, GatewayError> =>
  Stream.fromReadableStream({
    evaluate: () => body,
    onError: (): GatewayError => GatewayMalformedStream.of(target, `the connection broke off before ${end}`),
    releaseLockOnEnd: true
  }).pipe(
    boundSilences(target, firstByteBy, parser.started),
    // The silence bounds reset on every chunk; this one bounds the whole answer.
    Stream.interruptWhen(
      Effect.zipRight(
        Effect.sleep(Duration.millis(target.streamMaxMs)),
        Effect.fail(GatewayTimeout.tooLong(target, target.streamMaxMs))
      )
    ),
    Stream.mapEffect(parser.step),
    Stream.takeUntil(() => parser.done()),
    Stream.flattenIterables,
    Stream.concat(
      Stream.suspend(() =>
        parser.done() ? Stream.empty : Stream.fail(GatewayMalformedStream.of(target, `the stream ended before ${end}`))
      )
    )
  )

/**
 * POSTs a streamed request: succeeds with the response once it answered 2xx within the first-byte bound, else fails
 * with what the status means (an unreachable server, a timeout, a refusal). Closing the scope aborts the request.
 */
export const openStream = (
  target: Target,
  url: URL,
  init: { readonly headers: Record<string, string>; readonly body: string }
): Effect.Effect<Response, GatewayError, Scope.Scope> =>
  Effect.gen(function* () {
    const controller = yield* Effect.acquireRelease(
      Effect.sync(() => new AbortController()),
      (controller) => Effect.sync(() => controller.abort())
    )
    const response = yield* Effect.tryPromise({
      try: (signal) => {
        signal.addEventListener("abort", () => controller.abort(), { once: true })
        return fetch(url, { method: "POST", headers: init.headers, body: init.body, signal: controller.signal })
      },
      catch: (): GatewayError => GatewayUnreachable.of(target)
    }).pipe(
      Effect.timeoutFail({
        duration: Duration.millis(target.firstByteTimeoutMs),
        onTimeout: () => timedOut(target, "NotStarted")
      })
    )
    if (!response.ok) {
      const text = yield* Effect.promise(() => response.text().catch(() => "")).pipe(
        Effect.timeout(Duration.millis(Math.min(target.firstByteTimeoutMs, 5_000))),
        Effect.orElseSucceed(() => "")
      )
      return yield* Effect.fail(statusError(target, response.status, text))
    }
    return response
  })

/** The content deltas of an event-stream body, failing if it breaks off, stalls or is not chat.completion.chunks. */
const deltasOf = (
  target: Target,
  body: ReadableStream<Uint8Array>,
  firstByteBy: number
): Stream.Stream<string, GatewayError> =>
  Stream.suspend(() => {
    const decoder = new SseDecoder()
    let done = false
    let started = false
    const step = (bytes: Uint8Array): Effect.Effect<Array<string>, GatewayError> =>
      Effect.suspend((): Effect.Effect<Array<string>, GatewayError> => {
        const contents: Array<string> = []
        let events
        try {
          events = decoder.push(bytes)
        } catch (error) {
          return Effect.fail(
            GatewayMalformedStream.of(target, error instanceof SseLineTooLong ? error.message : "undecodable bytes")
          )
        }
        for (const event of events) {
          if (done) break
          if (event.data.trim() === "[DONE]") {
            done = true
            break
          }
          let parsed: unknown
          try {
            parsed = JSON.parse(event.data)
          } catch {
            return Effect.fail(GatewayMalformedStream.of(target, "an event's data is not JSON"))
          }
          if (typeof parsed === "object" && parsed !== null && "error" in parsed) {
            return Effect.fail(GatewayRequestFailed.errorMidAnswer(target, excerpt(target, event.data)))
          }
          const chunk = decodeChunk(parsed)
          if (chunk._tag === "Left") {
            return Effect.fail(GatewayMalformedStream.of(target, "an event is not a chat.completion.chunk"))
          }
          const content = chunk.right.choices[0]?.delta?.content
          if (typeof content === "string" && content !== "") contents.push(content)
        }
        if (contents.length > 0 || done) started = true
        return Effect.succeed(contents)
      })
    return relayStream(target, body, firstByteBy, { step, started: () => started, done: () => done }, "data: [DONE]")
  })

/**
 * Opens a streamed chat completion: succeeds once the gateway has answered 200 with an event stream (so refusals and
 * an unreachable gateway fail here, before anything is relayed), with the stream of content deltas. Closing the scope
 * aborts the upstream request.
 */
export const chatCompletionStream = (
  target: Target,
  request: ChatRequest
): Effect.Effect<Stream.Stream<string, GatewayError>, GatewayError, Scope.Scope> =>
  Effect.gen(function* () {
    const firstByteBy = (yield* Clock.currentTimeMillis) + target.firstByteTimeoutMs
    const response = yield* openStream(target, new URL("chat/completions", target.apiBase), {
      headers: headersFor(target, request.headers, "text/event-stream"),
      body: JSON.stringify({ model: target.model, messages: request.messages, stream: true })
    })
    const contentType = response.headers.get("content-type") ?? ""
    if (response.body === null) return yield* Effect.fail(GatewayMalformedStream.of(target, "the answer has no body"))
    if (contentType.includes("application/json")) {
      // A server that ignores `stream: true` answers one completion: relay it as a single delta.
      const text = yield* Effect.tryPromise({
        try: () => response.text(),
        catch: () => GatewayMalformedStream.of(target, "the connection broke off")
      }).pipe(
        Effect.timeoutFail({
          duration: Duration.millis(target.streamMaxMs),
          onTimeout: () => GatewayTimeout.tooLong(target, target.streamMaxMs)
        })
      )
      const completion = yield* Effect.try({
        try: () => JSON.parse(text) as unknown,
        catch: () => GatewayMalformedStream.of(target, "the answer is neither an event stream nor JSON")
      }).pipe(
        Effect.flatMap((body) =>
          Schema.decodeUnknown(Completion)(body).pipe(
            Effect.mapError(() =>
              GatewayMalformedStream.of(target, "the answer is neither an event stream nor a completion")
            )
          )
        )
      )
      return Stream.make(completion.choices[0].message.content ?? "").pipe(Stream.filter((text) => text !== ""))
    }
    if (!contentType.includes("text/event-stream")) {
      return yield* Effect.fail(
        GatewayMalformedStream.of(
          target,
          `the answer is ${contentType.split(";")[0] || "untyped"}, not text/event-stream`
        )
      )
    }
    return deltasOf(target, response.body, firstByteBy)
  }).pipe(
    Effect.withSpan("OpenAiClient.chatCompletionStream", {
      attributes: { provider: target.provider, model: target.model }
    })
  )

const EmbeddingsShape = Schema.Struct({
  model: Schema.optional(Schema.String),
  data: Schema.Array(Schema.Struct({ index: Schema.Int, embedding: Schema.Array(Schema.Number) }))
})

export const embeddings = (target: Target, input: ReadonlyArray<string>): Effect.Effect<Embeddings, GatewayError> =>
  requestJson(target, "POST", "embeddings", { model: target.model, input, encoding_format: "float" }).pipe(
    Effect.flatMap((body) =>
      Schema.decodeUnknown(EmbeddingsShape)(body).pipe(
        Effect.mapError(shapeError(target, "embeddings", "a data array of embeddings"))
      )
    ),
    Effect.flatMap(({ data }) => {
      const vectors = [...data].sort((a, b) => a.index - b.index).map((item) => item.embedding)
      const dims = vectors[0]?.length ?? 0
      if (vectors.length !== input.length || dims === 0 || vectors.some((vector) => vector.length !== dims)) {
        return Effect.fail(GatewayRequestFailed.embeddingCount(target, vectors.length, input.length))
      }
      return Effect.succeed({ model: target.model, vectors })
    }),
    Effect.withSpan("OpenAiClient.embeddings", { attributes: { provider: target.provider, model: target.model } })
  )

const TranscriptionShape = Schema.Struct({ text: Schema.String })

export interface Audio {
  readonly filename: string
  readonly mimeType: string
  readonly bytes: Uint8Array
}

/** OpenAI's POST /v1/audio/transcriptions: the file and model as multipart, answered `{ text }` (response_format json). */
export const transcription = (target: Target, audio: Audio): Effect.Effect<string, GatewayError> => {
  const form = new FormData()
  form.append("file", new Blob([audio.bytes as BlobPart], { type: audio.mimeType }), audio.filename)
  form.append("model", target.model)
  form.append("response_format", "json")
  return requestJson(target, "POST", "audio/transcriptions", form).pipe(
    Effect.flatMap((body) =>
      Schema.decodeUnknown(TranscriptionShape)(body).pipe(
        Effect.mapError(shapeError(target, "audio/transcriptions", "a text field"))
      )
    ),
    Effect.map(({ text }) => text),
    Effect.withSpan("OpenAiClient.transcription", { attributes: { provider: target.provider, model: target.model } })
  )
}

const ModelsShape = Schema.Struct({
  data: Schema.Array(Schema.Struct({ id: Schema.String, owned_by: Schema.optional(Schema.String) }))
})

export const models = (target: Target): Effect.Effect<ReadonlyArray<ModelInfo>, GatewayError> =>
  requestJson(target, "GET", "models").pipe(
    Effect.flatMap((body) =>
      Schema.decodeUnknown(ModelsShape)(body).pipe(Effect.mapError(shapeError(target, "models", "a data array")))
    ),
    Effect.map(({ data }) => data.map((model) => ({ id: model.id, ownedBy: model.owned_by ?? null }))),
    Effect.withSpan("OpenAiClient.models", { attributes: { provider: target.provider } })
  )

/**
 * Whether OpenClaw accepts the target's bearer, asked where it always checks it: POST /tools/invoke with an empty
 * body, which it refuses as a bad request (400, nothing run) once the bearer passes, and with 401 otherwise. Used only
 * when /v1/models cannot tell (its OpenAI-compatible endpoints are off and answer 404 before checking anything).
 */
export const openClawAcceptsBearer = (
  target: Target,
  timeoutMs: number
): Effect.Effect<"accepted" | "rejected" | "unknown"> =>
  Effect.tryPromise(async (signal) => {
    const response = await fetch(new URL("../tools/invoke", target.apiBase), {
      method: "POST",
      headers: headersFor(target),
      body: "{}",
      signal
    })
    await response.body?.cancel()
    return response.status === 401 || response.status === 403 ? ("rejected" as const) : ("accepted" as const)
  }).pipe(
    Effect.timeout(Duration.millis(timeoutMs)),
    Effect.orElseSucceed(() => "unknown" as const)
  )
