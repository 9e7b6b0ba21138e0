// A host killed (SIGKILL) while a job body runs: the next host on the same database hands the cut-off job back to
// pg-boss at boot, so it runs again within seconds (not after pg-boss's 30-minute expiry) and completes, and its
// effect happens exactly once. The job is folio-synthesis over two folios: the first folio's synopsis is already
// written when the host dies, because the fake gateway holds only the second folio's question; the retry must write
// the second synopsis and must not write the first again.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createDatabase, type TestDatabase } from "../support/database"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { asOwner, call, createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"

const PASSWORD = "c7".repeat(32)
let db: TestDatabase
let gateway: FakeGateway
const hosts: Array<HostProcess> = []
/** While true, the gateway keeps the question about Borealis waiting (until its client goes away). */
let holdBorealis = true

const folioOf = (body: any): string => /Folio "([^"]+)"/.exec(String(body?.messages?.[1]?.content ?? ""))?.[1] ?? "?"

const synopsisOf = (folio: string) => `The ${folio} crew mapped another stretch of coast.`

beforeAll(async () => {
  db = await createDatabase("job_crash")
  gateway = await startFakeGateway({
    passwords: [PASSWORD],
    reply: (_last, body) => synopsisOf(folioOf(body)),
    delayFor: (path, body) =>
      holdBorealis && path.endsWith("/chat/completions") && folioOf(body) === "Borealis" ? 120_000 : 0
  })
})

afterAll(async () => {
  for (const host of hosts) await host.stop()
  await gateway?.close()
  await db?.drop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const until = async <A>(what: string, probe: () => Promise<A | undefined>, timeoutMs: number): Promise<A> => {
  const started = Date.now()
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await sleep(200)
  }
}

const boot = async () => {
  const port = await freePort()
  const host = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, port, {
      TZ: "UTC",
      CARABASE_TIMEZONE: "UTC",
      OPENCLAW_GATEWAY_URL: gateway.url,
      OPENCLAW_GATEWAY_PASSWORD: PASSWORD,
      // The retry policy applies to a cut-off run as to a failed one; a short delay keeps the test short.
      CARABASE_JOB_RETRY_DELAY_SECONDS: "1"
    })
  })
  hosts.push(host)
  await host.ready()
  return { host, base: `http://127.0.0.1:${port}` }
}

const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)

const timeline = () =>
  asOwner(db, (client) =>
    client.query<{ folio: string; date: string; synopsis: string }>(
      `select f.name as folio, to_char(t.date, 'YYYY-MM-DD') as date, t.synopsis
       from folio_timeline_entries t join folios f on f.id = t.folio_id and f.workspace_id = t.workspace_id
       where t.source = 'synthesis' order by f.name, t.created_at`
    )
  ).then((result) => result.rows)

const runs = () =>
  asOwner(db, (client) =>
    client.query<{ status: string; attempt: number; error: string | null; job_id: string }>(
      "select status, attempt, error, job_id from job_runs where name = 'folio-synthesis' order by started_at, attempt"
    )
  ).then((result) => result.rows)

const questionsAbout = (folio: string) =>
  gateway.requests.filter((request) => request.path.endsWith("/chat/completions") && folioOf(request.body) === folio)
    .length

describe("a host killed while a job runs", () => {
  it("retries the job at the next boot, promptly, and its effect happens exactly once", async () => {
    const first = await boot()
    const workspace = await createWorkspace(first.base, "Crash")
    for (const name of ["Atlas", "Borealis"]) {
      expect(
        (await call(first.base, "POST", "/folios", { workspace, body: { name, about: `${name} survey` } })).status
      ).toBe(201)
      const logged = await call(first.base, "POST", "/daily-notes/inject", {
        workspace,
        body: { type: "logCard", content: `Surveyed the coast with the ${name} crew.`, folio: name, date: yesterday() }
      })
      expect(logged.status).toBe(200)
    }

    expect((await call(first.base, "POST", "/jobs/folio-synthesis/run", { workspace })).status).toBe(202)
    await until("the body asks about Borealis", async () => (questionsAbout("Borealis") > 0 ? true : undefined), 30_000)
    // The body is mid-run: one folio's effect is committed, the other's question is still waiting for the gateway.
    expect(await timeline()).toEqual([{ folio: "Atlas", date: yesterday(), synopsis: synopsisOf("Atlas") }])
    expect((await runs()).map((run) => run.status)).toEqual(["running"])
    const jobId = (await runs())[0]!.job_id
    first.host.child.kill("SIGKILL")
    expect(await first.host.exited).toEqual({ code: null, signal: "SIGKILL" })
    holdBorealis = false

    const second = await boot()
    // pg-boss alone would leave the job active for 30 minutes; a minute is a generous bound for "at the next boot".
    await until(
      "the job succeeds after the restart",
      async () => ((await runs()).some((run) => run.status === "succeeded") ? true : undefined),
      60_000
    )

    expect(await timeline()).toEqual([
      { folio: "Atlas", date: yesterday(), synopsis: synopsisOf("Atlas") },
      { folio: "Borealis", date: yesterday(), synopsis: synopsisOf("Borealis") }
    ])
    // The retry asked only for what was still missing.
    expect(questionsAbout("Atlas")).toBe(1)
    expect(questionsAbout("Borealis")).toBe(2)
    // One record per attempt: the cut-off one says what happened, and exactly one succeeded.
    const recorded = await runs()
    expect(recorded).toEqual([
      {
        status: "failed",
        attempt: 1,
        error: expect.stringMatching(/host stopped while this run was in progress/),
        job_id: jobId
      },
      { status: "succeeded", attempt: 2, error: null, job_id: jobId }
    ])
    const jobs = await asOwner(db, (client) =>
      client.query<{ state: string }>("select state::text from pgboss.job where name like 'folio-synthesis%'")
    )
    expect(jobs.rows).toEqual([{ state: "completed" }])

    // The UI's view agrees, and the new host is healthy.
    const listed = (await call(second.base, "GET", "/jobs", { workspace })).body
    expect(listed.runs.filter((run: { name: string }) => run.name === "folio-synthesis")).toHaveLength(2)
    // Started from this workspace, the run is this workspace's: the schedule's last run, which every workspace
    // sees, still tells only the scheduled runs (none yet).
    expect(listed.schedules.find((s: { name: string }) => s.name === "folio-synthesis").lastRun.status).toBeNull()
    expect((await call(second.base, "GET", "/health")).body).toMatchObject({
      status: "ok",
      database: "up",
      gateway: "up"
    })
    expect(second.host.child.exitCode).toBeNull()
  }, 120_000)
})
