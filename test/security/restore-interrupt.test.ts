// A restore interrupted half-way, as an owner who hits Ctrl-C (or a service manager that sends SIGTERM) would: the
// CLI stops psql and waits for it before exiting, so no psql is left running to commit on its own, the target
// database is exactly as it was (empty), the decrypted dump is gone, and the same restore then runs through.
import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { cleanEnv, cliJs, runCli, scratchDir } from "../support/hostProcess"
import { randomMasterKey } from "../support/keys"

const KEY = randomMasterKey()
/** Enough rows that psql spends a while inside its one transaction. */
const ROWS = 300_000
let source: TestDatabase
let backup: string
let tmp: string
const targets: Array<TestDatabase> = []

/** The CLI's environment; TMPDIR is private so the leftover check sees only this file's restores. */
const env = () => cleanEnv({ HOST_MASTER_KEY: KEY, DATABASE_URL: source.ownerUrl, TMPDIR: tmp })

beforeAll(async () => {
  source = await createDatabase("restore_interrupt")
  tmp = scratchDir("carabase-interrupt-tmp-")
  const owner = await connect(source.ownerUrl)
  await owner.query(
    `insert into workspaces (name) select 'workspace ' || i || ' ' || md5(i::text) || md5((i * 7)::text)
     from generate_series(1, ${ROWS}) i`
  )
  await owner.end()
  const made = await runCli(["backup"], {
    cwd: scratchDir(),
    env: { ...env(), CARABASE_BACKUP_DIR: path.join(tmp, "backups") }
  })
  expect(made.status, made.stderr).toBe(0)
  backup = /backup written and verified: (\S+)/.exec(made.stdout)![1]!
}, 180_000)

afterAll(async () => {
  for (const db of targets) await db.drop()
  await source?.drop()
  if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true })
})

/** Processes whose parent is `pid`, by name. */
const childrenOf = (pid: number) =>
  execFileSync("ps", ["-A", "-o", "pid=,ppid=,comm="], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 3 && Number(fields[1]) === pid)
    .map((fields) => ({ pid: Number(fields[0]), name: fields.slice(2).join(" ") }))

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const sessionsOf = async (database: string) => {
  const client = await connect(source.ownerUrl)
  try {
    const { rows } = await client.query<{ state: string | null; query: string }>(
      "select state, query from pg_stat_activity where datname = $1 and application_name = 'psql'",
      [database]
    )
    return rows
  } finally {
    await client.end()
  }
}

const tablesIn = async (db: TestDatabase) => {
  const client = await connect(db.ownerUrl)
  try {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r'"
    )
    return rows[0]!.n
  } finally {
    await client.end()
  }
}

const until = async <A>(what: string, probe: () => Promise<A | undefined>, timeoutMs = 60_000): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = await probe()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe("an interrupted restore", () => {
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130]
  ] as const) {
    it(`${signal} mid-COPY: the CLI stops psql, waits for it, and the database is left empty`, async () => {
      const target = await createDatabase("interrupted", { migrate: false })
      targets.push(target)
      const cli = spawn(process.execPath, [cliJs, "restore", backup, "--database-url", target.ownerUrl, "--yes"], {
        cwd: scratchDir(),
        env: env(),
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stderr = ""
      cli.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
      const exited = new Promise<number | null>((resolve) => cli.once("exit", (status) => resolve(status)))

      const psql = await until("psql to start", async () => childrenOf(cli.pid!).find((c) => c.name === "psql"))
      await until("psql to be copying rows", async () =>
        (await sessionsOf(target.name)).find((s) => s.state === "active" && /^COPY public\.workspaces/.test(s.query))
      )
      cli.kill(signal)

      expect(await exited).toBe(code)
      expect(isAlive(psql.pid)).toBe(false)
      expect(childrenOf(cli.pid!)).toEqual([])
      expect(stderr).toContain(`interrupted (${signal})`)
      expect(stderr).toContain("psql was stopped before it committed, so nothing was restored")
      await until("the server to end psql's session", async () =>
        (await sessionsOf(target.name)).length === 0 ? true : undefined
      )
      expect(await tablesIn(target)).toBe(0)
      expect(fs.readdirSync(tmp).filter((name) => name.startsWith("carabase-restore-"))).toEqual([])
    })
  }

  it("leaves the database as it was: the same restore afterwards runs through", async () => {
    const target = targets[0]!
    const result = await runCli(["restore", backup, "--database-url", target.ownerUrl, "--yes"], {
      cwd: scratchDir(),
      env: env()
    })
    expect(result.status, result.stderr).toBe(0)
    const client = await connect(target.ownerUrl)
    const { rows } = await client.query<{ n: number }>("select count(*)::int as n from workspaces")
    await client.end()
    expect(rows[0]!.n).toBe(ROWS)
  })
})
