// GET /api/v1/doctor, GET /api/v1/backups and POST /api/v1/backups on the real host: the doctor's checks as the CLI
// runs them, the env's backups with the newest one's verdict, and "Back up now" running the real backup job
// (pg_dump, sealed, verified) to a file that then shows in the list. No answer carries a secret.
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"
import { scratchDir } from "../support/hostProcess"
import { TEST_MASTER_KEY } from "../support/keys"

const GATEWAY_PASSWORD = "gateway-password-never-in-an-answer"
const backupDir = path.join(scratchDir("carabase-ops-"), "backups")
const suite = hostSuite("operations_http", {
  CARABASE_BACKUP_DIR: backupDir,
  OPENCLAW_GATEWAY_PASSWORD: GATEWAY_PASSWORD
})

/** Every secret the host was given: none may appear in any answer. */
const secrets = () => {
  const passwords = [suite.db.ownerUrl, suite.db.appUrl].map((url) => decodeURIComponent(new URL(url).password))
  return [TEST_MASTER_KEY, GATEWAY_PASSWORD, ...passwords.filter((password) => password.length > 0)]
}

const expectNoSecret = (body: unknown) => {
  const text = JSON.stringify(body)
  for (const secret of secrets()) expect(text).not.toContain(secret)
}

const waitForRun = async (workspace: string, previous: string | undefined) => {
  for (let tries = 0; tries < 240; tries++) {
    const { body } = await call(suite.base, "GET", "/backups", { workspace })
    const run = body.lastRun as { id: string; status: string; error: string | null } | null
    if (run !== null && run.id !== previous && run.status !== "running") return { body, run }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error("the backup job never finished")
}

describe("GET /api/v1/doctor", () => {
  it("answers the checks `carabase doctor` runs, each with a verdict, a detail and a fix unless it passed", async () => {
    const { status, body } = await call(suite.base, "GET", "/doctor")
    expect(status).toBe(200)
    const names = (body.checks as Array<{ name: string }>).map((check) => check.name)
    expect(names).toEqual(
      expect.arrayContaining([
        "master key",
        "database",
        "app role",
        "row-level security",
        "migrations",
        "database key",
        "agent gateway",
        "listening addresses",
        "backups"
      ])
    )
    const byName = new Map((body.checks as Array<any>).map((check) => [check.name, check]))
    expect(byName.get("master key").verdict).toBe("PASS")
    expect(byName.get("row-level security").verdict).toBe("PASS")
    expect(byName.get("app role").verdict).toBe("PASS")
    expect(byName.get("database key").verdict).toBe("PASS")
    // No backup yet: FAIL with the fix, which makes the whole report FAIL (the CLI would exit 1).
    expect(byName.get("backups")).toMatchObject({ verdict: "FAIL", fix: expect.stringContaining("backup") })
    expect(body.verdict).toBe("FAIL")
    for (const check of body.checks as Array<any>) {
      if (check.verdict !== "PASS") expect(check.fix, check.name).toEqual(expect.any(String))
    }
    expectNoSecret(body)
  })

  it("needs no workspace: it checks the host", async () => {
    const { status } = await call(suite.base, "GET", "/doctor", { workspace: "not-a-uuid" })
    expect(status).toBe(200)
  })
})

describe("/api/v1/backups", () => {
  it("needs a workspace (the backup job's runs are read in it)", async () => {
    const { status, body } = await call(suite.base, "GET", "/backups")
    expect(status).toBe(400)
    expect(body._tag).toBe("WorkspaceHeaderInvalid")
  })

  it("says there is no backup yet: FAIL, no age, an empty list", async () => {
    const workspace = await createWorkspace(suite.base, "No backups yet")
    const { status, body } = await call(suite.base, "GET", "/backups", { workspace })
    expect(status).toBe(200)
    expect(body).toMatchObject({ env: "dev", verdict: "FAIL", newestAgeHours: null, newest: null, count: 0 })
    expect(body.backups).toEqual([])
  })

  it("Back up now: 202, the job runs the real backup, and the new file is the newest with a PASS", async () => {
    const workspace = await createWorkspace(suite.base, "Backed up")
    const before = await call(suite.base, "GET", "/backups", { workspace })
    const queued = await call(suite.base, "POST", "/backups", { workspace })
    expect(queued.status).toBe(202)
    expect(queued.body).toMatchObject({ queued: true, job: "backup" })
    const { body, run } = await waitForRun(workspace, before.body.lastRun?.id)
    expect(run.status, run.error ?? "").toBe("succeeded")
    expect(body.verdict).toBe("PASS")
    expect(body.count).toBeGreaterThanOrEqual(1)
    expect(body.newest.file).toMatch(/^dev\/\d{4}-\d{2}-\d{2}\/[\dT-]+Z\.sql\.gz\.enc$/)
    expect(body.newest.bytes).toBeGreaterThan(0)
    expect(body.newestAgeHours).toBeLessThan(1)
    expect(body.backups[0]).toEqual(body.newest)
    // The file named is on disk where the backup directory says, and the answer does not give the directory away.
    expect(fs.existsSync(path.join(backupDir, body.newest.file))).toBe(true)
    expect(JSON.stringify(body)).not.toContain(backupDir)
    expectNoSecret(body)
    expectNoSecret(queued.body)

    const doctor = await call(suite.base, "GET", "/doctor")
    const backups = (doctor.body.checks as Array<any>).find((check) => check.name === "backups")
    expect(backups.verdict).toBe("PASS")
  })
})
