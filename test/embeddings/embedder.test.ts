// The embedders: the offline hashing one (deterministic, normalised, lexical) and the OpenAI-compatible provider
// against a local server speaking the protocol byte for byte; and configuration picking between them.
import { describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Exit, Option, Redacted } from "effect"
import { Embedder, EMBEDDING_DIMENSIONS, hashing, hashingEmbedding, HASHING_MODEL } from "../../src/embeddings/Embedder"
import * as EmbedderLive from "../../src/embeddings/EmbedderLive"
import { makeOpenAiEmbedder } from "../../src/embeddings/OpenAiEmbedder"
import { startFakeEmbeddings } from "./fakeEmbeddingsServer"

/** The message of an embedder's failure. */
const failureMessage = (exit: Exit.Exit<unknown, { message: string }>) =>
  Exit.isFailure(exit) ? Option.getOrThrow(Cause.failureOption(exit.cause)).message : "succeeded"

const cosine = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) =>
  a.reduce((sum, value, i) => sum + value * b[i]!, 0)

describe("the hashing embedder", () => {
  it("is deterministic, 384-dimensional and L2-normalised", () => {
    const vector = hashingEmbedding("The staging cluster runs on three nodes")
    expect(vector.length).toBe(EMBEDDING_DIMENSIONS)
    expect(hashingEmbedding("The staging cluster runs on three nodes")).toEqual(vector)
    expect(Math.sqrt(cosine(vector, vector))).toBeCloseTo(1, 10)
    // Pinned: a change in the features or the hash must come with a new model name, or stored vectors go stale.
    const firstNonZero = vector.flatMap((value, i) => (value === 0 ? [] : [[i, Number(value.toFixed(6))]])).slice(0, 3)
    expect(firstNonZero).toEqual([
      [4, -0.113976],
      [8, -0.113976],
      [11, 0.113976]
    ])
  })

  it("places word forms and shared phrases near, unrelated text far", () => {
    const base = hashingEmbedding("kubernetes cluster deployment")
    expect(cosine(base, hashingEmbedding("kubernetes clusters deployments"))).toBeGreaterThan(0.5)
    expect(Math.abs(cosine(base, hashingEmbedding("sourdough bread recipe")))).toBeLessThan(0.15)
  })

  it("ignores case, accents and stopwords, and embeds no-word text as zeros", () => {
    expect(hashingEmbedding("Café au LAIT")).toEqual(hashingEmbedding("cafe au lait"))
    expect(hashingEmbedding("the cafe")).toEqual(hashingEmbedding("cafe"))
    expect(hashingEmbedding("?!").every((value) => value === 0)).toBe(true)
  })

  it.effect("names its model on every batch", () =>
    Effect.gen(function* () {
      const result = yield* hashing.embed(["a b", "c d"])
      expect(result.model).toBe(HASHING_MODEL)
      expect(result.vectors.length).toBe(2)
    })
  )
})

describe("the OpenAI-compatible embedder", () => {
  it("POSTs {baseUrl}/embeddings with model, input and bearer key, and places vectors by index", async () => {
    const fake = await startFakeEmbeddings({ apiKey: "sk-test", dimensions: 768 })
    try {
      const embedder = makeOpenAiEmbedder({
        baseUrl: `${fake.baseUrl}/`,
        model: "nomic-embed-text",
        apiKey: Option.some(Redacted.make("sk-test")),
        batchSize: 2
      })
      const texts = ["alpha beta", "gamma delta", "epsilon"]
      const result = await Effect.runPromise(embedder.embed(texts))
      expect(result.model).toBe("nomic-embed-text")
      expect(result.vectors.map((vector) => vector.length)).toEqual([768, 768, 768])
      texts.forEach((text, i) => expect(result.vectors[i]!.slice(0, 384)).toEqual(hashingEmbedding(text)))
      expect(fake.requests.length).toBe(2)
      expect(fake.requests[0]).toEqual({
        method: "POST",
        url: "/v1/embeddings",
        authorization: "Bearer sk-test",
        contentType: "application/json",
        body: { model: "nomic-embed-text", input: ["alpha beta", "gamma delta"], encoding_format: "float" }
      })
      expect(fake.requests[1]!.body.input).toEqual(["epsilon"])
    } finally {
      await fake.close()
    }
  })

  it("sends no authorization header without a key, and fails with a clear error on 401", async () => {
    const fake = await startFakeEmbeddings({ apiKey: "sk-right" })
    try {
      const embedder = makeOpenAiEmbedder({ baseUrl: fake.baseUrl, model: "m", apiKey: Option.none() })
      const exit = await Effect.runPromiseExit(embedder.embed(["x"]))
      expect(fake.requests[0]!.authorization).toBeUndefined()
      expect(failureMessage(exit)).toMatch(/^HTTP 401 from .*\/v1\/embeddings: .*Incorrect API key/)
      expect(fake.requests.length).toBe(1) // a client error is not retried
    } finally {
      await fake.close()
    }
  })

  it("retries a server error, then succeeds", async () => {
    let failures = 2
    const fake = await startFakeEmbeddings({ failWith: () => (failures-- > 0 ? 503 : undefined) })
    try {
      const embedder = makeOpenAiEmbedder({ baseUrl: fake.baseUrl, model: "m", apiKey: Option.none() })
      const result = await Effect.runPromise(embedder.embed(["retry me"]))
      expect(result.vectors.length).toBe(1)
      expect(fake.requests.length).toBe(3)
    } finally {
      await fake.close()
    }
  })

  it("fails (never hangs) when nothing listens", async () => {
    const embedder = makeOpenAiEmbedder({ baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKey: Option.none() })
    const exit = await Effect.runPromiseExit(embedder.embed(["x"]))
    expect(failureMessage(exit)).toMatch(/^network: /)
  })
})

describe("configuration", () => {
  const pick = (env: Record<string, string>) =>
    Effect.runPromiseExit(
      Effect.map(Embedder, (embedder) => embedder.model).pipe(
        Effect.provide(EmbedderLive.layer),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
      )
    )

  it("uses the offline hashing embedder by default", async () => {
    expect(await pick({})).toEqual(Exit.succeed(HASHING_MODEL))
    expect(await pick({ CARABASE_EMBEDDINGS_URL: "" })).toEqual(Exit.succeed(HASHING_MODEL))
  })

  it("uses the OpenAI-compatible provider when a URL and model are set", async () => {
    expect(
      await pick({
        CARABASE_EMBEDDINGS_URL: "http://127.0.0.1:11434/v1",
        CARABASE_EMBEDDINGS_MODEL: "nomic-embed-text"
      })
    ).toEqual(Exit.succeed("nomic-embed-text"))
  })

  it("refuses to boot with a URL but no model, or a URL that is not http(s)", async () => {
    expect(JSON.stringify(await pick({ CARABASE_EMBEDDINGS_URL: "http://127.0.0.1:11434/v1" }))).toMatch(
      /CARABASE_EMBEDDINGS_MODEL must name/
    )
    expect(JSON.stringify(await pick({ CARABASE_EMBEDDINGS_URL: "ftp://x", CARABASE_EMBEDDINGS_MODEL: "m" }))).toMatch(
      /must be an http/
    )
  })
})
