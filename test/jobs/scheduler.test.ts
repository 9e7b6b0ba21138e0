// The scheduler on a real database with real pg-boss: per-workspace runs inside RLS, single flight, retry then
// dead letter, a missed night at boot, and a bounded drain at shutdown.
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import PgBoss from "pg-boss"
import { JobBodies, JobError, type JobBody } from "../../src/jobs/JobBody"
import type { JobName } from "../../src/jobs/JobCatalog"
import * as JobRuns from "../../src/jobs/JobRuns"
import * as Scheduler from "../../src/jobs/Scheduler"
import * as Db from "../../src/platform/Db"
import { HostEnv } from "../../src/platform/HostEnv"
import * as RlsScope from "../../src/platform/RlsScope"
import { CurrentWorkspace } from "../../src/platform/CurrentWorkspace"
import * as Workspaces from "../../src/workspaces/Workspaces"
import { connect, createDatabase, type TestDatabase } from "../support/database"

const databases: Array<TestDatabase> = []
afterAll(() => Promise.all(databases.map((db) => db.drop())))

const A = crypto.randomUUID()
const B = crypto.randomUUID()

/** A fresh database with workspaces A (2 memories) and B (1 memory). */
const seeded = async (label: string) => {
  const db = await createDatabase(label)
  databases.push(db)
  const owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
  await owner.query("insert into memories (workspace_id, content) values ($1, 'a1'), ($1, 'a2'), ($2, 'b1')", [A, B])
  await owner.end()
  return db
}

const schedulerWith = (bodies: ReadonlyMap<JobName, JobBody>) =>
  Scheduler.layer.pipe(
    Layer.provideMerge(JobRuns.layer),
    Layer.provide(Layer.succeed(JobBodies, bodies)),
    Layer.provideMerge(Workspaces.layer),
    Layer.provideMerge(RlsScope.layer),
    Layer.provideMerge(Layer.mergeAll(Db.appLayer, Db.ownerLayer)),
    Layer.provide(Layer.succeed(HostEnv, { name: "dev", file: null, fileLabel: ".env.dev" }))
  )

const config = (db: TestDatabase) =>
  ConfigProvider.fromMap(
    new Map([
      ["DATABASE_URL", db.ownerUrl],
      ["APP_DATABASE_URL", db.appUrl],
      ["CARABASE_TIMEZONE", "Europe/Berlin"],
      ["CARABASE_JOB_RETRY_LIMIT", "1"],
      ["CARABASE_JOB_RETRY_DELAY_SECONDS", "1"]
    ])
  )

const run = <A, E>(db: TestDatabase, bodies: ReadonlyMap<JobName, JobBody>, effect: Effect.Effect<A, E, any>) =>
  Effect.runPromise(
    (effect as Effect.Effect<A, E, never>).pipe(
      Effect.provide(schedulerWith(bodies)),
      Effect.scoped,
      Effect.withConfigProvider(config(db))
    )
  )

const waitFor = (check: Effect.Effect<boolean, never, any>, timeoutMs = 30_000) =>
  Effect.gen(function* () {
    const started = Date.now()
    while (!(yield* check)) {
      if (Date.now() - started > timeoutMs) return yield* Effect.dieMessage("condition not met in time")
      yield* Effect.sleep("100 millis")
    }
  })

const runsOf = (db: TestDatabase, workspace: string) =>
  Effect.promise(async () => {
    const owner = await connect(db.ownerUrl)
    await owner.query("begin")
    await owner.query("set local role carabase_app")
    await owner.query("select set_config('app.workspace_id', $1, true)", [workspace])
    const { rows } = await owner.query<{ status: string; attempt: number; error: string | null }>(
      "select status, attempt, error from job_runs order by started_at, attempt"
    )
    await owner.query("rollback")
    await owner.end()
    return rows
  })

describe("scheduler", () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await seeded("jobs")
  })

  it("runs a job once per workspace, each as its own workspace, and records each run", async () => {
    const seen: Array<{ workspace: string; memories: number }> = []
    const bodies = new Map<JobName, JobBody>([
      [
        "corpus-curation",
        {
          scope: "workspace",
          run: Effect.gen(function* () {
            const sql = yield* Db.AppDb
            const rls = yield* RlsScope.RlsScope
            const workspace = yield* CurrentWorkspace
            const rows = yield* rls.current(sql<{ n: number }>`select count(*)::int as n from memories`)
            seen.push({ workspace, memories: rows[0]!.n })
            return { status: "succeeded" as const }
          }).pipe(Effect.orDie) as never
        }
      ]
    ])
    await run(
      db,
      bodies,
      Effect.gen(function* () {
        const scheduler = yield* Scheduler.Scheduler
        yield* scheduler.trigger("corpus-curation")
        yield* waitFor(Effect.sync(() => seen.length === 2))
        yield* waitFor(Effect.map(runsOf(db, B), (rows) => rows.length === 1 && rows[0]!.status === "succeeded"))
      })
    )
    expect(seen.sort((x, y) => x.workspace.localeCompare(y.workspace))).toEqual(
      [
        { workspace: A, memories: 2 },
        { workspace: B, memories: 1 }
      ].sort((x, y) => x.workspace.localeCompare(y.workspace))
    )
    expect(await Effect.runPromise(runsOf(db, A))).toMatchObject([{ status: "succeeded", attempt: 1 }])
  })

  it("records a workspace job every workspace skipped as skipped on its schedule, like its runs", async () => {
    const bodies = new Map<JobName, JobBody>([
      ["memory-distill", { scope: "workspace", run: Effect.succeed({ status: "skipped" as const, reason: "nothing" }) }]
    ])
    const schedule = await run(
      db,
      bodies,
      Effect.gen(function* () {
        const scheduler = yield* Scheduler.Scheduler
        yield* scheduler.trigger("memory-distill")
        const lastRun = Effect.map(
          scheduler.schedules,
          (all) => all.find((schedule) => schedule.name === "memory-distill")?.lastRun
        )
        yield* waitFor(Effect.map(lastRun, (last) => last?.finishedAt !== null && last?.finishedAt !== undefined))
        return yield* lastRun
      })
    )
    expect(schedule).toMatchObject({ status: "skipped", error: "nothing" })
    expect(await Effect.runPromise(runsOf(db, A))).toContainEqual(expect.objectContaining({ status: "skipped" }))
  })

  it("never runs a job twice at once, however often it is triggered", async () => {
    let active = 0
    let most = 0
    let runs = 0
    const bodies = new Map<JobName, JobBody>([
      [
        "dream-cycle",
        {
          scope: "host",
          run: Effect.gen(function* () {
            active++
            runs++
            most = Math.max(most, active)
            yield* Effect.sleep("1200 millis")
            active--
            return { status: "succeeded" as const }
          })
        }
      ]
    ])
    await run(
      db,
      bodies,
      Effect.gen(function* () {
        const scheduler = yield* Scheduler.Scheduler
        yield* Effect.all([scheduler.trigger("dream-cycle"), scheduler.trigger("dream-cycle")], { concurrency: 2 })
        yield* waitFor(Effect.sync(() => runs >= 1))
        yield* Effect.all([scheduler.trigger("dream-cycle"), scheduler.trigger("dream-cycle")], { concurrency: 2 })
        yield* Effect.sleep("4 seconds")
      })
    )
    expect(most).toBe(1)
    expect(runs).toBeGreaterThanOrEqual(1)
    expect(runs).toBeLessThanOrEqual(2)
  })

  it("retries a failing job with backoff, then dead-letters it and says so in the runs", async () => {
    const fresh = await seeded("jobs_dead")
    const bodies = new Map<JobName, JobBody>([
      ["folio-synthesis", { scope: "workspace", run: Effect.fail(new JobError({ message: "the gateway said no" })) }]
    ])
    await run(
      fresh,
      bodies,
      Effect.gen(function* () {
        const scheduler = yield* Scheduler.Scheduler
        yield* scheduler.trigger("folio-synthesis")
        yield* waitFor(
          Effect.map(runsOf(fresh, A), (rows) => rows.some((row) => row.status === "dead")),
          30_000
        )
      })
    )
    const rows = await Effect.runPromise(runsOf(fresh, A))
    expect(rows).toEqual([
      { status: "failed", attempt: 1, error: "the gateway said no" },
      { status: "dead", attempt: 2, error: "the gateway said no" }
    ])
    const owner = await connect(fresh.ownerUrl)
    const dead = await owner.query("select count(*)::int as n from pgboss.job where name = 'folio-synthesis.dead'")
    const state = await owner.query("select last_status from schedule_state where name = 'folio-synthesis'")
    await owner.end()
    expect(dead.rows[0].n).toBe(1)
    expect(state.rows[0].last_status).toBe("dead")
  }, 60_000)

  it("runs a schedule missed while the host was down once at boot", async () => {
    const fresh = await seeded("jobs_overdue")
    const owner = await connect(fresh.ownerUrl)
    await owner.query(
      "insert into schedule_state (name, cron, last_enqueued_at) values ('corpus-curation', '0 5 * * *', now() - interval '3 days')"
    )
    await owner.end()
    let runs = 0
    const bodies = new Map<JobName, JobBody>([
      [
        "corpus-curation",
        {
          scope: "host",
          run: Effect.sync(() => {
            runs++
            return { status: "succeeded" as const }
          })
        }
      ],
      [
        "memory-distill",
        {
          scope: "host",
          run: Effect.sync(() => {
            runs += 100
            return { status: "succeeded" as const }
          })
        }
      ]
    ])
    await run(
      fresh,
      bodies,
      Effect.gen(function* () {
        yield* waitFor(Effect.sync(() => runs >= 1))
        yield* Effect.sleep("1500 millis")
      })
    )
    // corpus-curation was overdue; memory-distill had never been scheduled here, so nothing of it was missed.
    expect(runs).toBe(1)
  })

  it("waits for a running job at shutdown", async () => {
    let finished = false
    const bodies = new Map<JobName, JobBody>([
      [
        "github-sync",
        {
          scope: "host",
          run: Effect.sleep("1500 millis").pipe(
            Effect.map(() => {
              finished = true
              return { status: "succeeded" as const }
            })
          )
        }
      ]
    ])
    let started = false
    await run(
      db,
      new Map([
        ...bodies,
        [
          "backup",
          {
            scope: "host" as const,
            run: Effect.sync(() => {
              started = true
              return { status: "succeeded" as const }
            })
          }
        ]
      ]),
      Effect.gen(function* () {
        const scheduler = yield* Scheduler.Scheduler
        yield* scheduler.trigger("github-sync")
        yield* Effect.sleep("1200 millis")
      })
    )
    expect(finished).toBe(true)
    expect(started).toBe(false)
  })

  it("at boot, dead-letters a job a previous process left active on its last attempt, and ends its orphaned runs", async () => {
    const fresh = await seeded("jobs_cut_off")
    const quick = new Map<JobName, JobBody>([
      ["memory-distill", { scope: "host", run: Effect.succeed({ status: "succeeded" as const }) }]
    ])
    // A first boot creates the queues; then a job is taken as a dead process would have left it: active, no worker.
    await run(fresh, quick, Effect.void)
    const boss = new PgBoss({ connectionString: fresh.ownerUrl, schema: "pgboss", schedule: false, supervise: false })
    await boss.start()
    const jobId = (await boss.send("memory-distill", {}, { retryLimit: 0 }))!
    expect((await boss.fetch("memory-distill"))?.map((job) => job.id)).toEqual([jobId])
    await boss.stop({ graceful: false, wait: true })
    const owner = await connect(fresh.ownerUrl)
    await owner.query(
      "insert into job_runs (workspace_id, name, status, job_id, attempt) values ($1, 'memory-distill', 'running', $2, 1), ($3, 'backup', 'running', 'gone', 1)",
      [A, jobId, B]
    )

    await run(fresh, quick, Effect.sleep("500 millis"))

    const job = await owner.query("select state::text, output from pgboss.job where id = $1", [jobId])
    const dead = await owner.query("select count(*)::int as n from pgboss.job where name = 'memory-distill.dead'")
    const state = await owner.query("select last_status, last_error from schedule_state where name = 'memory-distill'")
    await owner.end()
    expect(job.rows[0].state).toBe("failed")
    expect(job.rows[0].output.message).toMatch(/host stopped while this run was in progress/)
    expect(dead.rows[0].n).toBe(1)
    expect(state.rows[0]).toMatchObject({ last_status: "dead", last_error: expect.stringMatching(/host stopped/) })
    expect(await Effect.runPromise(runsOf(fresh, A))).toEqual([
      { status: "dead", attempt: 1, error: expect.stringMatching(/host stopped while this run was in progress/) }
    ])
    expect(await Effect.runPromise(runsOf(fresh, B))).toEqual([
      { status: "failed", attempt: 1, error: expect.stringMatching(/host stopped while this run was in progress/) }
    ])
  })
})
