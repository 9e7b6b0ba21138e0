// Job history retention on a real database: a job that runs all day (entity extraction) is pruned to its last 30 days
// in batches, a sparse job keeps its newest 100 runs however old, failures outlive successes, a run still running and
// another workspace's history are never touched.
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import * as JobRuns from "../../src/jobs/JobRuns"
import * as Db from "../../src/platform/Db"
import { HostEnv } from "../../src/platform/HostEnv"
import * as RlsScope from "../../src/platform/RlsScope"
import type { WorkspaceId } from "../../src/platform/CurrentWorkspace"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { seedJobRuns } from "../support/jobRuns"

const A = crypto.randomUUID() as WorkspaceId
const B = crypto.randomUUID() as WorkspaceId
const { batch, keepDays, keepFailedDays, keepLast } = JobRuns.Retention

let db: TestDatabase
let owner: Awaited<ReturnType<typeof connect>>

const seed = (workspace: string, name: string, count: number, status: string, age: string) =>
  seedJobRuns(owner, { workspace, name, count, status, age })

/** How many runs of `name` in `workspace` match `where` (SQL over job_runs). */
const count = async (workspace: string, name: string, where = "true") =>
  Number(
    (
      await owner.query<{ n: string }>(
        `select count(*) as n from job_runs where workspace_id = $1 and name = $2 and (${where})`,
        [workspace, name]
      )
    ).rows[0]!.n
  )

const prune = (workspace: WorkspaceId, name: string) =>
  Effect.runPromise(
    Effect.flatMap(JobRuns.JobRuns, (runs) => runs.prune(workspace, name)).pipe(
      Effect.provide(
        JobRuns.layer.pipe(
          Layer.provideMerge(RlsScope.layer),
          Layer.provideMerge(Layer.mergeAll(Db.appLayer, Db.ownerLayer)),
          Layer.provide(Layer.succeed(HostEnv, { name: "dev", file: null, fileLabel: ".env.dev" }))
        )
      ),
      Effect.scoped,
      Effect.withConfigProvider(
        ConfigProvider.fromMap(
          new Map([
            ["DATABASE_URL", db.ownerUrl],
            ["APP_DATABASE_URL", db.appUrl]
          ])
        )
      )
    )
  )

/** Prunes until nothing is left to prune; answers each batch's size. */
const pruneAll = async (workspace: WorkspaceId, name: string) => {
  const batches: Array<number> = []
  for (let deleted = await prune(workspace, name); deleted > 0; deleted = await prune(workspace, name)) {
    batches.push(deleted)
  }
  return batches
}

beforeAll(async () => {
  db = await createDatabase("job_history")
  owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
  // Entity extraction every 30 minutes for 62 days (3000 runs, offset 15 minutes from any day boundary): 1440 of them
  // within the last 30 days.
  await seed(A, "entity-extraction", 3000, "succeeded", "i * interval '30 minutes' + interval '15 minutes'")
  await seed(A, "entity-extraction", 1, "failed", "interval '40 days'")
  await seed(A, "entity-extraction", 1, "dead", "interval '80 days'")
  await seed(A, "entity-extraction", 1, "failed", "interval '100 days'")
  await seed(A, "entity-extraction", 1, "running", "interval '50 days'")
  // A nightly job that ran only a few times, some of them long ago.
  await seed(A, "memory-distill", 5, "succeeded", "(i + 1) * interval '1 day'")
  await seed(A, "memory-distill", 3, "succeeded", "(i + 200) * interval '1 day'")
  // A job that ran once a day long ago: 150 runs, all older than the window.
  await seed(A, "github-sync", 150, "succeeded", "(i + 40) * interval '1 day'")
  // Another workspace's old extraction runs.
  await seed(B, "entity-extraction", 700, "succeeded", "(i + 60) * interval '1 hour' + interval '60 days'")
})
afterAll(async () => {
  await owner?.end()
  await db?.drop()
})

describe("job history retention", () => {
  it("the retention promised in the README: the last 100 runs, 30 days, failures 90 days, batches of 500", () => {
    expect({ keepLast, keepDays, keepFailedDays, batch }).toEqual({
      keepLast: 100,
      keepDays: 30,
      keepFailedDays: 90,
      batch: 500
    })
  })

  it("prunes a busy job to its last 30 days, a batch at a time, keeping failures younger than 90 days and a running run", async () => {
    const batches = await pruneAll(A, "entity-extraction")
    // 1560 successes older than 30 days and the failure older than 90 days; never more than one batch at a time.
    expect(batches).toEqual([500, 500, 500, 61])
    expect(await count(A, "entity-extraction", "status = 'succeeded'")).toBe(1440)
    expect(
      await count(A, "entity-extraction", `status = 'succeeded' and started_at < now() - interval '${keepDays} days'`)
    ).toBe(0)
    const kept = await owner.query<{ status: string; days: number }>(
      `select status, round(extract(epoch from now() - started_at) / 86400)::int as days from job_runs
       where workspace_id = $1 and name = 'entity-extraction' and status <> 'succeeded' order by started_at desc`,
      [A]
    )
    expect(kept.rows).toEqual([
      { status: "failed", days: 40 },
      { status: "running", days: 50 },
      { status: "dead", days: 80 }
    ])
  })

  it("keeps a sparse job's newest 100 runs however old they are, and all of a job with fewer", async () => {
    expect(await pruneAll(A, "github-sync")).toEqual([50])
    const left = await owner.query<{ newest: number; oldest: number; n: number }>(
      `select count(*)::int as n,
              round(min(extract(epoch from now() - started_at)) / 86400)::int as newest,
              round(max(extract(epoch from now() - started_at)) / 86400)::int as oldest
       from job_runs where workspace_id = $1 and name = 'github-sync'`,
      [A]
    )
    expect(left.rows[0]).toEqual({ n: keepLast, newest: 40, oldest: 139 })
    expect(await pruneAll(A, "memory-distill")).toEqual([])
    expect(await count(A, "memory-distill")).toBe(8)
  })

  it("prunes one workspace's history only", async () => {
    expect(await count(B, "entity-extraction")).toBe(700)
    // B's 700 runs are all older than 30 days: its newest 100 stay.
    expect(await pruneAll(B, "entity-extraction")).toEqual([500, 100])
    expect(await count(B, "entity-extraction")).toBe(keepLast)
    expect(await count(A, "entity-extraction")).toBe(1443)
  })
})
