// A host started with CARABASE_BACKGROUND_WORK=false beside another on the same database (what `carabase upgrade`
// smoke-tests) answers requests and touches none of the running host's work: an import the running host is in the
// middle of stays running (a host doing background work would mark it failed at boot), a chat event it is answering
// stays its own, and no schedule is queued. Then the same database under a normal host: both are recovered, which
// proves the rows were ones a normal boot does act on. Real host processes.
import { describe, expect, it } from "@effect/vitest"
import { connect, createDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost } from "../support/hostProcess"
import { call, createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"

describe("CARABASE_BACKGROUND_WORK=false", () => {
  it("serves requests and leaves the running host's imports and schedules alone", async () => {
    const db = await createDatabase("background_off")
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    let host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
    try {
      await host.ready()
      const workspace = await createWorkspace(base, "Running host")
      await host.stop()
      const owner = await connect(db.ownerUrl)
      // What a running host has in hand: an import half done, and no schedule recorded yet.
      const running = await owner.query(
        `insert into imports (workspace_id, format, status, total, done) values ($1, 'obsidian', 'running', 40, 12)
         returning id`,
        [workspace]
      )
      await owner.query("delete from schedule_state")
      const importId = running.rows[0].id as string

      host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, { CARABASE_BACKGROUND_WORK: "false" }) })
      await host.ready()
      expect((await call(base, "GET", "/health")).status).toBe(200)
      expect((await call(base, "GET", "/jobs", { workspace })).status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, 1500))
      const still = (await call(base, "GET", `/imports/${importId}`, { workspace })).body
      expect(still.import).toMatchObject({ status: "running", done: 12, error: null })
      expect((await owner.query("select count(*)::int as n from schedule_state")).rows[0].n).toBe(0)
      await host.stop()

      host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
      await host.ready()
      const recovered = (await call(base, "GET", `/imports/${importId}`, { workspace })).body
      expect(recovered.import.status).toBe("failed")
      expect((await owner.query("select count(*)::int as n from schedule_state")).rows[0].n).toBeGreaterThan(0)
      await owner.end()
    } finally {
      await host.stop()
      await db.drop()
    }
  })

  it("refuses a value that is not a boolean, naming the variable", async () => {
    const db = await createDatabase("background_bad")
    const port = await freePort()
    const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, { CARABASE_BACKGROUND_WORK: "sometimes" }) })
    try {
      await host.exited
      expect(host.child.exitCode).not.toBe(0)
      expect(host.stderr() + host.stdout()).toContain("CARABASE_BACKGROUND_WORK")
    } finally {
      await host.stop()
      await db.drop()
    }
  })
})
