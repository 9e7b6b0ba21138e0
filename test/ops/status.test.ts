// The owner's status screen: GET /api/v1/status from a real host process (real database, a backup written by the
// real backup job run through the real queue and pg_dump, a gateway that answers with the wrong password) and
// `carabase status` printing it on one screen. No secret appears in either.
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { call, createWorkspace, processHostSuite } from "../support/hostSuite"
import { cleanEnv, runCli, scratchDir } from "../support/hostProcess"
import { TEST_MASTER_KEY } from "../support/keys"
import { freePort } from "../support/ports"

const PASSWORD = "status-gateway-password-not-shown"
const backups = path.join(scratchDir("carabase-status-backups-"), "b")
let gateway: FakeGateway

beforeAll(async () => {
  // Accepts another password than the host's: the status must say which setting to change.
  gateway = await startFakeGateway({ passwords: ["the-other-password"] })
})
afterAll(() => gateway?.close())

const suite = processHostSuite("status", () => ({
  HOST: "127.0.0.1",
  OPENCLAW_GATEWAY_URL: gateway.url,
  OPENCLAW_GATEWAY_PASSWORD: PASSWORD,
  CARABASE_BACKUP_DIR: backups
}))

const cliEnv = () => cleanEnv({ CARABASE_URL: suite.base })

const secrets = () => [TEST_MASTER_KEY, PASSWORD, new URL(suite.db.appUrl).password].filter((s) => s !== "")

describe("GET /api/v1/status", () => {
  it("reports a fresh host: version, env, uptime, database up, the gateway's reason, no backup, jobs never run", async () => {
    const { status, body } = await call(suite.base, "GET", "/status")
    expect(status).toBe(200)
    expect(body).toMatchObject({
      env: "dev",
      database: "up",
      gateway: {
        state: "wrong-password",
        configKey: "gateway.auth.password",
        reason: expect.stringContaining("OPENCLAW_GATEWAY_PASSWORD")
      },
      backup: { newestAt: null, ageHours: null, verdict: "FAIL", count: 0 },
      queue: { waiting: expect.any(Number), running: expect.any(Number) },
      pid: suite.pid,
      node: process.version
    })
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0)
    expect(Date.parse(body.startedAt)).toBeLessThanOrEqual(Date.now())
    expect(body.listening).toEqual([{ address: `127.0.0.1:${new URL(suite.base).port}`, serves: "api" }])
    expect(body.jobs.map((job: { name: string }) => job.name)).toEqual(
      expect.arrayContaining(["backup", "memory-distill", "trash-purge", "note-revisions"])
    )
    for (const secret of secrets()) expect(JSON.stringify(body)).not.toContain(secret)
  })

  it("shows the backup the nightly job wrote when run now, and that job's last run", async () => {
    const workspace = await createWorkspace(suite.base, "Home")
    const run = await call(suite.base, "POST", "/jobs/backup/run", { workspace })
    expect(run.status).toBe(202)

    let body: any
    const backupJob = () => body.jobs.find((job: { name: string }) => job.name === "backup")
    for (let i = 0; i < 300; i++) {
      body = (await call(suite.base, "GET", "/status")).body
      if (backupJob().lastRun?.status === "succeeded") break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(backupJob().lastRun).toMatchObject({ status: "succeeded", error: null })
    expect(body.backup).toMatchObject({ verdict: "PASS", count: 1 })
    expect(body.backup.ageHours).toBeLessThan(1)
    expect(Date.parse(body.backup.newestAt)).toBeGreaterThan(Date.now() - 60_000)
  })
})

describe("carabase status", () => {
  it("prints every line of the one screen from the running host", async () => {
    const result = await runCli(["status"], { cwd: scratchDir(), env: cliEnv() })
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    const lines = result.stdout.trimEnd().split("\n")
    for (const label of ["version", "env", "uptime", "database", "gateway", "backup", "queue", "listening", "jobs"]) {
      expect(lines.some((line) => line.startsWith(label))).toBe(true)
    }
    expect(result.stdout).toContain("database   up")
    expect(result.stdout).toContain("gateway    wrong-password: OpenClaw rejects OPENCLAW_GATEWAY_PASSWORD")
    expect(result.stdout).toMatch(/backup {5}\d+s ago \(PASS, 1 kept\)/)
    expect(result.stdout).toMatch(/\n {2}backup +succeeded \d+s ago\n/)
    expect(result.stdout).toContain(`listening  127.0.0.1:${new URL(suite.base).port} (api)`)
    expect(lines.length).toBeLessThanOrEqual(24)
    for (const secret of secrets()) expect(result.stdout).not.toContain(secret)
  })

  it("--json prints the answer; a host that is not running is exit 1 naming where it looked", async () => {
    const json = await runCli(["status", "--json"], { cwd: scratchDir(), env: cliEnv() })
    expect(json.status).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ env: "dev", database: "up" })

    const port = await freePort()
    const down = await runCli(["status", "--host", `http://127.0.0.1:${port}`], { cwd: scratchDir(), env: cliEnv() })
    expect(down.status).toBe(1)
    expect(down.stderr).toBe(`carabase status: the host is not answering at http://127.0.0.1:${port} (ECONNREFUSED)\n`)
  })
})
