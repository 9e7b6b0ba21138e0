// The nightly purge: entries deleted more than 30 days before the given time go, younger ones stay, and another
// workspace's entries are untouched (in-process, as carabase_app, with an explicit `now`). Then the registered
// trash-purge job end to end through POST /jobs/trash-purge/run.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, ManagedRuntime } from "effect"
import { CurrentWorkspace, type WorkspaceId } from "../../src/platform/CurrentWorkspace"
import { appLayerFor } from "../../src/platform/Db"
import * as RlsScope from "../../src/platform/RlsScope"
import * as TrashRepo from "../../src/trash/TrashRepo"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { asOwner, call, createWorkspace, hostSuite } from "../support/hostSuite"

const A = crypto.randomUUID() as WorkspaceId
const B = crypto.randomUUID() as WorkspaceId
const DAY = 24 * 3600 * 1000
const now = new Date("2026-12-06T04:45:00Z")

let db: TestDatabase
let runtime: ManagedRuntime.ManagedRuntime<TrashRepo.TrashRepo, never>

const entry = (workspace: string, label: string, deletedAt: Date) => ({
  sql: "insert into trash (workspace_id, kind, original_id, label, data, deleted_at, deleted_by) values ($1, 'memory', $2, $3, '{}', $4, 'test')",
  params: [workspace, crypto.randomUUID(), label, deletedAt]
})

beforeAll(async () => {
  db = await createDatabase("trash_purge")
  const owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
  for (const row of [
    entry(A, "31 days", new Date(now.getTime() - 31 * DAY)),
    entry(A, "30 days and a minute", new Date(now.getTime() - 30 * DAY - 60_000)),
    entry(A, "29 days", new Date(now.getTime() - 29 * DAY)),
    entry(B, "B 40 days", new Date(now.getTime() - 40 * DAY))
  ]) {
    await owner.query(row.sql, row.params)
  }
  await owner.end()
  runtime = ManagedRuntime.make(
    TrashRepo.layer.pipe(Layer.provide(RlsScope.layer), Layer.provide(appLayerFor(db.appUrl).pipe(Layer.orDie)))
  )
})

afterAll(async () => {
  await runtime?.dispose()
  await db?.drop()
})

const inWorkspace = <X>(
  workspace: WorkspaceId,
  use: (repo: TrashRepo.TrashRepoShape) => Effect.Effect<X, never, CurrentWorkspace>
) =>
  runtime.runPromise(Effect.flatMap(TrashRepo.TrashRepo, use).pipe(Effect.provideService(CurrentWorkspace, workspace)))

describe("purgeExpired", () => {
  it("purges what was deleted more than 30 days before `now`, keeps the rest, and only in its own workspace", async () => {
    expect(await inWorkspace(A, (repo) => repo.purgeExpired(now))).toBe(2)
    expect((await inWorkspace(A, (repo) => repo.list())).map((item) => item.label)).toEqual(["29 days"])
    expect((await inWorkspace(B, (repo) => repo.list())).map((item) => item.label)).toEqual(["B 40 days"])
    expect(await inWorkspace(A, (repo) => repo.purgeExpired(now))).toBe(0)
    expect(await inWorkspace(B, (repo) => repo.purgeExpired(now))).toBe(1)
  })
})

const suite = hostSuite("trash_purge_job")

describe("the trash-purge job", () => {
  it("runs for each workspace and empties what is older than 30 days", async () => {
    const workspace = await createWorkspace(suite.base, "Purged")
    await asOwner(suite.db, async (owner) => {
      for (const row of [
        entry(workspace, "old", new Date(Date.now() - 31 * DAY)),
        entry(workspace, "recent", new Date(Date.now() - DAY))
      ]) {
        await owner.query(row.sql, row.params)
      }
    })
    expect((await call(suite.base, "POST", "/jobs/trash-purge/run", { workspace })).status).toBe(202)
    for (let i = 0; i < 150; i++) {
      const runs = (await call(suite.base, "GET", "/jobs", { workspace })).body.runs as Array<{
        name: string
        status: string
      }>
      if (runs.some((run) => run.name === "trash-purge" && run.status === "succeeded")) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    const items = (await call(suite.base, "GET", "/trash", { workspace })).body.items as Array<{ label: string }>
    expect(items.map((item) => item.label)).toEqual(["recent"])
  })
})
