// `carabase backup` and `backup:verify` with the real pg_dump: the layout and modes, nothing readable on disk, and
// any changed or cut byte, or another key, caught by verify.
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { cleanEnv, runCli, scratchDir } from "../support/hostProcess"
import { randomMasterKey, TEST_MASTER_KEY } from "../support/keys"

const KEY = randomMasterKey()
const OTHER_KEY = randomMasterKey()
const MARKER = "marker-the-owner-would-not-want-on-disk"
let db: TestDatabase
let dir: string

beforeAll(async () => {
  db = await createDatabase("backup")
  const owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values (gen_random_uuid(), $1)", [MARKER])
  await owner.end()
  dir = path.join(scratchDir("carabase-backups-"), "backups")
})
afterAll(() => db?.drop())

const cli = (args: Array<string>, env: Record<string, string | undefined> = {}) =>
  runCli(args, {
    cwd: scratchDir(),
    env: cleanEnv({ HOST_MASTER_KEY: KEY, DATABASE_URL: db.ownerUrl, CARABASE_BACKUP_DIR: dir, ...env })
  })

const backupFile = async () => {
  const result = await cli(["backup"])
  expect(result.status, result.stderr).toBe(0)
  return /backup written and verified: (\S+)/.exec(result.stdout)![1]!
}

describe("backup", () => {
  it("writes <dir>/<env>/<date>/<timestamp>.sql.gz.enc, 0600 in 0700 folders, with nothing readable inside", async () => {
    const file = await backupFile()
    expect(path.relative(dir, file)).toMatch(/^dev\/\d{4}-\d{2}-\d{2}\/[\dT-]+Z\.sql\.gz\.enc$/)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700)
    expect(fs.statSync(path.join(dir, "dev")).mode & 0o777).toBe(0o700)
    const bytes = fs.readFileSync(file)
    expect(bytes.includes(Buffer.from(MARKER))).toBe(false)
    expect(bytes.includes(Buffer.from("PostgreSQL database dump"))).toBe(false)
    expect(fs.readdirSync(path.dirname(file)).filter((name) => name.includes("partial"))).toEqual([])
  })

  it("verify passes an intact backup", async () => {
    const result = await cli(["backup:verify", await backupFile()])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain("verifies: a complete dump")
  })

  it("verify fails one changed byte, a truncated file, appended bytes and another key", async () => {
    const file = await backupFile()
    const original = fs.readFileSync(file)
    const copies: Record<string, Buffer> = {
      changed: Buffer.from(original),
      truncated: original.subarray(0, original.length - 100),
      appended: Buffer.concat([original, Buffer.from("more")])
    }
    copies.changed![Math.floor(original.length / 2)]! ^= 0x01
    for (const [label, bytes] of Object.entries(copies)) {
      const copy = `${file}.${label}`
      fs.writeFileSync(copy, bytes)
      const result = await cli(["backup:verify", copy])
      expect(result.status, label).toBe(1)
      expect(result.stderr).toContain("does not verify")
    }
    const otherKey = await cli(["backup:verify", file], { HOST_MASTER_KEY: OTHER_KEY })
    expect(otherKey.status).toBe(1)
    expect(otherKey.stderr).toContain("does not verify")
    expect(otherKey.stderr).not.toContain(OTHER_KEY.slice(0, 16))
  })

  it("verify --key-file opens a backup made under an older key (after a rotation) and nothing else", async () => {
    const file = await backupFile()
    const keys = scratchDir("carabase-keys-")
    const bare = path.join(keys, "old.key")
    const envFile = path.join(keys, ".env.dev.old")
    const wrong = path.join(keys, "wrong.key")
    const malformed = path.join(keys, "malformed.key")
    fs.writeFileSync(bare, `${KEY}\n`, { mode: 0o600 })
    fs.writeFileSync(envFile, `PORT=3000\nHOST_MASTER_KEY=${KEY}\n`, { mode: 0o600 })
    fs.writeFileSync(wrong, OTHER_KEY, { mode: 0o600 })
    fs.writeFileSync(malformed, "not a key", { mode: 0o600 })
    const rotated = { HOST_MASTER_KEY: randomMasterKey() }
    expect((await cli(["backup:verify", file], rotated)).status).toBe(1)
    expect((await cli(["backup:verify", file, "--key-file", bare], rotated)).status).toBe(0)
    expect((await cli(["backup:verify", file, "--key-file", envFile], rotated)).status).toBe(0)
    expect((await cli(["backup:verify", file, "--key-file", wrong], rotated)).status).toBe(1)
    const bad = await cli(["backup:verify", file, "--key-file", malformed], rotated)
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain("holds no master key")
    expect((await cli(["backup:verify", file, "--key-file", path.join(keys, "missing")], rotated)).stderr).toContain(
      "ENOENT"
    )
  })

  it("refuses without HOST_MASTER_KEY, writing nothing", async () => {
    const before = fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).length : 0
    const result = await cli(["backup"], { HOST_MASTER_KEY: undefined })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("HOST_MASTER_KEY")
    expect(fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).length : 0).toBe(before)
  })

  it("a failing pg_dump leaves no file behind and says why", async () => {
    const result = await cli(["backup"], { DATABASE_URL: db.ownerUrl.replace(/\/[^/]*$/, "/no_such_database_here") })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/backup failed: pg_dump failed/)
    const leftovers = fs.readdirSync(dir, { recursive: true }).filter((name) => String(name).includes("partial"))
    expect(leftovers).toEqual([])
  })

  it("without pg_dump on PATH says so, exits 1 and leaves no file behind", async () => {
    const result = await cli(["backup"], { PATH: scratchDir("carabase-empty-path-") })
    expect(result.status, result.stderr).toBe(1)
    expect(result.stderr).toContain("pg_dump was not found on PATH")
    expect(result.stderr).not.toMatch(/\n\s+at /)
    const leftovers = fs.readdirSync(dir, { recursive: true }).filter((name) => String(name).includes("partial"))
    expect(leftovers).toEqual([])
  })

  it("a tool that cannot start answers only once its output's consumer has finished (so cleanup finds its file)", async () => {
    const { runPgTool } = await import("../../src/backups/PgTool")
    const { Effect, Redacted } = await import("effect")
    const path_ = process.env.PATH
    let consumerDone = false
    process.env.PATH = scratchDir("carabase-empty-path-")
    try {
      await expect(
        Effect.runPromise(
          runPgTool({
            tool: "pg_dump",
            databaseUrl: Redacted.make("postgres://127.0.0.1:1/none"),
            args: [],
            stdout: async (out) => {
              out.resume()
              await new Promise((resolve) => setTimeout(resolve, 200))
              consumerDone = true
            },
            stderrTail: 100,
            failure: (code) => `failed ${code}`
          })
        )
      ).rejects.toThrow("pg_dump was not found on PATH")
    } finally {
      process.env.PATH = path_
    }
    expect(consumerDone).toBe(true)
  })

  it("usage errors exit 2", async () => {
    expect((await cli(["backup:verify"])).status).toBe(2)
    expect((await cli(["backup", "extra"])).status).toBe(2)
  })
})

describe("dump completeness", () => {
  it("accepts the trailer, with or without pg_dump's closing \\unrestrict line, and nothing cut short", async () => {
    const { isCompleteDump } = await import("../../src/backups/Backups")
    expect(isCompleteDump("...\n--\n-- PostgreSQL database dump complete\n--\n\n")).toBe(true)
    expect(isCompleteDump("...\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict AbC123\n\n")).toBe(true)
    expect(isCompleteDump("...\nCOPY public.workspaces (id, name) FROM stdin;\n")).toBe(false)
    expect(isCompleteDump("-- PostgreSQL database dump complete\nDROP TABLE workspaces;\n")).toBe(false)
  })
})

describe("the nightly backup job", () => {
  it("writes a verified backup and then prunes by the retention rules, and records the run", async () => {
    const { freePort } = await import("../support/ports")
    const { hostEnv, startHost } = await import("../support/hostProcess")
    const jobDir = path.join(scratchDir("carabase-job-backups-"), "backups")
    const { backupFileName } = await import("../../src/backups/BackupFiles")
    const expired = [200, 199].map((days) => {
      const at = new Date(Date.now() - days * 24 * 60 * 60 * 1000)
      const folder = path.join(jobDir, "dev", at.toISOString().slice(0, 10))
      fs.mkdirSync(folder, { recursive: true })
      fs.writeFileSync(path.join(folder, backupFileName(at)), "")
      return path.join(folder, backupFileName(at))
    })
    const port = await freePort()
    const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, { CARABASE_BACKUP_DIR: jobDir }) })
    try {
      await host.ready()
      const base = `http://127.0.0.1:${port}/api/v1`
      const workspace = ((await (await fetch(`${base}/workspaces`)).json()) as { workspaces: Array<{ id: string }> })
        .workspaces[0]!.id
      const queued = await fetch(`${base}/jobs/backup/run`, {
        method: "POST",
        headers: { "x-workspace-id": workspace }
      })
      expect(queued.status).toBe(202)
      let run: { status: string } | undefined
      for (let i = 0; i < 100 && run === undefined; i++) {
        const { runs } = (await (await fetch(`${base}/jobs`, { headers: { "x-workspace-id": workspace } })).json()) as {
          runs: Array<{ name: string; status: string }>
        }
        run = runs.find((candidate) => candidate.name === "backup" && candidate.status !== "running")
        if (run === undefined) await new Promise((resolve) => setTimeout(resolve, 200))
      }
      expect(run?.status).toBe("succeeded")
      const files = fs.readdirSync(path.join(jobDir, "dev"), { recursive: true }).map(String)
      const backup = files.find((name) => name.endsWith(".sql.gz.enc"))!
      for (const file of expired) expect(fs.existsSync(file)).toBe(false)
      expect(
        (await cli(["backup:verify", path.join(jobDir, "dev", backup)], { HOST_MASTER_KEY: TEST_MASTER_KEY })).status
      ).toBe(0)
    } finally {
      await host.stop()
    }
  })
})
