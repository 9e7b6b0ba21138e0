// "Run now" from one workspace, as a client of another workspace would hope it behaves: a workspace job started from
// workspace A runs in A alone. B gets no run, no data and no word of it (its runs list, its suggestions and the
// schedule's last result are unchanged), two workspaces asking at once both get their run, and the host-wide job
// (backup) keeps its meaning: one run for the host, shown in every workspace.
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { scratchDir } from "../support/hostProcess"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("job_scope", {
  CARABASE_BACKUP_DIR: path.join(scratchDir("carabase-job-scope-"), "backups")
})

interface Run {
  readonly id: string
  readonly name: string
  readonly status: string
}

const jobsOf = async (workspace: string) =>
  (await call(suite.base, "GET", "/jobs", { workspace })).body as {
    schedules: Array<{ name: string; lastRun: { status: string | null; error: string | null } | null }>
    runs: Array<Run>
  }

const runsOf = async (workspace: string, name: string) =>
  (await jobsOf(workspace)).runs.filter((run) => run.name === name)

const finishedRun = async (workspace: string, name: string, count = 1) => {
  for (let i = 0; i < 200; i++) {
    const runs = (await runsOf(workspace, name)).filter((run) => run.status !== "running")
    if (runs.length >= count) return runs
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
  throw new Error(`${name} did not finish in workspace ${workspace}`)
}

const suggestionsOf = async (workspace: string) =>
  (await call(suite.base, "GET", "/curation-suggestions", { workspace })).body.suggestions as Array<{
    aliasName: string
  }>

/** A workspace whose entities give curation one merge to propose. */
const curatable = async (name: string) => {
  const workspace = await createWorkspace(suite.base, name)
  for (const entity of ["Alice Chen", "alice  chen"]) {
    await call(suite.base, "POST", "/entities", { workspace, body: { name: entity, type: "person" } })
  }
  return workspace
}

describe("running a job now", () => {
  it("a workspace job started from A runs in A only: B's runs, data and schedule view are untouched", async () => {
    const a = await curatable("Starter")
    const b = await curatable("Bystander")
    const bBefore = await jobsOf(b)

    const started = await call(suite.base, "POST", "/jobs/corpus-curation/run", { workspace: a })
    expect(started.status).toBe(202)
    expect((await finishedRun(a, "corpus-curation"))[0]).toMatchObject({ status: "succeeded" })
    expect((await suggestionsOf(a)).map((s) => s.aliasName)).toEqual(["alice  chen"])

    // Give a run that was wrongly queued for every workspace time to reach B too.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    const bAfter = await jobsOf(b)
    expect(bAfter.runs).toEqual(bBefore.runs)
    expect(await suggestionsOf(b)).toEqual([])
    expect(bAfter.schedules.find((s) => s.name === "corpus-curation")).toEqual(
      bBefore.schedules.find((s) => s.name === "corpus-curation")
    )
    expect(started.body).toEqual({ queued: true, name: "corpus-curation", scope: "workspace" })
  })

  it("two workspaces asking at once each get their own run; neither request absorbs the other", async () => {
    const c = await curatable("First asker")
    const d = await curatable("Second asker")
    const [fromC, fromD] = await Promise.all([
      call(suite.base, "POST", "/jobs/corpus-curation/run", { workspace: c }),
      call(suite.base, "POST", "/jobs/corpus-curation/run", { workspace: d })
    ])
    expect([fromC.status, fromD.status]).toEqual([202, 202])
    const [runC] = await finishedRun(c, "corpus-curation")
    const [runD] = await finishedRun(d, "corpus-curation")
    expect(runC!.id).not.toBe(runD!.id)
    expect((await runsOf(c, "corpus-curation")).map((run) => run.id)).toEqual([runC!.id])
    expect((await runsOf(d, "corpus-curation")).map((run) => run.id)).toEqual([runD!.id])
    expect(await suggestionsOf(c)).toHaveLength(1)
    expect(await suggestionsOf(d)).toHaveLength(1)
  })

  it("the host-wide job (backup) still runs once for the whole host, and every workspace sees that run", async () => {
    const e = await createWorkspace(suite.base, "Backup starter")
    const f = await createWorkspace(suite.base, "Backup bystander")
    const started = await call(suite.base, "POST", "/jobs/backup/run", { workspace: e })
    expect(started.body).toEqual({ queued: true, name: "backup", scope: "host" })
    const [inE] = await finishedRun(e, "backup")
    const [inF] = await finishedRun(f, "backup")
    expect(inE).toMatchObject({ status: "succeeded" })
    expect(inF).toMatchObject({ status: "succeeded" })
  })
})
