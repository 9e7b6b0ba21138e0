// The argument names the published Carabase skills (carabase-claw-skills 2.1) write, accepted beside each tool's own
// through the SDK's client: every alias changes the answer the way its canonical name does (the filtered result, with
// something the filter leaves out present), both spellings that disagree are refused naming both, a required
// argument is required under either spelling, and tools/list publishes the aliases.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { connect as connectDb } from "../support/database"
import { call, createWorkspace, hostSuite, injectLogCard, mcpClients } from "../support/hostSuite"

const suite = hostSuite("mcp_skill_aliases")
const connect = mcpClients(suite)
let A: string
let client: Client
const ids: Record<string, string> = {}

const text = (result: any): string =>
  ((result.content as Array<{ type: string; text: string }> | undefined) ?? []).map((part) => part.text).join("\n")

const tool = async (name: string, args: Record<string, unknown>) => {
  const result = await client.callTool({ name, arguments: args })
  if (result.isError) throw new Error(`${name} failed: ${text(result)}`)
  return result.structuredContent as any
}

/** The refusal of a call: a JSON-RPC error or a tool error, whichever the host answers bad arguments with. */
const refusal = async (name: string, args: Record<string, unknown>) => {
  try {
    const result = await client.callTool({ name, arguments: args })
    expect(result.isError, `${name} accepted ${JSON.stringify(args)}`).toBe(true)
    return text(result)
  } catch (error) {
    return String(error)
  }
}

const card = (date: string, timestamp: string, tags: Array<string>, folios: Array<string>, words: string) =>
  injectLogCard(suite.base, A, { date, timestamp, tags, folios, words })

const entity = async (name: string, type: string) =>
  (ids[name] = (await call(suite.base, "POST", "/entities", { workspace: A, body: { name, type } })).body.entity.id)

const upload = async (name: string, body: string) => {
  const form = new FormData()
  form.append("file", new Blob([body], { type: "text/plain" }), name)
  const answer = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
    method: "POST",
    headers: { "x-workspace-id": A },
    body: form
  })
  return ((await answer.json()) as { artifact: { id: string } }).artifact.id
}

beforeAll(async () => {
  A = await createWorkspace(suite.base, "Skill aliases")
  for (const name of ["Backend", "Frontend"]) {
    ids[name] = (
      await call(suite.base, "POST", "/folios", { workspace: A, body: { name, about: `${name} about` } })
    ).body.id
  }
  await entity("Alice Chen", "person")
  await entity("Acme Project", "project")
  await entity("Auth Service", "tool")
  await entity("Redis Cluster", "tool")
  const edge = (from: string, to: string) =>
    call(suite.base, "POST", "/edges", {
      workspace: A,
      body: { sourceId: ids[from], targetId: ids[to], type: "works on", confidence: 0.9 }
    })
  await edge("Alice Chen", "Acme Project")
  await edge("Acme Project", "Auth Service")
  await edge("Auth Service", "Redis Cluster")
  await card("2026-03-10", "09:15 AM", ["deploy", "production"], ["Backend"], "Shipped the Acme Project release")
  await card("2026-03-20", "10:00 AM", ["deploy"], ["Frontend"], "Hotfix for the login page")
  await card("2026-03-25", "11:30 AM", ["meeting"], ["Backend"], "Met Alice Chen about the roadmap")
  await card("2026-03-25", "02:45 PM", ["meeting"], ["Backend"], "Lunch with the design team")
  await card("2026-04-05", "04:00 PM", ["deploy"], ["Backend"], "April maintenance window")
  for (const content of ["Redis caching layer chosen for sessions", "Redis eviction policy is allkeys-lru"]) {
    await call(suite.base, "POST", "/memories", { workspace: A, body: { content } })
  }
  ids.redisDoc = await upload("redis.txt", "Redis caching layer implementation: sessions live in Redis.")
  ids.redisOps = await upload("redis-ops.txt", "Redis caching layer operations: restart Redis nightly.")
  // Entity extraction links what the cards name together (co-mention edges) in the background: let it finish, so the
  // graph walked below is the same whenever the walk runs.
  const owner = await connectDb(suite.db.ownerUrl)
  try {
    for (let waited = 0; ; waited += 100) {
      const left = await owner.query("select count(*)::int as n from extraction_queue where workspace_id = $1", [A])
      if (left.rows[0].n === 0) break
      if (waited > 60_000) throw new Error("entity extraction did not drain in 60 s")
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } finally {
    await owner.end()
  }
  client = await connect(A)
})

describe("the skills' argument names", () => {
  it("tools/list publishes each alias beside the tool's own name", async () => {
    const { tools } = await client.listTools()
    const keys = (name: string) => Object.keys((tools.find((t) => t.name === name)!.inputSchema as any).properties)
    expect(keys("carabase_search_graph")).toEqual(expect.arrayContaining(["start_entity", "entity", "depth"]))
    expect(keys("carabase_find_entity_candidates")).toEqual(expect.arrayContaining(["text", "name", "limit"]))
    expect(keys("carabase_query_metadata")).toEqual(
      expect.arrayContaining(["tags", "tag", "date_after", "date_before", "source", "entity_name", "limit"])
    )
    expect(keys("carabase_search_semantic")).toEqual(expect.arrayContaining(["query", "k", "limit"]))
    expect(keys("carabase_route_and_execute")).toContain("concept_root_ids")
    expect(keys("read_folio_map")).toContain("folio_name")
    expect(keys("commit_to_folio")).toEqual(expect.arrayContaining(["folio_name", "content"]))
    expect(keys("update_folio_section")).toEqual(expect.arrayContaining(["folio_name", "action", "content"]))
    expect(keys("read_artifact")).toEqual(expect.arrayContaining(["artifact_id", "max_tokens"]))
    expect(keys("list_folios")).toContain("query")
    expect(keys("list_entities")).toContain("query")
  })

  it("carabase_search_graph: `entity` starts the walk there and `depth` bounds it", async () => {
    const one = await tool("carabase_search_graph", { entity: "Alice Chen", depth: 1 })
    expect(one.start.name).toBe("Alice Chen")
    expect(one.entity).toMatchObject({ id: ids["Alice Chen"], type: "person", metadata: {}, aliases: [] })
    // Alice Chen -> Acme Project -> Auth Service -> Redis Cluster (entity extraction adds the cards' co-mentions beside).
    const names = (walk: { nodes: Array<{ name: string }> }) => walk.nodes.map((n) => n.name)
    expect(names(one)).toEqual(expect.arrayContaining(["Acme Project", "Alice Chen"]))
    expect(names(one)).not.toContain("Auth Service")
    const two = await tool("carabase_search_graph", { entity: "Alice Chen", depth: 2 })
    expect(names(two)).toEqual(expect.arrayContaining(["Acme Project", "Alice Chen", "Auth Service"]))
    expect(names(two)).not.toContain("Redis Cluster")
    expect(names(two).length).toBeGreaterThan(names(one).length)
  })

  it("carabase_find_entity_candidates: `name` resolves a partial name by substring and `limit` caps the list", async () => {
    const auth = await tool("carabase_find_entity_candidates", { name: "auth" })
    expect(auth.candidates.map((c: { name: string; strategy: string }) => [c.name, c.strategy])).toEqual([
      ["Auth Service", "substring"]
    ])
    const exact = await tool("carabase_find_entity_candidates", { name: "Alice Chen" })
    expect(exact.candidates[0]).toMatchObject({ name: "Alice Chen", strategy: "exact", score: 1 })
    const both = await tool("carabase_find_entity_candidates", { name: "ce" })
    expect(both.candidates.map((c: { name: string }) => c.name).sort()).toEqual(["Alice Chen", "Auth Service"])
    expect((await tool("carabase_find_entity_candidates", { name: "ce", limit: 1 })).candidates).toHaveLength(1)
  })

  it("carabase_query_metadata: `tags` keeps entries carrying every tag", async () => {
    const deploy = await tool("carabase_query_metadata", { tags: ["deploy"] })
    expect(deploy.entries.map((e: { date: string }) => e.date)).toEqual(["2026-04-05", "2026-03-20", "2026-03-10"])
    const both = await tool("carabase_query_metadata", { tags: ["deploy", "production"] })
    expect(both.entries.map((e: { text: string }) => e.text)).toEqual(["Shipped the Acme Project release"])
  })

  it("carabase_query_metadata: `date_after` and `date_before` bound the days (both included)", async () => {
    const after = await tool("carabase_query_metadata", { tags: ["deploy"], date_after: "2026-03-15" })
    expect(after.entries.map((e: { date: string }) => e.date)).toEqual(["2026-04-05", "2026-03-20"])
    const window = await tool("carabase_query_metadata", { date_after: "2026-03-11", date_before: "2026-03-31" })
    expect(window.entries.map((e: { date: string }) => e.date)).toEqual(["2026-03-25", "2026-03-25", "2026-03-20"])
  })

  it("carabase_query_metadata: `entity_name` keeps entries mentioning it, `limit` caps, `source` is daily-note", async () => {
    const alice = await tool("carabase_query_metadata", { entity_name: "Alice Chen", date_after: "2026-01-01" })
    expect(alice.entries.map((e: { text: string }) => e.text)).toEqual(["Met Alice Chen about the roadmap"])
    expect((await tool("carabase_query_metadata", { source: "daily-note", limit: 2 })).entries).toHaveLength(2)
    expect(await refusal("carabase_query_metadata", { source: "github" })).toMatch(/source must be daily-note/)
  })

  it("carabase_search_semantic and search_memories: `limit` caps the hits", async () => {
    const all = await tool("carabase_search_semantic", { query: "Redis caching layer" })
    expect(all.results.length).toBeGreaterThan(1)
    const one = await tool("carabase_search_semantic", { query: "Redis caching layer", limit: 1 })
    expect(one.results).toHaveLength(1)
    expect(one.results[0].id).toBe(all.results[0].id)
    expect((await tool("search_memories", { query: "Redis" })).memories.length).toBe(2)
    expect((await tool("search_memories", { query: "Redis", limit: 1 })).memories).toHaveLength(1)
  })

  it("carabase_route_and_execute: `concept_root_ids` anchors the metadata route and the graph walk", async () => {
    const plain = await tool("carabase_route_and_execute", { query: "what did I log on 2026-03-25" })
    expect(plain.entries).toHaveLength(2)
    const anchored = await tool("carabase_route_and_execute", {
      query: "what did I log on 2026-03-25",
      concept_root_ids: [ids["Alice Chen"]]
    })
    expect(anchored.route).toBe("metadata")
    expect(anchored.entries.map((e: { text: string }) => e.text)).toEqual(["Met Alice Chen about the roadmap"])
    const walk = await tool("carabase_route_and_execute", {
      query: "what is this connected to?",
      concept_root_ids: [ids["Auth Service"]]
    })
    expect(walk.route).toBe("graph")
    expect(walk.graph.start.name).toBe("Auth Service")
  })

  it("carabase_verify_hypothesis: `limit` bounds the evidence considered, answered with the skill's fields", async () => {
    const wide = await tool("carabase_verify_hypothesis", { claim: "Redis caching layer chosen for sessions" })
    expect(wide.considered).toBeGreaterThan(1)
    const narrow = await tool("carabase_verify_hypothesis", {
      claim: "Redis caching layer chosen for sessions",
      limit: 1
    })
    expect(narrow.considered).toBe(1)
    expect(narrow.verdict).toBe("corroborated")
    expect(narrow.corroborated_by).toHaveLength(1)
    expect(narrow.contradicted_by).toEqual([])
  })

  it("read_folio_map, commit_to_folio, update_folio_section: `folio_name`, `content` and `action` pick that folio", async () => {
    const map = await tool("read_folio_map", { folio_name: "Backend" })
    expect(map.folio).toMatchObject({ id: ids.Backend, name: "Backend" })
    expect(map.folios).toBeUndefined()

    const commit = await tool("commit_to_folio", { folio_name: "Backend", content: "Implemented Redis caching" })
    expect(commit.commit.message).toBe("Implemented Redis caching")
    const folio = async (name: string) =>
      (await call(suite.base, "GET", `/folios/${ids[name]}`, { workspace: A })).body.folio
    expect((await folio("Backend")).commits.map((c: { message: string }) => c.message)).toContain(
      "Implemented Redis caching"
    )
    expect((await folio("Frontend")).commits).toEqual([])

    await tool("update_folio_section", { folio_name: "Backend", action: "update_about", content: "APIs and jobs" })
    expect((await folio("Backend")).about).toBe("APIs and jobs")
    expect((await folio("Frontend")).about).toBe("Frontend about")
    expect(
      await refusal("update_folio_section", { folio_name: "Backend", action: "update_timeline", content: "x" })
    ).toMatch(/action/)
  })

  it("read_artifact: `artifact_id` reads that artifact, cut to `max_tokens`", async () => {
    const full = await tool("read_artifact", { artifact_id: ids.redisOps })
    expect(full.content).toBe("Redis caching layer operations: restart Redis nightly.")
    const cut = await tool("read_artifact", { artifact_id: ids.redisDoc, max_tokens: 3 })
    expect(cut.truncated).toBe(true)
    expect("Redis caching layer implementation: sessions live in Redis.".startsWith(cut.content)).toBe(true)
  })

  it("list_folios and list_entities: `query` filters by name; folios come with their commit counts", async () => {
    expect((await tool("list_folios", { query: "back" })).folios.map((f: { name: string }) => f.name)).toEqual([
      "Backend"
    ])
    expect((await tool("list_entities", { query: "alice" })).entities.map((e: { name: string }) => e.name)).toEqual([
      "Alice Chen"
    ])
    const counts = Object.fromEntries(
      (await tool("list_folios", {})).folios.map((f: { name: string; commitCount: number }) => [f.name, f.commitCount])
    )
    for (const name of ["Backend", "Frontend"]) {
      const commits = (await call(suite.base, "GET", `/folios/${ids[name]}`, { workspace: A })).body.folio.commits
      expect(counts[name], name).toBe(commits.length)
    }
    expect(counts.Frontend).toBe(0)
  })
})

describe("two spellings of one argument", () => {
  it("agreeing, are one argument", async () => {
    const walk = await tool("carabase_search_graph", { entity: "Alice Chen", start_entity: "Alice Chen", depth: 1 })
    expect(walk.start.name).toBe("Alice Chen")
    const tagged = await tool("carabase_query_metadata", { tag: "production", tags: ["production"] })
    expect(tagged.entries).toHaveLength(1)
  })

  it("disagreeing, are a tool error naming both, and nothing is done", async () => {
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      ["carabase_search_graph", { entity: "Alice Chen", start_entity: "Acme Project" }, "entity", "start_entity"],
      ["carabase_find_entity_candidates", { name: "auth", text: "alice" }, "name", "text"],
      ["carabase_find_entity_candidates", { name: "ce", limit: 1, hints: { limit: 2 } }, "limit", "hints.limit"],
      ["carabase_query_metadata", { tag: "deploy", tags: ["meeting"] }, "tag", "tags"],
      ["carabase_query_metadata", { date_after: "2026-03-01", date_from: "2026-03-02" }, "date_after", "date_from"],
      ["carabase_query_metadata", { entity_name: "Alice Chen", entity: "Acme Project" }, "entity_name", "entity"],
      ["carabase_search_semantic", { query: "Redis", limit: 1, k: 2 }, "limit", "k"],
      ["commit_to_folio", { folio_name: "Backend", folio: "Frontend", message: "x" }, "folio_name", "folio"],
      ["commit_to_folio", { folio: "Backend", message: "x", content: "y" }, "content", "message"],
      ["read_artifact", { artifact_id: crypto.randomUUID(), id: crypto.randomUUID() }, "artifact_id", "id"],
      ["list_folios", { query: "back", search: "front" }, "query", "search"]
    ]
    for (const [name, args, alias, canonical] of cases) {
      const result = await client.callTool({ name, arguments: args })
      expect(result.isError, `${name} accepted ${JSON.stringify(args)}`).toBe(true)
      expect(text(result), name).toContain(`\`${alias}\` and \`${canonical}\` are two spellings of one argument`)
    }
    expect((await call(suite.base, "GET", `/folios/${ids.Frontend}`, { workspace: A })).body.folio.commits).toEqual([])
  })

  it("a required argument missing under both spellings is refused naming both", async () => {
    expect(await refusal("carabase_search_graph", { depth: 1 })).toMatch(/`start_entity` \(or `entity`\) is required/)
    expect(await refusal("commit_to_folio", { folio_name: "Backend" })).toMatch(
      /`message` \(or `content`\) is required/
    )
  })
})
