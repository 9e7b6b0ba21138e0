// POST /harvest/search over real HTTP on a small fixed corpus: the expected document ranks first, by full-text words
// and by the vector path alone; the answer's shape and provenance; limits and bad input; workspace isolation.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { createWorkspace, hostSuite } from "../support/hostSuite"

let base: string
let ws: string
const ids: Record<string, string> = {}

const CORPUS: Record<string, string> = {
  "sourdough.md":
    "# Sourdough\n\nFeed the starter twice a day. A hydration of 75 percent gives an open crumb; bake in a Dutch oven at 250 degrees.",
  "kubernetes.md":
    "# Cluster operations\n\nThe staging cluster runs on three nodes. Rolling deployments drain each node before the kubelet upgrade.",
  "sailing.md":
    "# Sailing log\n\nWe reefed the mainsail when the wind rose to 25 knots and anchored in the lee of the lighthouse.",
  "taxes.md":
    "# Tax return\n\nThe accountant needs the mortgage interest statement and the charity receipts before the April deadline.",
  "garden.md":
    "# Garden\n\nPrune the apple trees in February. Mulch the raspberry canes and net the strawberries against blackbirds.",
  "guitar.md":
    "# Guitar practice\n\nPractise barre chords and the pentatonic scale for twenty minutes with a metronome at 80 bpm."
}

const suite = hostSuite("search")
beforeAll(async () => {
  base = suite.base
  ws = await workspace("Search home")
  for (const [filename, text] of Object.entries(CORPUS)) {
    const body = new FormData()
    body.append("file", new Blob([text], { type: "text/markdown" }), filename)
    const response = await fetch(`${base}/api/v1/artifacts/upload`, {
      method: "POST",
      body,
      headers: { "x-workspace-id": ws }
    })
    ids[filename] = ((await response.json()) as { artifact: { id: string } }).artifact.id
  }
  const memory = await runClient(
    base,
    (api) => api.memories.create({ payload: { content: "Grandma's birthday is on the ninth of March" } }),
    ws
  )
  ids.birthday = memory.memory.id
})

const workspace = (name: string) => createWorkspace(base, name)

const search = (query: string, limit?: number, workspaceId = ws) =>
  runClient(
    base,
    (api) => api.search.search({ payload: limit === undefined ? { query } : { query, limit } }),
    workspaceId
  ).then((answer) => answer.results)

const post = (body: unknown, workspaceId = ws) =>
  fetch(`${base}/api/v1/harvest/search`, {
    method: "POST",
    headers: { "x-workspace-id": workspaceId, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body)
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }))

describe("relevance on a fixed corpus", () => {
  it.each([
    ["sourdough starter hydration", "sourdough.md"],
    ["kubelet upgrade", "kubernetes.md"],
    ["reefed mainsail", "sailing.md"],
    ["mortgage interest statement", "taxes.md"],
    ["raspberry canes", "garden.md"],
    ["pentatonic scale metronome", "guitar.md"],
    ["grandma birthday", "birthday"]
  ])("full-text words: %s ranks %s first", async (query, expected) => {
    const results = await search(query)
    expect(results[0]!.id).toBe(ids[expected])
    expect(results[0]!.source.matchedBy).toContain("text")
  })

  it.each([
    // None of these words occurs in the corpus as typed; English stemming (and the vectors' shared character n-grams)
    // link them to the word forms that do.
    ["lighthouses", "sailing.md"],
    ["strawberry", "garden.md"],
    ["deployment clusters", "kubernetes.md"],
    ["accountants deadlines", "taxes.md"]
  ])("word forms: %s ranks %s first, naming the words it holds", async (query, expected) => {
    const results = await search(query)
    expect(results[0]!.id).toBe(ids[expected])
    expect(results[0]!.source.matchedBy).toEqual(["text", "vector"])
    expect(results[0]!.matched).toEqual({ terms: query.split(" ") })
  })

  it.each([
    // Misspelt: no stem matches, so only the vector path (shared character n-grams) links them.
    ["strawberies", "garden.md"]
  ])("vector path alone: %s ranks %s first, by meaning", async (query, expected) => {
    const results = await search(query)
    expect(results[0]!.id).toBe(ids[expected])
    expect(results[0]!.source.matchedBy).toEqual(["vector"])
    expect(results[0]!.matched).toBe("by meaning")
  })

  it("answers id, kind, title, snippet, score and provenance, best first", async () => {
    const results = await search("mulch the raspberry canes", 20)
    const top = results[0]!
    expect(top).toMatchObject({ id: ids["garden.md"], kind: "artifact", title: "garden.md" })
    expect(top.snippet).toContain("raspberry canes")
    expect(top.source).toMatchObject({ kind: "artifact", id: ids["garden.md"], ordinal: 0 })
    expect(top.source.chunkId).toMatch(/^[0-9a-f-]{36}$/)
    expect(top.source.matchedBy).toEqual(["text", "vector"])
    expect(top.similarity).toBeGreaterThan(0.1)
    expect(top.similarity).toBeLessThanOrEqual(1)
    const textOnly = results.find((result) => !result.source.matchedBy.includes("vector"))
    if (textOnly !== undefined) expect(textOnly.similarity).toBeUndefined()
    const scores = results.map((result) => result.score)
    expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    expect(new Set(results.map((result) => result.id)).size).toBe(results.length)
  })

  it("finds words deep in a long document, naming the chunk that matched", async () => {
    const filler = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} talks about nothing in particular.`)
    const body = new FormData()
    body.append("file", new Blob([`${filler.join("\n\n")}\n\nThe zeppelin hangar key is under the mat.`]), "long.txt")
    const upload = await fetch(`${base}/api/v1/artifacts/upload`, {
      method: "POST",
      body,
      headers: { "x-workspace-id": ws }
    })
    const { artifact } = (await upload.json()) as { artifact: { id: string } }
    const [top] = await search("zeppelin hangar key")
    expect(top!.id).toBe(artifact.id)
    expect(top!.source.ordinal).toBeGreaterThan(10)
    expect(top!.snippet).toContain("zeppelin hangar key")
  })

  it("filters by kind when asked", async () => {
    const results = await search("birthday")
    expect(results[0]!.kind).toBe("memory")
    const artifactsOnly = await post({ query: "grandma birthday", kinds: ["artifact"] })
    expect(artifactsOnly.status).toBe(200)
    expect(artifactsOnly.body.results.every((result: { kind: string }) => result.kind === "artifact")).toBe(true)
  })
})

describe("limits and bad input", () => {
  it("limit defaults to 5, accepts 1 to 20, and answers 400 outside that", async () => {
    expect((await search("the")).length).toBeLessThanOrEqual(5)
    expect((await search("sourdough kubelet mainsail mortgage raspberry pentatonic grandma", undefined)).length).toBe(5)
    expect((await search("sourdough kubelet mainsail mortgage raspberry pentatonic grandma", 20)).length).toBe(7)
    expect((await search("sourdough", 1)).length).toBe(1)
    for (const limit of [21, 0, -1, 2.5, "5", null]) {
      const response = await post({ query: "sourdough", limit })
      expect(response.status, String(limit)).toBe(400)
      expect(response.body._tag).toBe("HttpApiDecodeError")
    }
  })

  it("rejects a missing, empty or mistyped query, unknown kinds and malformed JSON with a 400", async () => {
    for (const body of [
      {},
      { query: "" },
      { query: "   " },
      { query: 42 },
      { query: "x".repeat(1001) },
      { query: "x", kinds: ["email"] }
    ]) {
      const response = await post(body)
      expect(response.status, JSON.stringify(body).slice(0, 50)).toBe(400)
      expect(response.body._tag).toBe("HttpApiDecodeError")
    }
    expect((await post('{"query": ')).status).toBe(400)
  })

  it("answers an empty list for a query with nothing to find, or no words at all", async () => {
    expect(await search("qwxzv")).toEqual([])
    expect(await search("!!! ???")).toEqual([])
  })
})

describe("isolation", () => {
  it("workspace B never gets A's hits, and A never gets B's", async () => {
    const other = await workspace("Search other")
    expect(await search("sourdough starter hydration", 20, other)).toEqual([])
    expect(await search("lighthouses", 20, other)).toEqual([])
    await runClient(base, (api) => api.memories.create({ payload: { content: "B keeps sourdough notes too" } }), other)
    const mine = await search("sourdough", 20)
    expect(mine.map((result) => result.id)).not.toContain(undefined)
    expect(mine.every((result) => Object.values(ids).includes(result.id))).toBe(true)
    expect((await search("sourdough", 20, other)).length).toBe(1)
  })
})
