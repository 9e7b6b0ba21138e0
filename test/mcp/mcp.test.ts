// The MCP server through the SDK's own client, over Streamable HTTP and the older HTTP+SSE transport: all 21 tools,
// each called with a meaningful check, sessions bound to one workspace, per-workspace availability, and the
// DNS-rebinding guard.
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { TOOL_NAMES } from "../../src/mcp/ToolCatalog"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("mcp")
let A: string
let B: string
const clients: Array<Client> = []

const connect = async (options: { workspace?: string; transport?: "http" | "sse"; query?: boolean } = {}) => {
  const client = new Client({ name: "carabase-test", version: "1.0.0" })
  const headers: Record<string, string> =
    options.workspace !== undefined && options.query !== true ? { "x-workspace-id": options.workspace } : {}
  const query = options.workspace !== undefined && options.query === true ? `?workspace=${options.workspace}` : ""
  const transport =
    options.transport === "sse"
      ? new SSEClientTransport(new URL(`${suite.base}/mcp/sse${query}`), {
          requestInit: { headers },
          eventSourceInit: {
            fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as object), ...headers } })
          }
        })
      : new StreamableHTTPClientTransport(new URL(`${suite.base}/mcp${query}`), { requestInit: { headers } })
  await client.connect(transport)
  clients.push(client)
  return client
}

const text = (result: any): string =>
  ((result.content as Array<{ type: string; text: string }> | undefined) ?? []).map((part) => part.text).join("\n")

const json = (result: any) => (result.structuredContent ?? JSON.parse(text(result))) as any

const tool = async (client: Client, name: string, args: Record<string, unknown> = {}) => {
  const result = await client.callTool({ name, arguments: args })
  if (result.isError) throw new Error(`${name} failed: ${text(result)}`)
  return json(result)
}

let atlas: string
let ada: string
let babbage: string
let artifact: string

beforeAll(async () => {
  A = await createWorkspace(suite.base, "MCP A")
  B = await createWorkspace(suite.base, "MCP B")
  atlas = (await call(suite.base, "POST", "/folios", { workspace: A, body: { name: "Atlas", about: "Mapping work" } }))
    .body.id
  ada = (await call(suite.base, "POST", "/entities", { workspace: A, body: { name: "Ada Lovelace", type: "person" } }))
    .body.entity.id
  babbage = (
    await call(suite.base, "POST", "/entities", { workspace: A, body: { name: "Charles Babbage", type: "person" } })
  ).body.entity.id
  await call(suite.base, "POST", "/edges", {
    workspace: A,
    body: { sourceId: ada, targetId: babbage, type: "works with", confidence: 0.9 }
  })
  await call(suite.base, "POST", "/memories", {
    workspace: A,
    body: { content: "Ada prefers green tea in the morning" }
  })
  await call(suite.base, "POST", "/daily-notes/inject", {
    workspace: A,
    body: {
      type: "logCard",
      content: "Met Ada Lovelace about the analytical engine",
      folio: "Atlas",
      tags: ["meeting"],
      date: "2026-11-20"
    }
  })
  const form = new FormData()
  form.append(
    "file",
    new Blob(["The analytical engine weaves algebraic patterns."], { type: "text/plain" }),
    "engine.txt"
  )
  const uploaded = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
    method: "POST",
    headers: { "x-workspace-id": A },
    body: form
  })
  artifact = ((await uploaded.json()) as { artifact: { id: string } }).artifact.id
})

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)))
})

describe("MCP over Streamable HTTP", () => {
  it("lists all 21 tools by their names, with schemas and truthful annotations", async () => {
    const client = await connect({ workspace: A })
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort())
    expect(tools).toHaveLength(21)
    for (const definition of tools) {
      expect(definition.inputSchema.type).toBe("object")
      expect(definition.description!.length).toBeGreaterThan(20)
    }
    const hints = Object.fromEntries(tools.map((t) => [t.name, t.annotations]))
    expect(hints.list_tasks).toMatchObject({ readOnlyHint: true, destructiveHint: false })
    expect(hints.create_memory).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false })
    expect(hints.update_folio_section).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true
    })
  })

  it("calls every tool through the same services as the REST routes", async () => {
    const client = await connect({ workspace: A })
    expect((await tool(client, "list_folios")).folios.map((f: { name: string }) => f.name)).toEqual(["Atlas"])
    expect((await tool(client, "read_folio_map")).folios[0]).toMatchObject({ name: "Atlas", about: "Mapping work" })
    const commit = await tool(client, "commit_to_folio", { folio: "atlas", message: "Drafted the survey plan" })
    expect(commit.commit.message).toBe("Drafted the survey plan")
    const map = await tool(client, "read_folio_map", { folio: atlas })
    expect(map.folio.commits.map((c: { message: string }) => c.message)).toContain("Drafted the survey plan")
    await tool(client, "update_folio_section", { folio: "Atlas", content: "Charting the coast" })
    expect((await call(suite.base, "GET", `/folios/${atlas}`, { workspace: A })).body.folio.about).toBe(
      "Charting the coast"
    )

    const entry = await tool(client, "create_log_entry", {
      content: "Reviewed the engine drawings\n- [ ] send notes to Charles",
      folio: "Atlas",
      date: "2026-11-21",
      idempotency_key: "mcp-1"
    })
    expect(entry).toMatchObject({ success: true, date: "2026-11-21" })
    expect(
      (await tool(client, "create_log_entry", { content: "again", date: "2026-11-21", idempotency_key: "mcp-1" }))
        .duplicate
    ).toBe(true)
    const note = await tool(client, "read_daily_note", { date: "2026-11-21" })
    expect(note.text).toContain("Reviewed the engine drawings")
    expect(note.text).toContain("- [ ] send notes to Charles")

    const created = await tool(client, "create_task", { text: "Order brass gears", date: "2026-11-21" })
    expect(created).toMatchObject({ text: "Order brass gears", checked: false })
    const tasks = (await tool(client, "list_tasks", { date_from: "2026-11-21", date_to: "2026-11-21" })).tasks
    const gears = tasks.find((t: { text: string }) => t.text === "Order brass gears")
    const toggled = await tool(client, "toggle_task", { task_id: gears.id, checked: true })
    expect(toggled.checked).toBe(true)

    const entities = (await tool(client, "list_entities", { search: "ada" })).entities
    expect(entities.map((e: { name: string }) => e.name)).toEqual(["Ada Lovelace"])
    const graph = await tool(client, "query_graph", { entity: "Ada Lovelace" })
    // The notes written above also link what they name (entity extraction, `mentioned_with`, inferred): left aside.
    const own = graph.entity.edges.filter((e: { type: string }) => e.type !== "mentioned_with")
    expect(own.map((e: { targetName: string }) => e.targetName)).toEqual(["Charles Babbage"])
    const walk = await tool(client, "carabase_search_graph", {
      start_entity: ada,
      depth: 2,
      min_confidence: 0.5,
      source_kinds: ["extracted"]
    })
    expect(walk.nodes.map((n: { name: string }) => n.name).sort()).toEqual(["Ada Lovelace", "Charles Babbage"])
    const strict = await tool(client, "carabase_search_graph", { start_entity: ada, min_confidence: 0.95 })
    expect(strict.nodes).toHaveLength(1)
    const candidates = await tool(client, "carabase_find_entity_candidates", {
      text: "Lunch with ada lovelace and Babbage"
    })
    expect(candidates.candidates.map((c: { name: string }) => c.name)).toEqual(["Ada Lovelace", "Charles Babbage"])

    const memory = await tool(client, "create_memory", { content: "Babbage designed the difference engine" })
    expect(memory.memory.content).toBe("Babbage designed the difference engine")
    const recalled = await tool(client, "search_memories", { query: "green tea" })
    expect(recalled.memories[0].content).toBe("Ada prefers green tea in the morning")
    const found = await tool(client, "search_semantic", { query: "analytical engine", limit: 5 })
    expect(found.results.map((r: { kind: string }) => r.kind)).toEqual(expect.arrayContaining(["artifact", "note"]))
    const semantic = await tool(client, "carabase_search_semantic", { query: "algebraic patterns", k: 3 })
    expect(semantic.results[0].id).toBe(artifact)
    const read = await tool(client, "read_artifact", { id: artifact, max_tokens: 5 })
    expect(read.content.length).toBeLessThanOrEqual(20)
    expect(read.truncated).toBe(true)

    const metadata = await tool(client, "carabase_query_metadata", { entity: "Ada Lovelace", folio: "Atlas" })
    expect(metadata.entries.map((e: { date: string }) => e.date)).toEqual(["2026-11-20"])
    const routed = await tool(client, "carabase_route_and_execute", { query: "who is Ada Lovelace related to?" })
    expect(routed.route).toBe("graph")
    const byDate = await tool(client, "carabase_route_and_execute", { query: "what did I log on 2026-11-20" })
    expect(byDate.route).toBe("metadata")
    expect(byDate.entries[0].text).toContain("analytical engine")
    const verdict = await tool(client, "carabase_verify_hypothesis", { claim: "Ada prefers green tea in the morning" })
    expect(verdict.verdict).toBe("corroborated")
    expect(verdict.supporting.length).toBeGreaterThan(0)
  })

  it("refuses bad arguments by schema, reports a tool's failure as a tool error, and the session survives", async () => {
    const client = await connect({ workspace: A })
    await expect(
      client.callTool({ name: "toggle_task", arguments: { task_id: "yesterday", checked: "yes" } })
    ).rejects.toThrow(/invalid arguments for toggle_task/)
    const failed = await client.callTool({ name: "commit_to_folio", arguments: { folio: "Nowhere", message: "hi" } })
    expect(failed.isError).toBe(true)
    expect(text(failed)).toContain('no folio named "Nowhere"')
    expect((await tool(client, "list_folios")).folios).toHaveLength(1)
  })
})

describe("workspace binding", () => {
  it("a session bound to B never sees or changes A's data, over the SSE transport and ?workspace=", async () => {
    const other = await connect({ workspace: B, transport: "sse", query: true })
    expect((await tool(other, "list_folios")).folios).toEqual([])
    expect((await tool(other, "search_memories", { query: "green tea" })).memories).toEqual([])
    expect((await tool(other, "read_daily_note", { date: "2026-11-20" })).text).not.toContain("Ada")
    const foreign = await other.callTool({ name: "query_graph", arguments: { entity: ada } })
    expect(foreign.isError).toBe(true)
    const toggle = await other.callTool({ name: "toggle_task", arguments: { task_id: "2026-11-21:0", checked: false } })
    expect(toggle.isError).toBe(true)
    const tasksOfA = await call(suite.base, "GET", "/tasks?date_from=2026-11-21&date_to=2026-11-21", { workspace: A })
    expect(tasksOfA.body.tasks.some((t: { checked: boolean }) => t.checked)).toBe(true)
  })

  it("refuses an unknown workspace, and needs one named when the host has several", async () => {
    const unknown = await fetch(`${suite.base}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "x-workspace-id": "6f1c1f47-35f5-4bd4-9bd9-1d1dbd0b7c6e"
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } }
      })
    })
    expect(unknown.status).toBe(404)
    expect(await unknown.text()).toContain("does not exist")
    await expect(connect()).rejects.toThrow()
  })

  it("refuses a foreign Origin with 403 before anything else", async () => {
    const response = await fetch(`${suite.base}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example", "x-workspace-id": A },
      body: "{}"
    })
    expect(response.status).toBe(403)
    expect(await response.text()).toContain("CARABASE_MCP_ALLOWED_ORIGINS")
    const sse = await fetch(`${suite.base}/mcp/sse?workspace=${A}`, { headers: { origin: "http://evil.example" } })
    expect(sse.status).toBe(403)
  })
})

describe("tool availability", () => {
  it("a tool switched off for a workspace is neither listed nor callable there, and stays on elsewhere", async () => {
    await call(suite.base, "PUT", "/workspace-settings", {
      workspace: B,
      body: { mcp_tools: { create_memory: false } }
    })
    const off = await connect({ workspace: B })
    const names = (await off.listTools()).tools.map((t) => t.name)
    expect(names).not.toContain("create_memory")
    expect(names).toHaveLength(20)
    await expect(off.callTool({ name: "create_memory", arguments: { content: "x" } })).rejects.toThrow(/turned off/)
    const on = await connect({ workspace: A })
    expect((await on.listTools()).tools.map((t) => t.name)).toContain("create_memory")
  })
})
