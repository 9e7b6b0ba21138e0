// What the published skills promise a tool's answer looks like, through the SDK's client: artifact hits of the
// canonical retrieval tools as `carabase://artifact/<id>` resource links, read on demand with resources/read (the
// budget honoured, another workspace's artifact not found), resources/list; the Doctor-RAG `[hint: …]` trailers of
// empty and failed answers naming the next tool; and daily-note text in the `## 09:15 AM [#standup] [Backend]` form.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite, injectLogCard, mcpClients } from "../support/hostSuite"

const suite = hostSuite("mcp_skill_outputs")
const connect = mcpClients(suite)
let A: string
let B: string
let a: Client
let b: Client
let doc: string
let other: string

const BODY = "Redis caching layer design: sessions live in Redis with a thirty minute expiry and lazy eviction."

const text = (result: any): string =>
  ((result.content as Array<{ type: string; text?: string }> | undefined) ?? [])
    .filter((part) => part.type === "text")
    .map((part) => part.text)
    .join("\n")

const upload = async (workspace: string, name: string, body: string) => {
  const form = new FormData()
  form.append("file", new Blob([body], { type: "text/plain" }), name)
  const answer = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
    method: "POST",
    headers: { "x-workspace-id": workspace },
    body: form
  })
  return ((await answer.json()) as { artifact: { id: string } }).artifact.id
}

const logCard = (date: string, timestamp: string, tags: Array<string>, folios: Array<string>, words: string) =>
  injectLogCard(suite.base, A, { date, timestamp, tags, folios, words })

beforeAll(async () => {
  A = await createWorkspace(suite.base, "Skill outputs A")
  B = await createWorkspace(suite.base, "Skill outputs B")
  doc = await upload(A, "redis-design.txt", BODY)
  other = await upload(B, "b-only.txt", "Only workspace B has this Redis note.")
  await call(suite.base, "POST", "/memories", { workspace: A, body: { content: "Redis caching layer was approved" } })
  await call(suite.base, "POST", "/entities", { workspace: A, body: { name: "Sam Rivers", type: "person" } })
  await logCard("2026-02-01", "08:00 AM", ["seen"], [], "An entry the metadata query finds.")
  a = await connect(A)
  b = await connect(B)
})

describe("artifact resources", () => {
  it("carabase_search_semantic answers artifact hits with their URI and a resource link, and other hits without", async () => {
    const result = await a.callTool({ name: "carabase_search_semantic", arguments: { query: "Redis caching layer" } })
    const hits = (result.structuredContent as any).results as Array<{ id: string; kind: string; uri?: string }>
    expect(hits.map((hit) => hit.kind)).toEqual(expect.arrayContaining(["artifact", "memory"]))
    expect(hits.find((hit) => hit.kind === "artifact")).toMatchObject({ id: doc, uri: `carabase://artifact/${doc}` })
    expect(hits.find((hit) => hit.kind === "memory")!.uri).toBeUndefined()
    const links = (result.content as Array<any>).filter((part) => part.type === "resource_link")
    expect(links).toEqual([
      { type: "resource_link", uri: `carabase://artifact/${doc}`, name: "redis-design.txt", mimeType: "text/plain" }
    ])
  })

  it("carabase_route_and_execute and carabase_verify_hypothesis link the artifacts they found too", async () => {
    const routed = await a.callTool({ name: "carabase_route_and_execute", arguments: { query: "Redis caching layer" } })
    expect((routed.content as Array<any>).map((part) => part.uri)).toContain(`carabase://artifact/${doc}`)
    const verdict = await a.callTool({
      name: "carabase_verify_hypothesis",
      arguments: { claim: "Redis caching layer design with thirty minute expiry" }
    })
    expect((verdict.content as Array<any>).map((part) => part.uri)).toContain(`carabase://artifact/${doc}`)
  })

  it("resources/read answers the body on demand, cut to ?max_tokens=N on the URI", async () => {
    const full = await a.readResource({ uri: `carabase://artifact/${doc}` })
    expect(full.contents).toEqual([{ uri: `carabase://artifact/${doc}`, mimeType: "text/plain", text: BODY }])
    const cut = await a.readResource({ uri: `carabase://artifact/${doc}?max_tokens=4` })
    const short = (cut.contents[0] as { text: string }).text
    expect(short.length).toBeLessThan(BODY.length)
    expect(BODY.startsWith(short)).toBe(true)
    await expect(a.readResource({ uri: `carabase://artifact/${doc}?max_tokens=0` })).rejects.toThrow(/max_tokens/)
  })

  it("resources/read finds neither another workspace's artifact nor a URI that is not an artifact", async () => {
    const missing = await a.readResource({ uri: `carabase://artifact/${other}` }).catch((error) => error)
    expect(missing).toMatchObject({ code: -32002, message: expect.stringMatching(/does not exist/) })
    await expect(b.readResource({ uri: `carabase://artifact/${doc}` })).rejects.toThrow(/does not exist/)
    await expect(a.readResource({ uri: "file:///etc/passwd" })).rejects.toThrow(/not a resource of this host/)
  })

  it("resources/list lists this workspace's artifacts, and the template names the URI form", async () => {
    const listed = await a.listResources()
    expect(listed.resources.map((resource) => resource.uri)).toEqual([`carabase://artifact/${doc}`])
    expect((await b.listResources()).resources.map((resource) => resource.uri)).toEqual([
      `carabase://artifact/${other}`
    ])
    const templates = await a.listResourceTemplates()
    expect(templates.resourceTemplates.map((template) => template.uriTemplate)).toEqual(["carabase://artifact/{id}"])
  })
})

describe("Doctor-RAG trailers", () => {
  it("semanticNoResults: an empty semantic search ends with the skill's hint naming the router", async () => {
    const result = await b.callTool({ name: "carabase_search_semantic", arguments: { query: "Sam Rivera" } })
    expect(result.isError).toBeFalsy()
    expect((result.structuredContent as any).results).toEqual([])
    // Beside the hint, the answer says why this search found nothing.
    expect((result.structuredContent as any).explanation).toBe(
      'No indexed text holds "Sam", "Rivera"; nothing is close enough by meaning.'
    )
    const lines = text(result).split("\n")
    expect(lines.slice(-3)).toEqual([
      'No results found for "Sam Rivera".',
      '[hint: Semantic search hit zero. Try (1) dropping adjectives and re-querying, (2) calling `carabase_route_and_execute` with the same query, (3) `carabase_find_entity_candidates` if "Sam Rivera" is meant as a person name.]',
      '[trace: searched semantic for "Sam Rivera" → 0 hits]'
    ])
  })

  it("metadataNoResults: an empty metadata query ends with a hint to loosen filters or search semantically", async () => {
    const result = await a.callTool({
      name: "carabase_query_metadata",
      arguments: { tags: ["nothing-tagged-this"], date_after: "2026-01-01" }
    })
    const lines = text(result).split("\n")
    expect(lines.at(-2)).toMatch(/^\[hint: Metadata query matched zero entries\. .*`carabase_search_semantic`.*\]$/)
    expect(lines.at(-1)).toBe(
      '[trace: queried metadata with tags="nothing-tagged-this", date_after="2026-01-01" → 0 entries]'
    )
    const routed = await b.callTool({
      name: "carabase_route_and_execute",
      arguments: { query: "what did I log on 2025-01-01" }
    })
    expect((routed.structuredContent as any).route).toBe("metadata")
    expect(text(routed).split("\n").at(-2)).toMatch(/^\[hint: Metadata query matched zero entries\./)
    const found = await a.callTool({ name: "carabase_query_metadata", arguments: { tags: ["seen"] } })
    expect((found.structuredContent as any).entries).toHaveLength(1)
    expect(text(found)).not.toContain("[hint:")
  })

  it("graphUnknownEntity: an unknown entity is a tool error naming candidates and carabase_find_entity_candidates", async () => {
    const result = await a.callTool({ name: "carabase_search_graph", arguments: { entity: "Sam Rivers Junior" } })
    expect(result.isError).toBe(true)
    const lines = text(result).split("\n")
    expect(lines[0]).toBe('No entity matching "Sam Rivers Junior" in the knowledge graph; candidates: "Sam Rivers".')
    expect(lines[1]).toMatch(
      /^\[hint: Unknown entity\. Call `carabase_find_entity_candidates` with name "Sam Rivers Junior"/
    )
    expect(lines[2]).toBe('[trace: searched graph for "Sam Rivers Junior" → unknown entity]')
  })

  it("candidatesNoResults: no candidate ends with a hint to try a substring or semantic search", async () => {
    const result = await a.callTool({ name: "carabase_find_entity_candidates", arguments: { name: "Zebedee" } })
    expect((result.structuredContent as any).candidates).toEqual([])
    const lines = text(result).split("\n")
    expect(lines.at(-2)).toBe(
      '[hint: Entity resolution found nothing. Try (1) a substring or an alias of the name, (2) `carabase_search_semantic` with "Zebedee".]'
    )
    expect(lines.at(-1)).toMatch(/^\[trace: resolved entity candidates for "Zebedee"/)
    const found = await a.callTool({ name: "carabase_find_entity_candidates", arguments: { name: "sam" } })
    expect(text(found)).not.toContain("[hint:")
  })
})

describe("daily-note text", () => {
  it("renders each entry as `## 09:15 AM [#standup] [Backend]`, over MCP and GET /daily-notes/:date/text alike", async () => {
    await logCard("2026-03-30", "09:15 AM", ["standup"], ["Backend"], "Discussed deploy timeline.")
    await logCard("2026-03-30", "11:30 AM", ["review", "urgent"], [], "Reviewed PR #42.")
    await logCard("2026-03-30", "02:45 PM", [], ["Planning", "Backend"], "Q2 roadmap sync.")
    const expected = [
      "## 09:15 AM [#standup] [Backend]",
      "Discussed deploy timeline.",
      "",
      "## 11:30 AM [#review] [#urgent]",
      "Reviewed PR #42.",
      "",
      "## 02:45 PM [Planning] [Backend]",
      "Q2 roadmap sync."
    ].join("\n")
    const http = await call(suite.base, "GET", "/daily-notes/2026-03-30/text", { workspace: A })
    expect(http.body).toEqual({ date: "2026-03-30", text: expected })
    const mcp = await a.callTool({ name: "read_daily_note", arguments: { date: "2026-03-30" } })
    expect((mcp.structuredContent as any).text).toBe(expected)
  })
})
