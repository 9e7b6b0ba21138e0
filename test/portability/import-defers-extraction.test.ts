// Entity extraction waits for an import to end instead of working through its files while they are written (the two
// competed for the host's CPU and the graph's lock, which made a large import several times slower): no
// entity-extraction run of the workspace starts while the import runs, and once it has ended everything it queued is
// extracted. Another workspace's extraction is not held back meanwhile.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import type pg from "pg"
import { connect } from "../support/database"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"
import { postZip, waitForImport, zipVault, type Vault } from "./vaults"

const suite = hostSuite("import_defers_extraction")
let owner: pg.Client

beforeAll(async () => {
  owner = await connect(suite.db.ownerUrl)
  // The suite drops its database when it ends, which ends this session too.
  owner.on("error", () => {})
  return () => owner.end()
})

/** 1,200 pages linking each other, several batches' worth: seconds of work, longer than the extraction poll (2 s). */
const vault = (): Vault => {
  const files: Vault = {}
  for (let i = 0; i < 1200; i++) {
    files[`Pages/Topic ${i}.md`] = `Notes on [[Topic ${(i + 1) % 1200}]] with [[Ada Lovelace]] and #research ${i}\n`
  }
  return files
}

const waitUntil = async (what: string, check: () => Promise<boolean>, timeoutMs = 120_000) => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not ${what} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

const queued = async (workspace: string) =>
  Number(
    (await owner.query("select count(*)::int as n from extraction_queue where workspace_id = $1", [workspace])).rows[0]
      .n
  )

describe("an import and entity extraction", () => {
  it("holds the workspace's extraction back until the import ends, then extracts all it queued", async () => {
    const A = await createWorkspace(suite.base, "Deferred A")
    const B = await createWorkspace(suite.base, "Busy B")
    const started = await postZip(suite.base, A, await zipVault(vault(), "Big Vault"))
    expect(started.status).toBe(202)
    // Meanwhile a note in another workspace is extracted as usual.
    await call(suite.base, "POST", "/daily-notes/inject", {
      workspace: B,
      body: { type: "logCard", content: "Lunch with [[Grace Hopper]]", date: "2026-03-14" }
    })
    await waitUntil("extracted in B", async () => (await queued(B)) === 0)
    const run = await waitForImport(suite.base, A, started.body.import.id, 300_000)
    expect(run.import.status).toBe("done")
    expect(run.import.counts.created).toBe(1200)

    const times = (
      await owner.query("select started_at, finished_at from imports where id = $1", [started.body.import.id])
    ).rows[0] as { started_at: Date; finished_at: Date }
    const during = await owner.query(
      `select count(*)::int as n from job_runs
        where workspace_id = $1 and name = 'entity-extraction' and started_at between $2 and $3`,
      [A, times.started_at, times.finished_at]
    )
    expect(during.rows[0].n).toBe(0)

    // Then the queue drains: every page's source is extracted and the linked names are entities with mentions.
    await waitUntil("extracted in A", async () => (await queued(A)) === 0)
    const runs = (await call(suite.base, "GET", "/extraction-runs", { workspace: A })).body.runs as Array<{
      sources: number
    }>
    expect(runs.reduce((sum, each) => sum + each.sources, 0)).toBeGreaterThanOrEqual(1200)
    const entity = (await call(suite.base, "GET", "/entities?search=Ada%20Lovelace", { workspace: A })).body
      .entities as Array<{
      id: string
      name: string
    }>
    const ada = entity.find((each) => each.name === "Ada Lovelace")
    expect(ada).toBeDefined()
    const mentions = (await call(suite.base, "GET", `/entities/${ada!.id}/mentions`, { workspace: A })).body
    expect(mentions.mentions.length).toBeGreaterThan(0)
  }, 600_000)
})
