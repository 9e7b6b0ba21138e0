// The public Claude Desktop stdio bridge (test/fixtures/stdio-bridge: carabase-claw-skills' src/claude-mcp.ts, kept as
// published) run for real: bundled, spawned as a child process with CARABASE_HOST and CARABASE_WORKSPACE_ID, and
// driven through the SDK's stdio client. Each of its 15 tools makes the REST calls it was written to make against
// this host, and each answer carries what the tool promises. Nothing is fetched at run time.
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import { build } from "esbuild"
import { mkdtempSync, realpathSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("mcp_stdio_bridge")
let A: string
let bridge: Client
let scratch: string
const ids: Record<string, string> = {}

const text = (result: any): string =>
  ((result.content as Array<{ type: string; text?: string }> | undefined) ?? []).map((part) => part.text).join("\n")

/** Calls a bridge tool; the bridge answers the host's JSON as text, or an error result naming the failed request. */
const use = async (name: string, args: Record<string, unknown>) => {
  const result = await bridge.callTool({ name, arguments: args })
  if (result.isError) throw new Error(`${name}: ${text(result)}`)
  const body = text(result)
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}

/** The bridge bundled to one file, resolving `zod` and the SDK where the SDK's own install finds them. */
const bundleBridge = async () => {
  const require = createRequire(import.meta.url)
  const sdk = realpathSync(dirname(require.resolve("@modelcontextprotocol/sdk/package.json")))
  scratch = mkdtempSync(join(tmpdir(), "carabase-bridge-"))
  const outfile = join(scratch, "claude-mcp.mjs")
  await build({
    entryPoints: [fileURLToPath(new URL("../fixtures/stdio-bridge/claude-mcp.ts.txt", import.meta.url))],
    loader: { ".txt": "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    nodePaths: [dirname(dirname(sdk))],
    outfile,
    logLevel: "warning"
  })
  return outfile
}

beforeAll(async () => {
  A = await createWorkspace(suite.base, "Stdio bridge")
  ids.Backend = (
    await call(suite.base, "POST", "/folios", { workspace: A, body: { name: "Backend", about: "APIs" } })
  ).body.id
  await call(suite.base, "POST", "/folios", { workspace: A, body: { name: "Frontend", about: "UI" } })
  for (const [name, type] of [
    ["Alice Chen", "person"],
    ["Acme Project", "project"],
    ["Auth Service", "tool"]
  ] as const) {
    ids[name] = (await call(suite.base, "POST", "/entities", { workspace: A, body: { name, type } })).body.entity.id
  }
  await call(suite.base, "POST", "/edges", {
    workspace: A,
    body: { sourceId: ids["Alice Chen"], targetId: ids["Acme Project"], type: "leads", confidence: 0.9 }
  })
  await call(suite.base, "POST", "/memories", {
    workspace: A,
    body: { content: "We chose PostgreSQL over ClickHouse for analytics" }
  })
  const form = new FormData()
  form.append("file", new Blob(["Redis caching layer: sessions live in Redis."], { type: "text/plain" }), "redis.txt")
  const uploaded = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
    method: "POST",
    headers: { "x-workspace-id": A },
    body: form
  })
  ids.artifact = ((await uploaded.json()) as { artifact: { id: string } }).artifact.id

  const outfile = await bundleBridge()
  bridge = new Client({ name: "claude-desktop-stand-in", version: "1.0.0" })
  await bridge.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [outfile],
      env: { PATH: process.env.PATH ?? "", CARABASE_HOST: suite.base, CARABASE_WORKSPACE_ID: A },
      stderr: "ignore"
    })
  )
}, 60_000)

afterAll(async () => {
  await bridge?.close().catch(() => undefined)
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

describe("the public stdio bridge against this host", () => {
  it("serves the bridge's 15 tools", async () => {
    expect((await bridge.listTools()).tools.map((t) => t.name).sort()).toEqual(
      [
        "commit_to_folio",
        "create_log_entry",
        "create_memory",
        "create_task",
        "list_entities",
        "list_folios",
        "list_tasks",
        "query_graph",
        "read_artifact",
        "read_daily_note",
        "read_folio_map",
        "search_memories",
        "search_semantic",
        "toggle_task",
        "update_folio_section"
      ].sort()
    )
  })

  it("daily notes and tasks: inject, read as text, create, list, toggle", async () => {
    expect(
      await use("create_log_entry", { content: "Deployed v2.3.1 to production.", folio: "Backend", tags: ["deploy"] })
    ).toMatchObject({ success: true })
    const created = await use("create_task", {
      text: "Review PR #42",
      folio: "Backend",
      tags: ["review", "urgent"],
      date: "2026-03-30"
    })
    expect(created).toMatchObject({ success: true, task: { text: "Review PR #42", date: "2026-03-30" } })

    const note = await use("read_daily_note", { date: "2026-03-30" })
    expect(note.date).toBe("2026-03-30")
    expect(note.text).toMatch(/^## \d{2}:\d{2} [AP]M \[#review\] \[#urgent\] \[Backend\]\n- \[ \] Review PR #42$/)

    const open = await use("list_tasks", { checked: false, folio: "Backend", date_from: "2026-03-24" })
    expect(open.tasks.map((t: { text: string }) => t.text)).toEqual(["Review PR #42"])
    const toggled = await use("toggle_task", { task_id: open.tasks[0].id, checked: true })
    expect(toggled).toMatchObject({ success: true, task: { text: "Review PR #42", checked: true } })
    expect((await use("list_tasks", { checked: false, date_from: "2026-03-24" })).tasks).toEqual([])
  })

  it("folios: list filtered, read by name, commit (creating a folio it does not find), update About", async () => {
    expect((await use("list_folios", { query: "back" })).folios.map((f: { name: string }) => f.name)).toEqual([
      "Backend"
    ])
    expect((await use("read_folio_map", { folio_name: "Backend" })).folio).toMatchObject({ id: ids.Backend })
    const commit = await use("commit_to_folio", { folio_name: "Backend", content: "Implemented Redis caching" })
    expect(commit.commit.message).toBe("Implemented Redis caching")
    const fresh = await use("commit_to_folio", { folio_name: "Mobile", content: "Kicked off the app" })
    expect(fresh.commit.message).toBe("Kicked off the app")
    const folios = (await call(suite.base, "GET", "/folios", { workspace: A })).body.folios
    expect(folios.map((f: { name: string }) => f.name).sort()).toEqual(["Backend", "Frontend", "Mobile"])

    await use("update_folio_section", { folio_name: "Backend", action: "update_about", content: "APIs and jobs" })
    expect((await call(suite.base, "GET", `/folios/${ids.Backend}`, { workspace: A })).body.folio).toMatchObject({
      about: "APIs and jobs",
      commits: [expect.objectContaining({ message: "Implemented Redis caching" })]
    })
  })

  it("knowledge: search, graph, entities, memories and an artifact's text", async () => {
    const found = await use("search_semantic", { query: "Redis caching layer", limit: 5 })
    expect(found.results.map((r: { id: string }) => r.id)).toContain(ids.artifact)
    const graph = await use("query_graph", { entity: "Alice" })
    expect(graph.entity).toMatchObject({ name: "Alice Chen" })
    expect(graph.entity.edges.map((e: { targetName: string }) => e.targetName)).toEqual(["Acme Project"])
    const tools = await use("list_entities", { type: "tool", query: "auth", limit: 5 })
    expect(tools.entities.map((e: { name: string }) => e.name)).toEqual(["Auth Service"])
    const memories = await use("search_memories", { query: "ClickHouse analytics", limit: 1 })
    expect(memories.memories.map((m: { content: string }) => m.content)).toEqual([
      "We chose PostgreSQL over ClickHouse for analytics"
    ])
    const stored = await use("create_memory", { content: "Friday deploys are frozen", source: "daily-note:2026-03-30" })
    expect(stored.memory).toMatchObject({ content: "Friday deploys are frozen" })
    const read = await use("read_artifact", { artifact_id: ids.artifact, max_tokens: 3 })
    expect(read).toMatchObject({ truncated: true })
    expect("Redis caching layer: sessions live in Redis.".startsWith(read.content)).toBe(true)
  })
})
