// Text embeddings. The default embedder works offline with no model weights: signed feature hashing of words, word
// bigrams and character trigrams into 384 dimensions, L2-normalised. It captures lexical overlap (shared words,
// phrases and word forms such as "cluster"/"clusters"), not meaning. EmbedderLive picks it or an OpenAI-compatible
// provider from configuration. Every vector is stored with its model name
// so search never compares vectors of different models.
import { Context, Data, Effect, Layer } from "effect"

export const EMBEDDING_DIMENSIONS = 384

export interface Embeddings {
  readonly model: string
  readonly vectors: ReadonlyArray<ReadonlyArray<number>>
}

/** What kind of failure, in words safe to show the owner (the message may quote the provider's answer). */
export type EmbeddingFailure = "unreachable" | "timeout" | "refused" | "malformed"

export class EmbeddingError extends Data.TaggedError("EmbeddingError")<{
  readonly message: string
  readonly failure?: EmbeddingFailure
}> {}

export interface EmbedderShape {
  /** Recorded with every vector; search compares only vectors of this model. */
  readonly model: string
  /** Vector hits below this cosine similarity are not search results (hashing vectors of unrelated text sit near 0). */
  readonly minSimilarity: number
  readonly embed: (texts: ReadonlyArray<string>) => Effect.Effect<Embeddings, EmbeddingError>
}

export class Embedder extends Context.Tag("carabase/Embedder")<Embedder, EmbedderShape>() {}

export const HASHING_MODEL = "carabase-hash-384-v2"

const STOPWORDS = new Set(
  "a an and are as at be by for from has have i in is it its of on or that the this to was were will with".split(" ")
)

export const tokenize = (text: string): Array<string> =>
  text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 1 && !STOPWORDS.has(token))

/** FNV-1a with a murmur3 finaliser: fast, well mixed, and stable across processes and versions of Node. */
const hash32 = (feature: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < feature.length; i++) {
    h ^= feature.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

const WORD_WEIGHT = 1
const BIGRAM_WEIGHT = 0.5
const TRIGRAM_WEIGHT = 0.35

export const hashingEmbedding = (text: string): Array<number> => {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0)
  const add = (feature: string, weight: number) => {
    const h = hash32(feature)
    vector[h % EMBEDDING_DIMENSIONS]! += h & 0x80000000 ? -weight : weight
  }
  const tokens = tokenize(text)
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    add(token, WORD_WEIGHT)
    if (i > 0) add(`${tokens[i - 1]} ${token}`, BIGRAM_WEIGHT)
    const padded = `#${token}#`
    for (let j = 0; j + 3 <= padded.length; j++) add(`~${padded.slice(j, j + 3)}`, TRIGRAM_WEIGHT)
  }
  let norm = 0
  for (const value of vector) norm += value * value
  norm = Math.sqrt(norm)
  return norm === 0 ? vector : vector.map((value) => value / norm)
}

/** pgvector's text form: `[0.1,0.2,...]`. */
export const toVectorLiteral = (vector: ReadonlyArray<number>): string => `[${vector.join(",")}]`

export const hashing: EmbedderShape = {
  model: HASHING_MODEL,
  minSimilarity: 0.1,
  embed: (texts) => Effect.sync(() => ({ model: HASHING_MODEL, vectors: texts.map(hashingEmbedding) }))
}

export const hashingLayer = Layer.succeed(Embedder, hashing)
