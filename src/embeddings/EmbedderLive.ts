// Picks the embedder from configuration: the offline hashing one by default, or an OpenAI-compatible provider when
// CARABASE_EMBEDDINGS_URL is set. Model routing may later choose per workspace; for now it is one per host.
import { Config, Effect, Layer, Option, Redacted } from "effect"
import { BootError } from "../platform/HostEnv"
import { Embedder, hashing } from "./Embedder"
import { makeOpenAiEmbedder } from "./OpenAiEmbedder"

export const embedderConfig = Config.all({
  url: Config.option(Config.string("CARABASE_EMBEDDINGS_URL")),
  model: Config.option(Config.string("CARABASE_EMBEDDINGS_MODEL")),
  apiKey: Config.option(Config.redacted("CARABASE_EMBEDDINGS_API_KEY")),
  minSimilarity: Config.number("CARABASE_EMBEDDINGS_MIN_SIMILARITY").pipe(Config.withDefault(0))
})

/**
 * The configured embedder: the offline hashing one unless CARABASE_EMBEDDINGS_URL names an OpenAI-compatible
 * endpoint (then CARABASE_EMBEDDINGS_MODEL is required, CARABASE_EMBEDDINGS_API_KEY optional).
 */
export const layer = Layer.effect(
  Embedder,
  Effect.gen(function* () {
    const config = yield* embedderConfig.pipe(
      Effect.mapError((error) => new BootError({ message: `embeddings configuration: ${error.message}` }))
    )
    const url = Option.getOrUndefined(config.url)?.trim()
    if (url === undefined || url === "") return hashing
    if (!/^https?:\/\//.test(url)) {
      return yield* new BootError({ message: "CARABASE_EMBEDDINGS_URL must be an http:// or https:// URL" })
    }
    const model = Option.getOrUndefined(config.model)?.trim()
    if (model === undefined || model === "") {
      return yield* new BootError({
        message: "CARABASE_EMBEDDINGS_MODEL must name the embedding model when CARABASE_EMBEDDINGS_URL is set"
      })
    }
    return makeOpenAiEmbedder({
      baseUrl: url,
      model,
      apiKey: Option.filter(config.apiKey, (key) => Redacted.value(key) !== ""),
      minSimilarity: config.minSimilarity
    })
  })
)
