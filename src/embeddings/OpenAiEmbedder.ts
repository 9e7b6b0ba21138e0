// An embedder that speaks the OpenAI embeddings protocol: POST {baseUrl}/embeddings with { model, input } and a
// bearer key, answered by { object: "list", data: [{ index, embedding }], model, usage }. OpenClaw's gateway, Ollama
// and OpenAI all serve it.
import { Duration, Effect, Option, Redacted, Schedule, Schema } from "effect"
import { EmbeddingError, type EmbedderShape } from "./Embedder"

export interface OpenAiEmbedderOptions {
  /** e.g. `http://127.0.0.1:18789/v1`, `http://127.0.0.1:11434/v1`, `https://api.openai.com/v1`. */
  readonly baseUrl: string
  readonly model: string
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly minSimilarity?: number
  readonly batchSize?: number
  readonly timeout?: Duration.DurationInput
}

const EmbeddingsResponse = Schema.Struct({
  data: Schema.Array(Schema.Struct({ index: Schema.Int, embedding: Schema.Array(Schema.Number) }))
})
const decodeResponse = Schema.decodeUnknown(EmbeddingsResponse)

/** Whether a failed call is worth repeating: the network or the server, not our request. */
const retryable = (error: EmbeddingError) => /^(network|HTTP 5\d\d|HTTP 429)/.test(error.message)

export const makeOpenAiEmbedder = (options: OpenAiEmbedderOptions): EmbedderShape => {
  const endpoint = `${options.baseUrl.replace(/\/+$/, "")}/embeddings`
  const batchSize = options.batchSize ?? 64
  const timeout = options.timeout ?? "30 seconds"

  const call = (input: ReadonlyArray<string>) =>
    Effect.tryPromise({
      try: async (signal) => {
        const headers: Record<string, string> = { "content-type": "application/json" }
        if (Option.isSome(options.apiKey)) headers.authorization = `Bearer ${Redacted.value(options.apiKey.value)}`
        const response = await fetch(endpoint, {
          method: "POST",
          headers,
          body: JSON.stringify({ model: options.model, input, encoding_format: "float" }),
          signal
        })
        const text = await response.text()
        return { status: response.status, text }
      },
      catch: (error) =>
        new EmbeddingError({ message: `network: ${error instanceof Error ? error.message : String(error)}` })
    }).pipe(
      Effect.flatMap(({ status, text }) => {
        if (status !== 200) {
          return Effect.fail(new EmbeddingError({ message: `HTTP ${status} from ${endpoint}: ${text.slice(0, 200)}` }))
        }
        return Effect.try({
          try: () => JSON.parse(text) as unknown,
          catch: () => new EmbeddingError({ message: `${endpoint} answered with something that is not JSON` })
        })
      }),
      Effect.flatMap((body) =>
        decodeResponse(body).pipe(
          Effect.mapError(() => new EmbeddingError({ message: `${endpoint} answered without a data array of vectors` }))
        )
      ),
      Effect.flatMap(({ data }) => {
        const vectors = [...data].sort((a, b) => a.index - b.index).map((item) => item.embedding)
        const dims = vectors[0]?.length ?? 0
        if (vectors.length !== input.length || dims === 0 || vectors.some((vector) => vector.length !== dims)) {
          return Effect.fail(
            new EmbeddingError({ message: `${endpoint} answered ${vectors.length} vectors for ${input.length} inputs` })
          )
        }
        return Effect.succeed(vectors)
      }),
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () => new EmbeddingError({ message: `network: ${endpoint} did not answer in time` })
      }),
      Effect.retry({ while: retryable, times: 2, schedule: Schedule.exponential("200 millis") })
    )

  return {
    model: options.model,
    minSimilarity: options.minSimilarity ?? 0,
    embed: (texts) =>
      Effect.gen(function* () {
        const vectors: Array<ReadonlyArray<number>> = []
        for (let start = 0; start < texts.length; start += batchSize) {
          vectors.push(...(yield* call(texts.slice(start, start + batchSize))))
        }
        return { model: options.model, vectors }
      }).pipe(Effect.withSpan("OpenAiEmbedder.embed"))
  }
}
