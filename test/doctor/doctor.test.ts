// `carabase doctor` against a real install (env file, database, gateway, backups): it passes a healthy one, and
// names what breaks a promise: a table that loses FORCE RLS, a readable env file, a superuser app role, pending
// migrations, a gateway that rejects the password. Conditions that break none are WARN and do not fail it.
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { listeningCheck, isTailnetAddress } from "../../src/doctor/NetworkChecks"
import { connect, createDatabase, testServerUrl, type TestDatabase } from "../support/database"
import { cleanEnv, runCli, scratchDir } from "../support/hostProcess"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { randomMasterKey } from "../support/keys"

const KEY = randomMasterKey()
const PASSWORD = "gateway-password-for-doctor"
let db: TestDatabase
let gateway: FakeGateway
let cwd: string
let backups: string

interface Check {
  readonly name: string
  readonly verdict: "PASS" | "WARN" | "FAIL"
  readonly detail: string
  readonly fix?: string
}

const writeEnvFile = (values: Record<string, string>, mode = 0o600) => {
  const file = path.join(cwd, ".env.dev")
  fs.writeFileSync(
    file,
    Object.entries(values)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
    { mode }
  )
  fs.chmodSync(file, mode)
}

const settings = (extra: Record<string, string> = {}) => ({
  HOST_MASTER_KEY: KEY,
  DATABASE_URL: db.ownerUrl,
  APP_DATABASE_URL: db.appUrl,
  OPENCLAW_GATEWAY_URL: gateway.url,
  OPENCLAW_GATEWAY_PASSWORD: PASSWORD,
  CARABASE_BACKUP_DIR: backups,
  HOST: "127.0.0.1",
  PORT: "1",
  ...extra
})

const doctor = async (args: Array<string> = ["--json"], env: Record<string, string | undefined> = {}) => {
  const result = await runCli(["doctor", ...args], { cwd, env: cleanEnv(env) })
  const checks: Array<Check> = args.includes("--json") && result.stdout !== "" ? JSON.parse(result.stdout).checks : []
  return { ...result, checks, byName: (name: string) => checks.find((check) => check.name === name)! }
}

beforeAll(async () => {
  db = await createDatabase("doctor")
  gateway = await startFakeGateway({ passwords: [PASSWORD] })
  cwd = scratchDir("carabase-doctor-")
  backups = path.join(cwd, "backups")
  writeEnvFile(settings())
  const backup = await runCli(["backup"], { cwd, env: cleanEnv() })
  expect(backup.status, backup.stderr).toBe(0)
})
afterAll(async () => {
  await gateway?.close()
  await db?.drop()
})

describe("carabase doctor", () => {
  it("passes a healthy install: every promise checked, exit 0", async () => {
    writeEnvFile(settings())
    const result = await doctor()
    expect(result.status, result.stdout + result.stderr).toBe(0)
    expect(result.checks.map((check) => check.name)).toEqual([
      "master key",
      "env file",
      "database",
      "app role",
      "row-level security",
      "migrations",
      "search index",
      "database key",
      "agent gateway",
      "listening addresses",
      "backups"
    ])
    expect(result.checks.filter((check) => check.verdict !== "PASS")).toEqual([])
    expect(result.byName("row-level security").detail).toMatch(/all \d+ tables with workspace_id/)
    expect(result.stdout).not.toContain(KEY)
    expect(result.stdout).not.toContain(PASSWORD)
  })

  it("prints one PASS / WARN / FAIL line per check, with a fix under anything that did not pass", async () => {
    writeEnvFile(settings({ CARABASE_BACKUP_DIR: path.join(cwd, "no-backups-here") }))
    const result = await doctor([])
    expect(result.status).toBe(1)
    expect(result.stdout).toMatch(/^PASS {2}master key: /m)
    expect(result.stdout).toMatch(/^FAIL {2}backups: no backup of dev in .*\n {6}fix: run `pnpm carabase backup`/m)
    expect(result.stdout).toMatch(/^\d+ pass, \d+ warn, 1 fail$/m)
  })

  it("names the table that loses FORCE ROW LEVEL SECURITY, and fails", async () => {
    writeEnvFile(settings())
    const owner = await connect(db.ownerUrl)
    try {
      await owner.query("alter table memories no force row level security")
      const result = await doctor()
      expect(result.status).toBe(1)
      expect(result.byName("row-level security")).toMatchObject({ verdict: "FAIL" })
      expect(result.byName("row-level security").detail).toContain("memories (not forced)")
      expect(result.byName("row-level security").detail).not.toContain("folios")
    } finally {
      await owner.query("alter table memories force row level security")
      await owner.end()
    }
  })

  it("fails an env file others can read, and a malformed master key, without printing the key", async () => {
    writeEnvFile(settings(), 0o644)
    const readable = await doctor()
    expect(readable.status).toBe(1)
    expect(readable.byName("env file")).toMatchObject({ verdict: "FAIL", fix: expect.stringContaining("chmod 600") })
    writeEnvFile(settings({ HOST_MASTER_KEY: "abc123" }))
    const malformed = await doctor()
    expect(malformed.byName("master key").verdict).toBe("FAIL")
    expect(malformed.stdout).not.toContain("abc123")
  })

  it("fails an app role that can bypass RLS", async () => {
    writeEnvFile(settings({ APP_DATABASE_URL: db.ownerUrl }))
    const result = await doctor()
    expect(result.status).toBe(1)
    expect(result.byName("app role").verdict).toBe("FAIL")
    expect(result.byName("app role").detail).toMatch(/not carabase_app|superuser/)
  })

  it("fails pending migrations and names them", async () => {
    const fresh = await createDatabase("doctor_empty", { migrate: false })
    try {
      writeEnvFile(settings({ DATABASE_URL: fresh.ownerUrl }))
      const result = await doctor()
      expect(result.byName("migrations").verdict).toBe("FAIL")
      expect(result.byName("migrations").detail).toContain("0001_roles.sql")
      expect(result.byName("migrations").fix).toContain("carabase migrate")
    } finally {
      await fresh.drop()
    }
  })

  it("a gateway rejecting the password FAILs; one not running only WARNs", async () => {
    writeEnvFile(settings({ OPENCLAW_GATEWAY_PASSWORD: "not-the-password" }))
    const rejected = await doctor()
    expect(rejected.status).toBe(1)
    expect(rejected.byName("agent gateway")).toMatchObject({ verdict: "FAIL" })
    expect(rejected.stdout).not.toContain("not-the-password")
    writeEnvFile(settings({ OPENCLAW_GATEWAY_URL: "http://127.0.0.1:9" }))
    const down = await doctor()
    expect(down.byName("agent gateway").verdict).toBe("WARN")
    expect(down.status).toBe(0)
  })

  it("settings only from the process environment are a WARN, not a FAIL", async () => {
    fs.rmSync(path.join(cwd, ".env.dev"))
    const result = await doctor(["--json"], settings())
    expect(result.byName("env file").verdict).toBe("WARN")
    expect(result.status, result.stdout).toBe(0)
    writeEnvFile(settings())
  })

  it("a database that cannot be reached is one FAIL with the reason, not a crash", async () => {
    writeEnvFile(settings({ DATABASE_URL: testServerUrl().replace(/:\d+(\/|$)/, ":1$1") }))
    const result = await doctor()
    expect(result.status).toBe(1)
    expect(result.byName("database").verdict).toBe("FAIL")
    expect(result.byName("database").detail).toContain("cannot connect")
  })
})

describe("listening addresses", () => {
  const lan = { address: "192.168.1.20", internal: false }
  const tailnet = { address: "100.101.102.103", internal: false }
  const loopback = { address: "127.0.0.1", internal: true }

  it("recognises tailnet addresses", () => {
    expect(isTailnetAddress("100.64.0.1")).toBe(true)
    expect(isTailnetAddress("100.127.255.254")).toBe(true)
    expect(isTailnetAddress("100.128.0.1")).toBe(false)
    expect(isTailnetAddress("fd7a:115c:a1e0::1")).toBe(true)
    expect(isTailnetAddress("192.168.1.20")).toBe(false)
  })

  it("warns when every interface includes one off the tailnet, and passes the tailnet or loopback alone", () => {
    expect(listeningCheck("::", 3000, [loopback, tailnet, lan], false)).toMatchObject({ verdict: "WARN" })
    expect(listeningCheck("::", 3000, [loopback, tailnet, lan], false).detail).toContain("192.168.1.20")
    expect(listeningCheck("::", 3000, [loopback, tailnet], true).verdict).toBe("PASS")
    expect(listeningCheck("100.101.102.103", 3000, [loopback, tailnet, lan], true).verdict).toBe("PASS")
    expect(listeningCheck("127.0.0.1", 3000, [loopback, lan], true).verdict).toBe("PASS")
    expect(listeningCheck("192.168.1.20", 3000, [loopback, lan], true).verdict).toBe("WARN")
  })
})
