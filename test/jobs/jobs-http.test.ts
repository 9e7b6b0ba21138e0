// GET /api/v1/jobs, GET /api/v1/jobs/:name/runs and POST /api/v1/jobs/:name/run on a running host.
import { HttpClient } from "@effect/platform"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { asOwner } from "../support/hostSuite"
import { seedJobRuns } from "../support/jobRuns"
import * as TestHost from "../support/TestHost"

interface Run {
  readonly id: string
  readonly name: string
  readonly status: string
  readonly startedAt: string
  readonly error: string | null
}

interface Jobs {
  readonly schedules: Array<{ name: string; cron: string; timezone: string; nextRunAt: string | null }>
  readonly runs: Array<Run>
  readonly jobs: Array<{
    name: string
    queue: boolean
    lastRun: Run | null
    runsLastDay: number
    failedLastDay: number
    lastFailure: Run | null
  }>
}

const get = (path: string, workspaceId: string) =>
  Effect.flatMap(HttpClient.HttpClient, (http) =>
    http.get(`/api/v1${path}`, { headers: { "x-workspace-id": workspaceId } })
  ).pipe(Effect.flatMap((response) => Effect.map(response.json, (body) => ({ status: response.status, body }))))

/** Runs written straight into job_runs, as the scheduler records them (see seedJobRuns). */
const seedRuns = (workspace: string, name: string, count: number, status: string, age: string) =>
  Effect.flatMap(TestHost.TestHost, ({ db }) =>
    Effect.promise(() => asOwner(db, (owner) => seedJobRuns(owner, { workspace, name, count, status, age })))
  )

const workspace = TestHost.createWorkspace

const jobs = (workspaceId: string) =>
  Effect.flatMap(HttpClient.HttpClient, (http) =>
    http.get("/api/v1/jobs", { headers: { "x-workspace-id": workspaceId } })
  ).pipe(
    Effect.flatMap((response) => response.json),
    Effect.map((body) => body as Jobs)
  )

const run = (name: string, workspaceId: string) =>
  Effect.flatMap(HttpClient.HttpClient, (http) =>
    http.post(`/api/v1/jobs/${name}/run`, { headers: { "x-workspace-id": workspaceId } })
  )

it.layer(TestHost.layer("jobs_http", { CARABASE_TIMEZONE: "America/New_York" }), TestHost.layerOptions)(
  "jobs API",
  (it) => {
    it.effect("lists every schedule with its cron and next run in the owner's time zone", () =>
      Effect.gen(function* () {
        const { schedules } = yield* jobs(yield* workspace("Jobs list"))
        expect(schedules.map((schedule) => [schedule.name, schedule.cron])).toEqual([
          ["github-sync", "0 * * * *"],
          ["google-calendar-sync", "0 */2 * * *"],
          ["gmail-sync", "*/30 * * * *"],
          ["backup", "30 1 * * *"],
          ["memory-distill", "0 2 * * *"],
          ["folio-synthesis", "0 3 * * *"],
          ["dream-cycle", "30 3 * * *"],
          ["corpus-curation", "0 5 * * *"],
          ["trash-purge", "45 4 * * *"],
          ["note-revisions", "30 5 * * *"]
        ])
        const distill = schedules.find((schedule) => schedule.name === "memory-distill")!
        expect(distill.timezone).toBe("America/New_York")
        const next = new Date(distill.nextRunAt!)
        const localHour = Number(
          new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "2-digit", hourCycle: "h23" }).format(
            next
          )
        )
        expect(localHour).toBe(2)
      })
    )

    it.effect("POST /jobs/:name/run answers 202 and the run shows up in this workspace's runs only", () =>
      Effect.gen(function* () {
        const mine = yield* workspace("Runner")
        const other = yield* workspace("Bystander")
        const response = yield* run("github-sync", mine)
        expect(response.status).toBe(202)
        expect(yield* response.json).toEqual({ queued: true, name: "github-sync", scope: "workspace" })
        let runs: Jobs["runs"] = []
        for (let i = 0; i < 100 && runs.length === 0; i++) {
          runs = (yield* jobs(mine)).runs.filter((run) => run.name === "github-sync" && run.status !== "running")
          if (runs.length === 0) yield* Effect.sleep("200 millis")
        }
        expect(runs[0]).toMatchObject({ name: "github-sync", status: "skipped" })
        expect(runs[0]!.error).toMatch(/no GitHub connection/)
        expect((yield* jobs(other)).runs.filter((run) => run.name === "github-sync")).toEqual([])
      })
    )

    it.effect(
      "harvest (embed what has no vector yet) run from one workspace embeds and shows a run in that workspace only",
      () =>
        Effect.gen(function* () {
          const first = yield* workspace("Harvest one")
          const second = yield* workspace("Harvest two")
          const response = yield* run("harvest", first)
          expect(response.status).toBe(202)
          expect(yield* response.json).toEqual({ queued: true, name: "harvest", scope: "workspace" })
          const finished = (id: string) =>
            Effect.gen(function* () {
              for (let i = 0; i < 100; i++) {
                const runs = (yield* jobs(id)).runs.filter((run) => run.name === "harvest" && run.status !== "running")
                if (runs.length > 0) return runs[0]!
                yield* Effect.sleep("200 millis")
              }
              return yield* Effect.dieMessage("harvest did not finish")
            })
          expect(yield* finished(first)).toMatchObject({ status: "succeeded", error: null })
          expect((yield* jobs(second)).runs.filter((run) => run.name === "harvest")).toEqual([])
        })
    )

    it.effect(
      "thousands of entity-extraction runs do not hide a nightly job's run: GET /jobs lists each job's newest runs and sums each job up",
      () =>
        Effect.gen(function* () {
          const busy = yield* workspace("Busy extraction")
          const quiet = yield* workspace("Quiet")
          // A nightly run 20 hours ago, then extraction every 30 seconds for the last ~17 hours, three of them failed.
          yield* seedRuns(busy, "memory-distill", 1, "succeeded", "interval '20 hours'")
          yield* seedRuns(
            busy,
            "entity-extraction",
            2000,
            "succeeded",
            "i * interval '30 seconds' + interval '1 minute'"
          )
          yield* seedRuns(
            busy,
            "entity-extraction",
            3,
            "failed",
            "(i + 1) * interval '2 hours' + interval '10 seconds'"
          )
          const { jobs: digests, runs } = yield* jobs(busy)
          expect(runs.filter((run) => run.name === "memory-distill")).toMatchObject([{ status: "succeeded" }])
          expect(runs.filter((run) => run.name === "entity-extraction")).toHaveLength(10)
          expect(runs.map((run) => run.startedAt)).toEqual(
            runs
              .map((run) => run.startedAt)
              .sort()
              .reverse()
          )
          expect(digests.map((digest) => digest.name)).toContain("backup")
          const extraction = digests.find((digest) => digest.name === "entity-extraction")!
          expect(extraction).toMatchObject({ queue: true, runsLastDay: 2003, failedLastDay: 3 })
          expect(extraction.lastRun).toMatchObject({ status: "succeeded" })
          expect(extraction.lastFailure).toMatchObject({ status: "failed", error: "the model did not answer" })
          const distill = digests.find((digest) => digest.name === "memory-distill")!
          expect(distill).toMatchObject({ queue: false, runsLastDay: 1, failedLastDay: 0, lastFailure: null })
          expect(distill.lastRun).toMatchObject({ status: "succeeded" })
          // Another workspace sees none of it.
          const elsewhere = yield* jobs(quiet)
          expect(elsewhere.runs).toEqual([])
          expect(elsewhere.jobs.find((digest) => digest.name === "entity-extraction")).toMatchObject({
            runsLastDay: 0,
            lastRun: null
          })
        })
    )

    it.effect("GET /jobs/:name/runs pages through one job's runs, newest first, without gaps or repeats", () =>
      Effect.gen(function* () {
        const busy = yield* workspace("Paged extraction")
        yield* seedRuns(busy, "entity-extraction", 1200, "succeeded", "i * interval '30 seconds' + interval '1 minute'")
        yield* seedRuns(busy, "dream-cycle", 2, "succeeded", "(i + 1) * interval '1 day'")
        const seen: Array<Run> = []
        let before: string | null = null
        do {
          const query: string = before === null ? "?limit=500" : `?limit=500&before=${encodeURIComponent(before)}`
          const page = yield* get(`/jobs/entity-extraction/runs${query}`, busy)
          expect(page.status).toBe(200)
          const body = page.body as { name: string; runs: Array<Run>; nextBefore: string | null }
          expect(body.name).toBe("entity-extraction")
          expect(body.runs.length).toBeLessThanOrEqual(500)
          seen.push(...body.runs)
          before = body.nextBefore
        } while (before !== null)
        expect(seen).toHaveLength(1200)
        expect(new Set(seen.map((run) => run.id)).size).toBe(1200)
        expect(seen.every((run) => run.name === "entity-extraction")).toBe(true)
        expect(seen.map((run) => run.startedAt)).toEqual(
          seen
            .map((run) => run.startedAt)
            .sort()
            .reverse()
        )
        const nightly = yield* get("/jobs/dream-cycle/runs", busy)
        expect((nightly.body as { runs: Array<Run>; nextBefore: null }).runs).toHaveLength(2)
        expect((nightly.body as { nextBefore: null }).nextBefore).toBeNull()
      })
    )

    it.effect("a finished run prunes one batch of its job's old history in its workspace, keeping failures", () =>
      Effect.gen(function* () {
        const mine = yield* workspace("Long history")
        const other = yield* workspace("Other long history")
        const age = "interval '40 days' + i * interval '1 hour'"
        yield* seedRuns(mine, "trash-purge", 700, "succeeded", age)
        yield* seedRuns(mine, "trash-purge", 1, "failed", "interval '60 days'")
        yield* seedRuns(other, "trash-purge", 700, "succeeded", age)
        const { db } = yield* TestHost.TestHost
        const kept = (id: string) =>
          Effect.promise(() =>
            asOwner(db, (owner) =>
              owner.query<{ runs: number; failed: number }>(
                `select count(*)::int as runs, count(*) filter (where status = 'failed')::int as failed
                 from job_runs where workspace_id = $1 and name = 'trash-purge' and status <> 'running'`,
                [id]
              )
            )
          ).pipe(Effect.map((result) => result.rows[0]!))
        expect((yield* run("trash-purge", mine)).status).toBe(202)
        // The new run, the 99 newest old ones (the last 100 are kept) and the failure younger than 90 days stay; of the
        // 601 others one batch of 500 goes now, the rest with the next runs.
        let now = yield* kept(mine)
        for (let i = 0; i < 100 && now.runs !== 202; i++) {
          yield* Effect.sleep("200 millis")
          now = yield* kept(mine)
        }
        expect(now).toEqual({ runs: 202, failed: 1 })
        expect(yield* kept(other)).toEqual({ runs: 700, failed: 0 })
      })
    )

    it.effect("GET /jobs/:name/runs refuses a bad page with 400 naming the field, and an unknown job with 404", () =>
      Effect.gen(function* () {
        const id = yield* workspace("Bad history page")
        const zero = yield* get("/jobs/backup/runs?limit=0", id)
        expect(zero.status).toBe(400)
        expect(JSON.stringify(zero.body)).toContain("limit must be a whole number from 1 to 500")
        const date = yield* get("/jobs/backup/runs?before=yesterday", id)
        expect(date.status).toBe(400)
        expect(JSON.stringify(date.body)).toContain("before must be a date and time")
        const extra = yield* get("/jobs/backup/runs?colour=red", id)
        expect(extra.status).toBe(400)
        expect(JSON.stringify(extra.body)).toContain("colour")
        const unknown = yield* get("/jobs/make-coffee/runs", id)
        expect(unknown.status).toBe(404)
        expect(unknown.body).toMatchObject({ _tag: "UnknownJob" })
      })
    )

    it.effect("refuses an unknown job with 404 and a list of the real ones", () =>
      Effect.gen(function* () {
        const response = yield* run("make-coffee", yield* workspace("Unknown job"))
        expect(response.status).toBe(404)
        const body = (yield* response.json) as { _tag: string; message: string }
        expect(body._tag).toBe("UnknownJob")
        expect(body.message).toContain("corpus-curation")
      })
    )
  }
)
