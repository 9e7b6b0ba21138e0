// A workspace's `embeddings` model route decides how its notes and memories are embedded and searched; a workspace
// without one keeps the host's embedder. Vectors record their model, so the two never mix.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { asOwner, call, createWorkspace, hostSuite } from "../support/hostSuite"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"

const PASSWORD = "e1".repeat(32)
const ROUTE_KEY = "sk-route-embeddings-0000WXYZ"
let fake: FakeGateway
let base: string

beforeAll(async () => {
  fake = await startFakeGateway({ passwords: [PASSWORD, ROUTE_KEY], embeddingDimensions: 16 })
})
afterAll(async () => {
  await fake?.close()
})
const suite = hostSuite("routed_embeddings", () => ({
  OPENCLAW_GATEWAY_URL: fake.url,
  OPENCLAW_GATEWAY_PASSWORD: PASSWORD
}))
beforeAll(() => {
  base = suite.base
})

const modelsOf = (workspace: string) =>
  asOwner(suite.db, (client) =>
    client.query<{ model: string | null }>(
      "select distinct embedding_model as model from search_chunks where workspace_id = $1",
      [workspace]
    )
  ).then((result) => result.rows.map((row) => row.model))

describe("embeddings through a model route", () => {
  it("embeds a routed workspace's writes with the route's model and searches with it; others keep the host's", async () => {
    const routed = await createWorkspace(base, "Routed")
    const plain = await createWorkspace(base, "Plain")
    const put = await call(base, "PUT", "/model-routes/embeddings", {
      workspace: routed,
      body: {
        provider: "openai-compatible",
        baseUrl: `${fake.url}/v1`,
        model: "text-embedding-small",
        apiKey: ROUTE_KEY
      }
    })
    expect(put.status).toBe(200)

    const before = fake.requests.filter((request) => request.path.endsWith("/embeddings")).length
    await call(base, "POST", "/memories", {
      workspace: routed,
      body: { content: "The observatory roof leaks in spring" }
    })
    await call(base, "POST", "/memories", {
      workspace: plain,
      body: { content: "The observatory roof leaks in spring" }
    })
    const embedCalls = fake.requests.filter((request) => request.path.endsWith("/embeddings"))
    expect(embedCalls.length).toBeGreaterThan(before)
    expect(embedCalls.at(-1)!.headers.authorization).toBe(`Bearer ${ROUTE_KEY}`)
    expect(embedCalls.at(-1)!.body.model).toBe("text-embedding-small")

    expect(await modelsOf(routed)).toEqual(["text-embedding-small"])
    expect(await modelsOf(plain)).toEqual(["carabase-hash-384-v2"])

    const found = await call(base, "POST", "/harvest/search", {
      workspace: routed,
      body: { query: "observatory roof", limit: 5 }
    })
    expect(found.status).toBe(200)
    expect(found.body.results[0].kind).toBe("memory")
    // The query itself was embedded through the route, so it is compared with that model's vectors only.
    const queryEmbedding = fake.requests.filter((request) => request.path.endsWith("/embeddings")).at(-1)!
    expect(queryEmbedding.body.input).toEqual(["observatory roof"])
    expect(queryEmbedding.headers.authorization).toBe(`Bearer ${ROUTE_KEY}`)
    const plainSearch = await call(base, "POST", "/harvest/search", {
      workspace: plain,
      body: { query: "observatory roof", limit: 5 }
    })
    expect(plainSearch.body.results[0].source.matchedBy).toContain("vector")
    expect(fake.requests.filter((request) => request.path.endsWith("/embeddings")).at(-1)).toBe(queryEmbedding)
  })

  it("says on the answer when the embeddings route is unreachable and text search answered alone", async () => {
    const broken = await createWorkspace(base, "Broken route")
    await call(base, "POST", "/memories", { workspace: broken, body: { content: "The greenhouse vents jam in frost" } })
    // A port nothing listens on: the route cannot be reached.
    const put = await call(base, "PUT", "/model-routes/embeddings", {
      workspace: broken,
      body: { provider: "openai-compatible", baseUrl: "http://127.0.0.1:9/v1", model: "gone", apiKey: ROUTE_KEY }
    })
    expect(put.status).toBe(200)
    const found = await call(base, "POST", "/harvest/search", {
      workspace: broken,
      body: { query: "greenhouse vents", limit: 5 }
    })
    expect(found.status).toBe(200)
    expect(found.body.results[0].source.matchedBy).toEqual(["text"])
    expect(found.body.degraded.reason).toMatch(
      /^Search by meaning was unavailable: .* could not be reached, so these results come from text search alone/
    )
    expect(JSON.stringify(found.body)).not.toContain(ROUTE_KEY)

    const healthy = await createWorkspace(base, "Healthy route")
    const fine = await call(base, "POST", "/harvest/search", { workspace: healthy, body: { query: "greenhouse" } })
    expect(fine.status).toBe(200)
    expect(fine.body).not.toHaveProperty("degraded")
  })
})
