// Text embeddings. The default embedder works offline with no model weights: signed feature hashing of words and
// word bigrams into 384 dimensions, L2-normalised. It captures lexical overlap (shared words and phrases), not
// meaning; every vector is stored with its model name so search never compares vectors of different models.
import * as crypto from "node:crypto"
import { Context, Effect, Layer } from "effect"

export const EMBEDDING_DIMENSIONS = 384

export interface Embeddings {
  readonly model: string
  readonly vectors: ReadonlyArray<ReadonlyArray<number>>
}

export interface EmbedderShape {
  readonly model: string
  readonly embed: (texts: ReadonlyArray<string>) => Effect.Effect<Embeddings>
}

export class Embedder extends Context.Tag("carabase/Embedder")<Embedder, EmbedderShape>() {}

export const HASHING_MODEL = "carabase-hash-384-v1"

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

export const hashingEmbedding = (text: string): Array<number> => {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0)
  const tokens = tokenize(text)
  const features = [...tokens, ...tokens.slice(1).map((token, i) => `${tokens[i]} ${token}`)]
  for (const feature of features) {
    const digest = crypto.createHash("sha256").update(feature).digest()
    const index = digest.readUInt32BE(0) % EMBEDDING_DIMENSIONS
    const sign = (digest[4]! & 1) === 0 ? 1 : -1
    vector[index]! += sign * (feature.includes(" ") ? 0.5 : 1)
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0))
  return norm === 0 ? vector : vector.map((value) => value / norm)
}

/** pgvector's text form: `[0.1,0.2,...]`. */
export const toVectorLiteral = (vector: ReadonlyArray<number>): string => `[${vector.join(",")}]`

export const hashingLayer = Layer.succeed(Embedder, {
  model: HASHING_MODEL,
  embed: (texts) => Effect.sync(() => ({ model: HASHING_MODEL, vectors: texts.map(hashingEmbedding) }))
})
