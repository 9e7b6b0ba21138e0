// `carabase import` and `carabase export` against a host (dist/cli.js, real HTTP): a Logseq graph imported from a
// folder (journals to log cards and tasks, TODO/DONE, page properties to aliases, links to edges), again with nothing
// changed, and as a dry run; a Notion export zip through the route (id suffixes gone from titles, Markdown links to
// edges, a database CSV searchable); and the round trip: a workspace exported to a folder and imported into an empty
// one gives back the same notes, tasks, folios, memories, entities, edges and artifacts, and no secret is exported.
import * as fs from "node:fs"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { cleanEnv, runCli, scratchDir } from "../support/hostProcess"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"
import { importZip, logseqVault, notionVault, PDF_BYTES, writeVault, zipVault } from "./vaults"

const suite = hostSuite("import_cli_formats")

const cli = (...args: Array<string>) => runCli(args, { cwd: scratchDir(), env: cleanEnv({ CARABASE_URL: suite.base }) })

/** The entities the owner, an import or a sync made: not what entity extraction derives from the notes meanwhile. */
const entities = async (workspace: string) =>
  (
    (await call(suite.base, "GET", "/entities?limit=500", { workspace })).body.entities as Array<{
      id: string
      name: string
      type: string
      aliases: Array<string>
      metadata: Record<string, unknown>
    }>
  ).filter((entity) => entity.metadata.source !== "entity-extraction")

/** Edges by their ends' names, so two workspaces' graphs can be compared. */
const namedEdges = async (workspace: string) => {
  const names = new Map((await entities(workspace)).map((entity) => [entity.id, entity.name]))
  const edges = (await call(suite.base, "GET", "/edges", { workspace })).body.edges as Array<{
    sourceId: string
    targetId: string
    type: string
    sourceKind: string
    confidence: number
    provenance: Record<string, unknown>
  }>
  return edges
    .filter((edge) => edge.provenance.extractor !== "entity-extraction")
    .map((edge) => ({
      source: names.get(edge.sourceId),
      target: names.get(edge.targetId),
      type: edge.type,
      sourceKind: edge.sourceKind,
      confidence: edge.confidence,
      provenance: edge.provenance
    }))
    .sort((a, b) => `${a.source}>${a.target}`.localeCompare(`${b.source}>${b.target}`))
}

describe("carabase import: a Logseq graph from a folder", () => {
  let L: string
  let folder: string
  beforeAll(async () => {
    L = await createWorkspace(suite.base, "Logseq")
    folder = scratchDir("carabase-logseq-")
    writeVault(folder, logseqVault())
  })

  it("imports journals, pages and links, and prints the counts", async () => {
    const result = await cli("import", folder, "--workspace", L)
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    expect(result.stdout).toContain("imported 3 of 3 files (logseq): 3 created, 0 updated, 0 unchanged, 0 skipped")
    const text = (await call(suite.base, "GET", "/daily-notes/2026-04-01/text", { workspace: L })).body.text
    expect(text).toContain("## 08:15 AM\nMorning pages about [[Gardening]]\n\n- a child thought")
    const tasks = (await call(suite.base, "GET", "/tasks?date_from=2026-04-01&date_to=2026-04-01", { workspace: L }))
      .body.tasks as Array<{ text: string; checked: boolean; tags: Array<string> }>
    expect(tasks.map((task) => [task.text, task.checked])).toEqual([
      ["Buy seeds #garden", false],
      ["Read about compost", false],
      ["Prune the roses", true]
    ])
    expect(tasks[0]!.tags).toEqual(["garden"])
    const gardening = (await entities(L)).find((entity) => entity.name === "Gardening")
    expect(gardening?.aliases).toEqual(["Horticulture"])
    expect(gardening?.metadata.tags).toEqual(["hobby"])
    expect(await namedEdges(L)).toEqual([
      expect.objectContaining({ source: "2026-04-01", target: "Gardening", type: "mentions" }),
      expect.objectContaining({
        source: "Gardening",
        target: "Compost",
        provenance: { source: "import", file: "pages/Gardening.md", line: 5 }
      })
    ])
  })

  it("changes nothing the second time, and a dry run only reports", async () => {
    const again = await cli("import", folder, "--workspace", L)
    expect(again.status).toBe(0)
    expect(again.stdout).toContain("0 created, 0 updated, 3 unchanged, 0 skipped")
    fs.writeFileSync(path.join(folder, "pages", "Seeds.md"), "- Heirloom tomatoes\n")
    const dry = await cli("import", folder, "--workspace", L, "--dry-run")
    expect(dry.status).toBe(0)
    expect(dry.stdout).toContain("would import 4 of 4 files (logseq): 1 created, 0 updated, 3 unchanged, 0 skipped")
    expect((await entities(L)).map((entity) => entity.name)).not.toContain("Seeds")
  })

  it("refuses a missing source and an unknown workspace id shape with usage errors", async () => {
    const missing = await cli("import", path.join(folder, "nope"), "--workspace", L)
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain("does not exist")
    const bad = await cli("import", folder, "--workspace", "not-a-uuid")
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain("--workspace must be a workspace id")
  })
})

describe("a Notion export through the route", () => {
  it("strips the id suffixes, links pages and makes the database CSV searchable", async () => {
    const N = await createWorkspace(suite.base, "Notion")
    const run = await importZip(suite.base, N, await zipVault(notionVault(), "Export-abc"))
    expect(run.import).toMatchObject({ format: "notion", counts: { created: 3, skipped: 0 } })
    expect((await entities(N)).map((entity) => entity.name).sort()).toEqual(["Launch plan", "Roadmap", "Tasks"])
    expect(await namedEdges(N)).toEqual([expect.objectContaining({ source: "Roadmap", target: "Launch plan" })])
    const hits = await call(suite.base, "POST", "/harvest/search", { workspace: N, body: { query: "Fix bug" } })
    expect(hits.body.results[0].title).toBe("Tasks 33333333333333333333333333333333.csv")
  })
})

describe("export, then import into an empty workspace", () => {
  let R: string
  let E: string
  const SECRET = "sk-roundtrip-secret-0123456789"
  const SIGNING = "whsec-roundtrip-signing-9876543210"

  beforeAll(async () => {
    R = await createWorkspace(suite.base, "Round trip source")
    E = await createWorkspace(suite.base, "Round trip target")
    const post = (path: string, body: unknown) => call(suite.base, "POST", path, { workspace: R, body })
    await post("/folios", { name: "Garden", about: "Everything about the garden." })
    await post("/daily-notes/inject", {
      date: "2026-05-01",
      type: "logCard",
      content: "Planted beans.\n\n- [ ] Water them\n- [x] Buy stakes",
      folio: "Garden",
      tags: ["outdoors"]
    })
    await post("/daily-notes/inject", { date: "2026-05-02", type: "logCard", content: "Rain all day." })
    await post("/tasks", { text: "Call the plumber", date: "2026-05-02", tags: ["home"] })
    await post("/memories", { content: "Beans need full sun." })
    await post("/memories", { content: "The plumber is Mario." })
    const mario = (await post("/entities", { name: "Mario", type: "person", aliases: ["The plumber"] })).body.entity
    const house = (await post("/entities", { name: "House", type: "project", metadata: { rooms: 5 } })).body.entity
    await post("/edges", {
      sourceId: mario.id,
      targetId: house.id,
      type: "works_on",
      sourceKind: "inferred",
      confidence: 0.7,
      provenance: { note: "2026-05-02" }
    })
    const form = new FormData()
    form.append("file", new Blob([PDF_BYTES], { type: "application/pdf" }), "plan.pdf")
    const uploaded = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
      method: "POST",
      headers: { "x-workspace-id": R },
      body: form
    })
    expect(uploaded.status).toBe(201)
    await call(suite.base, "PUT", "/model-routes/utility", {
      workspace: R,
      body: { provider: "openai-compatible", baseUrl: "http://127.0.0.1:9/v1", model: "m", apiKey: SECRET }
    })
    await post("/webhook-channels", { kind: "generic", name: "Hooks", signingSecret: SIGNING })
  })

  const snapshot = async (workspace: string) => {
    const get = async (path: string) => (await call(suite.base, "GET", path, { workspace })).body
    const artifacts = (await get("/artifacts")).artifacts as Array<{ id: string; filename: string; mimeType: string }>
    const files = await Promise.all(
      artifacts.map(async (artifact) => {
        const response = await fetch(`${suite.base}/api/v1/artifacts/${artifact.id}/file`, {
          headers: { "x-workspace-id": workspace }
        })
        return {
          filename: artifact.filename,
          mimeType: artifact.mimeType,
          bytes: Buffer.from(await response.arrayBuffer()).toString("base64")
        }
      })
    )
    return {
      notes: [(await get("/daily-notes/2026-05-01/text")).text, (await get("/daily-notes/2026-05-02/text")).text],
      tasks: (await get("/tasks?date_from=2026-05-01&date_to=2026-05-02")).tasks,
      folios: (await get("/folios")).folios.map((folio: { name: string; about: string }) => [folio.name, folio.about]),
      folioEntries: (await get(`/folios/${(await get("/folios")).folios[0].id}/entries`)).entries.length,
      memories: (await get("/memories")).memories.map((memory: { content: string }) => memory.content).sort(),
      entities: (await entities(workspace))
        .map((entity) => ({
          name: entity.name,
          type: entity.type,
          aliases: entity.aliases,
          rooms: entity.metadata.rooms
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      edges: await namedEdges(workspace),
      artifacts: files
    }
  }

  it("gives back the same notes, tasks, folios, memories, entities, edges and artifacts, and exports no secret", async () => {
    const folder = path.join(scratchDir("carabase-export-"), "out")
    const exported = await cli("export", folder, "--workspace", R)
    expect(exported.stderr).toBe("")
    expect(exported.status).toBe(0)
    expect(fs.readFileSync(path.join(folder, "notes", "2026-05-01.md"), "utf8")).toMatch(
      /^## \d{2}:\d{2} [AP]M \[#outdoors\] \[Garden\]\nPlanted beans\.\n\n- \[ \] Water them\n- \[x\] Buy stakes\n$/
    )
    const all = (dir: string): Array<string> =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) => (entry.isDirectory() ? all(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    const names = all(folder).map((file) => path.relative(folder, file))
    expect(names).toEqual(
      expect.arrayContaining(["carabase-export.json", "memories.json", "graph.json", "folios/Garden.md"])
    )
    for (const file of all(folder)) {
      const content = fs.readFileSync(file, "utf8")
      expect(content).not.toContain(SECRET)
      expect(content).not.toContain(SIGNING)
    }

    const imported = await cli("import", folder, "--workspace", E)
    expect(imported.status).toBe(0)
    expect(imported.stdout).toContain("(carabase)")
    expect(imported.stdout).toContain(" 0 skipped")
    const [source, target] = [await snapshot(R), await snapshot(E)]
    expect(target).toEqual(source)
    expect(source.tasks.length).toBe(3)

    const again = await cli("import", folder, "--workspace", E)
    expect(again.stdout).toMatch(/ 0 created, 0 updated, \d+ unchanged, 0 skipped/)
    expect(await snapshot(E)).toEqual(source)
  })

  it("gives back the same workspace from an export made with --format json, and changes nothing the second time", async () => {
    const J = await createWorkspace(suite.base, "Round trip from JSON")
    const folder = path.join(scratchDir("carabase-export-json-"), "out")
    const exported = await cli("export", folder, "--workspace", R, "--format", "json")
    expect(exported.status).toBe(0)
    const note = JSON.parse(fs.readFileSync(path.join(folder, "notes", "2026-05-01.json"), "utf8"))
    expect(note.date).toBe("2026-05-01")
    const imported = await cli("import", folder, "--workspace", J)
    expect(imported.status).toBe(0)
    expect(imported.stdout).toContain(" 0 skipped")
    const source = await snapshot(R)
    expect(await snapshot(J)).toEqual(source)
    const again = await cli("import", folder, "--workspace", J)
    expect(again.stdout).toMatch(/ 0 created, 0 updated, \d+ unchanged, 0 skipped/)
    expect(await snapshot(J)).toEqual(source)
  })

  it("streams the export as a zip from GET /export", async () => {
    const response = await fetch(`${suite.base}/api/v1/export`, { headers: { "x-workspace-id": R } })
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/zip")
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="carabase-export-/)
    const bytes = Buffer.from(await response.arrayBuffer())
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
    expect(bytes.includes(Buffer.from(SECRET))).toBe(false)
  })
})
