// GET /api/v1/jobs and POST /api/v1/jobs/:name/run on a running host.
import { HttpClient } from "@effect/platform"
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as TestHost from "../support/TestHost"

interface Jobs {
  readonly schedules: Array<{ name: string; cron: string; timezone: string; nextRunAt: string | null }>
  readonly runs: Array<{ id: string; name: string; status: string; error: string | null }>
}

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
