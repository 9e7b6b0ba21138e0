// Importing an Obsidian vault through POST /imports: daily notes become log cards (times from a leading hh:mm) with
// their tasks listed by the tasks API, pages become searchable artifacts with an entity carrying their aliases, links
// become `mentions` edges with the file and line, attachments become artifacts; a second import of the same vault
// changes nothing, a changed one updates only what changed, a dry run writes nothing, and the run is announced live.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite, openEvents } from "../support/hostSuite"
import { importZip, obsidianVault, postZip, waitForImport, zipVault } from "./vaults"

const suite = hostSuite("import_obsidian")
let A: string
let B: string

beforeAll(async () => {
  A = await createWorkspace(suite.base, "Obsidian A")
  B = await createWorkspace(suite.base, "Obsidian B")
})

const noteText = async (workspace: string, date: string) =>
  (await call(suite.base, "GET", `/daily-notes/${date}/text`, { workspace })).body.text as string

const entityNamed = async (workspace: string, name: string) => {
  const found = (await call(suite.base, "GET", `/entities?search=${encodeURIComponent(name)}`, { workspace })).body
    .entities as Array<{ id: string; name: string; aliases: Array<string>; metadata: Record<string, unknown> }>
  return found.find((entity) => entity.name === name)
}

const artifactNames = async (workspace: string) =>
  (
    (await call(suite.base, "GET", "/artifacts?limit=200", { workspace })).body.artifacts as Array<{
      filename: string
    }>
  )
    .map((artifact) => artifact.filename)
    .sort()

describe("importing an Obsidian vault", () => {
  it("recognises the vault, imports every file but hidden ones, and reports each", async () => {
    const events = await openEvents(suite.base, A)
    const run = await importZip(suite.base, A, await zipVault(obsidianVault(), "My Vault"))
    expect(run.import).toMatchObject({
      format: "obsidian",
      status: "done",
      total: 7,
      done: 7,
      counts: { created: 7, updated: 0, unchanged: 0, skipped: 0 },
      error: null
    })
    await events.until(/"type":"import"/)
    events.close()
    const report = await call(suite.base, "GET", `/imports/${run.import.id}/files`, { workspace: A })
    expect(report.body.total).toBe(7)
    expect(report.body.files.map((file: { path: string }) => file.path)).not.toContain(".trash/old.md")
    expect(report.body.files).toContainEqual({
      path: "Journal/2026-03-14.md",
      outcome: "created",
      kind: "daily note",
      reason: null
    })
  })

  it("turns a daily note into log cards with times, tags and task items the tasks API lists", async () => {
    const text = await noteText(A, "2026-03-14")
    expect(text).toContain("## 09:30 AM [#daily] [#engine]\nStandup with [[Ada Lovelace]] about the #engine")
    expect(text).toContain("## 02:05 PM [#daily]\n## Review\n\nWent through [[Analytical Engine|the engine]] plans.")
    const tasks = (await call(suite.base, "GET", "/tasks?date_from=2026-03-14&date_to=2026-03-15", { workspace: A }))
      .body.tasks as Array<{ text: string; checked: boolean; date: string; tags: Array<string> }>
    expect(tasks.map((task) => [task.date, task.text, task.checked])).toEqual([
      ["2026-03-15", "Water the plants #home", false],
      ["2026-03-14", "Send the notes to Charles", false],
      ["2026-03-14", "Book the room", true]
    ])
    expect(tasks[0]!.tags).toContain("home")
  })

  it("makes pages searchable artifacts and attachments artifacts with their bytes", async () => {
    expect(await artifactNames(A)).toEqual(
      ["Ada Lovelace.md", "Analytical Engine.md", "Ünïcödé ✨ page (draft) #1.md", "diagram.png", "notes.pdf"].sort()
    )
    const hits = await call(suite.base, "POST", "/harvest/search", { workspace: A, body: { query: "Mathematician" } })
    expect(hits.body.results.map((hit: { title: string }) => hit.title)).toContain("Ada Lovelace.md")
  })

  it("gives a page an entity with its frontmatter aliases, and links become mentions edges with file and line", async () => {
    const ada = await entityNamed(A, "Ada Lovelace")
    expect(ada?.aliases).toEqual(["Ada", "Countess of Lovelace"])
    expect(ada?.metadata).toMatchObject({ source: "import", path: "People/Ada Lovelace.md", tags: ["person"] })
    expect((ada?.metadata.attachments as Array<string>).length).toBe(1)
    const byAlias = (await call(suite.base, "GET", "/entities?search=Countess", { workspace: A })).body.entities
    expect(byAlias.map((entity: { name: string }) => entity.name)).toContain("Ada Lovelace")
    const engine = await entityNamed(A, "Analytical Engine")
    const edges = (await call(suite.base, "GET", "/edges", { workspace: A })).body.edges as Array<{
      sourceId: string
      targetId: string
      type: string
      sourceKind: string
      provenance: Record<string, unknown>
    }>
    expect(edges).toContainEqual(
      expect.objectContaining({
        sourceId: ada!.id,
        targetId: engine!.id,
        type: "mentions",
        sourceKind: "extracted",
        provenance: { source: "import", file: "People/Ada Lovelace.md", line: 7 }
      })
    )
    expect(await entityNamed(A, "Charles Babbage")).toBeDefined()
    expect(await entityNamed(A, "Ünïcödé ✨ page (draft) #1")).toBeDefined()
  })

  it("changes nothing when the same vault is imported again", async () => {
    const before = { note: await noteText(A, "2026-03-14"), artifacts: await artifactNames(A) }
    // The import's own links, by id: entity extraction runs in the background after the first import and may add
    // co-mention edges of its own at any time, which are not the import's to change.
    const importEdges = async () =>
      (
        (await call(suite.base, "GET", "/edges", { workspace: A })).body.edges as Array<{
          id: string
          provenance: { source?: unknown } | null
        }>
      )
        .filter((edge) => edge.provenance?.source === "import")
        .map((edge) => edge.id)
        .sort()
    const edges = await importEdges()
    expect(edges.length).toBeGreaterThan(0)
    const run = await importZip(suite.base, A, await zipVault(obsidianVault(), "My Vault"))
    expect(run.import.counts).toEqual({ created: 0, updated: 0, unchanged: 7, skipped: 0 })
    expect(await noteText(A, "2026-03-14")).toBe(before.note)
    expect(await artifactNames(A)).toEqual(before.artifacts)
    expect(await importEdges()).toEqual(edges)
  })

  it("updates what changed and adds what is new, leaving the rest and entries written by hand alone", async () => {
    await call(suite.base, "POST", "/daily-notes/inject", {
      workspace: A,
      body: { type: "logCard", content: "Written by hand", date: "2026-03-15" }
    })
    const vault = {
      ...obsidianVault(),
      "Journal/2026-03-15.md": "07:00 Early start\n- [x] Water the plants #home\n",
      "Projects/Difference Engine.md": "An earlier engine.\n"
    }
    const run = await importZip(suite.base, A, await zipVault(vault, "My Vault"))
    expect(run.import.counts).toEqual({ created: 1, updated: 1, unchanged: 6, skipped: 0 })
    const text = await noteText(A, "2026-03-15")
    expect(text).toContain("Written by hand")
    expect(text).toContain("## 07:00 AM [#home]\nEarly start\n\n- [x] Water the plants #home")
    expect(text).not.toContain("A quiet day")
    expect(await artifactNames(A)).toContain("Difference Engine.md")
  })

  it("removes the links a changed file no longer has, and moves the ones that moved to their new line", async () => {
    const C = await createWorkspace(suite.base, "Obsidian C")
    const edgesFrom = async (name: string) => {
      const source = await entityNamed(C, name)
      const all = (await call(suite.base, "GET", "/edges", { workspace: C })).body.edges as Array<{
        sourceId: string
        targetId: string
        provenance: Record<string, unknown>
      }>
      const names = new Map(
        (
          (await call(suite.base, "GET", "/entities?limit=100", { workspace: C })).body.entities as Array<{
            id: string
            name: string
          }>
        ).map((entity) => [entity.id, entity.name])
      )
      return all
        .filter((edge) => edge.sourceId === source!.id)
        .map((edge) => [names.get(edge.targetId), edge.provenance.line])
        .sort()
    }
    const first = {
      "Maps.md": "Drawn by [[Mercator]].\nSee [[Ortelius]] too.\n",
      "Atlas.md": "Also [[Mercator]].\n"
    }
    expect((await importZip(suite.base, C, await zipVault(first))).import.counts.created).toBe(2)
    expect(await edgesFrom("Maps")).toEqual([
      ["Mercator", 1],
      ["Ortelius", 2]
    ])
    const changed = { ...first, "Maps.md": "Redrawn.\nNow only [[Ortelius]].\n" }
    const run = await importZip(suite.base, C, await zipVault(changed))
    expect(run.import.counts).toEqual({ created: 0, updated: 1, unchanged: 1, skipped: 0 })
    expect(await edgesFrom("Maps")).toEqual([["Ortelius", 2]])
    // Another file's link to the same page is its own, and stays.
    expect(await edgesFrom("Atlas")).toEqual([["Mercator", 1]])
    const moved = { ...first, "Maps.md": "Moved.\n\n\n[[Ortelius]] now on line four.\n" }
    await importZip(suite.base, C, await zipVault(moved))
    expect(await edgesFrom("Maps")).toEqual([["Ortelius", 4]])
  })

  it("reports a dry run's outcome and writes nothing", async () => {
    const vault = { ...obsidianVault(), "Projects/Jacquard Loom.md": "Punched cards.\n" }
    const run = await importZip(suite.base, A, await zipVault(vault, "My Vault"), "?dryRun=true")
    expect(run.import).toMatchObject({ dryRun: true, status: "done" })
    expect(run.import.counts.created).toBe(1)
    expect(await artifactNames(A)).not.toContain("Jacquard Loom.md")
    expect(await entityNamed(A, "Jacquard Loom")).toBeUndefined()
  })

  it("makes each page's folder a folio when asked, with the page committed to it", async () => {
    const run = await importZip(suite.base, B, await zipVault(obsidianVault()), "?folios=folders")
    expect(run.import.counts.created).toBe(7)
    const folios = (await call(suite.base, "GET", "/folios", { workspace: B })).body.folios as Array<{
      id: string
      name: string
    }>
    expect(folios.map((folio) => folio.name).sort()).toEqual(["Odd names", "People", "Projects"])
    const people = folios.find((folio) => folio.name === "People")!
    const detail = (await call(suite.base, "GET", `/folios/${people.id}`, { workspace: B })).body.folio
    expect(detail.commits.map((commit: { message: string }) => commit.message)).toEqual([
      "Imported People/Ada Lovelace.md"
    ])
  })

  it("keeps each workspace's imports to itself", async () => {
    const started = await postZip(suite.base, A, await zipVault({ "x.md": "x" }))
    await waitForImport(suite.base, A, started.body.import.id)
    expect((await call(suite.base, "GET", `/imports/${started.body.import.id}`, { workspace: B })).status).toBe(404)
    const listed = (await call(suite.base, "GET", "/imports", { workspace: B })).body.imports as Array<{ id: string }>
    expect(listed.map((run) => run.id)).not.toContain(started.body.import.id)
  })
})
