// GET /api/v1/jobs and POST /api/v1/jobs/:name/run on a running host.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { createWorkspace, hostSuite } from "../support/hostSuite"

let base: string

const suite = hostSuite("jobs_http", { CARABASE_TIMEZONE: "America/New_York" })
beforeAll(async () => {
  base = suite.base
})

const workspace = (name: string) => createWorkspace(base, name)

const jobs = (workspaceId: string) =>
  fetch(`${base}/api/v1/jobs`, { headers: { "x-workspace-id": workspaceId } }).then(
    async (response) =>
      (await response.json()) as {
        schedules: Array<{ name: string; cron: string; timezone: string; nextRunAt: string | null }>
        runs: Array<{ id: string; name: string; status: string; error: string | null }>
      }
  )

describe("jobs API", () => {
  it("lists every schedule with its cron and next run in the owner's time zone", async () => {
    const { schedules } = await jobs(await workspace("Jobs list"))
    expect(schedules.map((schedule) => [schedule.name, schedule.cron])).toEqual([
      ["github-sync", "0 * * * *"],
      ["backup", "30 1 * * *"],
      ["memory-distill", "0 2 * * *"],
      ["folio-synthesis", "0 3 * * *"],
      ["dream-cycle", "30 3 * * *"],
      ["corpus-curation", "0 5 * * *"]
    ])
    const distill = schedules.find((schedule) => schedule.name === "memory-distill")!
    expect(distill.timezone).toBe("America/New_York")
    const next = new Date(distill.nextRunAt!)
    const localHour = Number(
      new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "2-digit", hourCycle: "h23" }).format(next)
    )
    expect(localHour).toBe(2)
  })

  it("POST /jobs/:name/run answers 202 and the run shows up in this workspace's runs only", async () => {
    const mine = await workspace("Runner")
    const other = await workspace("Bystander")
    const response = await fetch(`${base}/api/v1/jobs/github-sync/run`, {
      method: "POST",
      headers: { "x-workspace-id": mine }
    })
    expect(response.status).toBe(202)
    expect(await response.json()).toEqual({ queued: true, name: "github-sync", scope: "workspace" })
    let runs: Awaited<ReturnType<typeof jobs>>["runs"] = []
    for (let i = 0; i < 100 && runs.length === 0; i++) {
      runs = (await jobs(mine)).runs.filter((run) => run.name === "github-sync" && run.status !== "running")
      if (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(runs[0]).toMatchObject({ name: "github-sync", status: "skipped" })
    expect(runs[0]!.error).toMatch(/no GitHub connection/)
    expect((await jobs(other)).runs.filter((run) => run.name === "github-sync")).toEqual([])
  })

  it("harvest (embed what has no vector yet) run from one workspace embeds and shows a run in that workspace only", async () => {
    const first = await workspace("Harvest one")
    const second = await workspace("Harvest two")
    const response = await fetch(`${base}/api/v1/jobs/harvest/run`, {
      method: "POST",
      headers: { "x-workspace-id": first }
    })
    expect(response.status).toBe(202)
    expect(await response.json()).toEqual({ queued: true, name: "harvest", scope: "workspace" })
    const finished = async (id: string) => {
      for (let i = 0; i < 100; i++) {
        const runs = (await jobs(id)).runs.filter((run) => run.name === "harvest" && run.status !== "running")
        if (runs.length > 0) return runs[0]!
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      throw new Error("harvest did not finish")
    }
    expect(await finished(first)).toMatchObject({ status: "succeeded", error: null })
    expect((await jobs(second)).runs.filter((run) => run.name === "harvest")).toEqual([])
  })

  it("refuses an unknown job with 404 and a list of the real ones", async () => {
    const response = await fetch(`${base}/api/v1/jobs/make-coffee/run`, {
      method: "POST",
      headers: { "x-workspace-id": await workspace("Unknown job") }
    })
    expect(response.status).toBe(404)
    const body = (await response.json()) as { _tag: string; message: string }
    expect(body._tag).toBe("UnknownJob")
    expect(body.message).toContain("corpus-curation")
  })
})
