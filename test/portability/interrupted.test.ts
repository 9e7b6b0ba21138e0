// An import a host was running when it stopped (killed, crashed, powered off) can never finish: the next host marks it
// failed with the reason at boot, so the owner never sees a run "running" forever. Real host processes, SIGKILL.
import { describe, expect, it } from "@effect/vitest"
import { connect, createDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost } from "../support/hostProcess"
import { call, createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"

describe("an import cut off by the host stopping", () => {
  it("reads as failed, with the reason, after the restart; another workspace's finished run is untouched", async () => {
    const db = await createDatabase("import_interrupted")
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    let host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
    try {
      await host.ready()
      const A = await createWorkspace(base, "Cut off")
      const B = await createWorkspace(base, "Finished")
      await host.stop() // SIGKILL: the run below is what a dead host leaves behind
      const owner = await connect(db.ownerUrl)
      const running = await owner.query(
        `insert into imports (workspace_id, format, status, total, done) values ($1, 'obsidian', 'running', 40, 12)
         returning id`,
        [A]
      )
      const finished = await owner.query(
        `insert into imports (workspace_id, format, status, total, done, finished_at)
         values ($1, 'obsidian', 'done', 3, 3, now()) returning id`,
        [B]
      )
      await owner.end()

      host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
      await host.ready()
      const cut = (await call(base, "GET", `/imports/${running.rows[0].id}`, { workspace: A })).body
      expect(cut.import).toMatchObject({ status: "failed", done: 12, total: 40 })
      expect(cut.import.error).toMatch(/interrupted: the host stopped during this import/)
      expect(cut.import.finishedAt).not.toBeNull()
      const done = (await call(base, "GET", `/imports/${finished.rows[0].id}`, { workspace: B })).body
      expect(done.import).toMatchObject({ status: "done", error: null })
    } finally {
      await host.stop()
      await db.drop()
    }
  })
})
