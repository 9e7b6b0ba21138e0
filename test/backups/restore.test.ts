// The restore drill with the real pg_dump and psql: every table seeded, backed up, verified and restored into a fresh
// database that then matches the original row for row, with Row-Level Security intact. And the ways a restore must
// refuse: prod without --i-know, no confirmation, a database that is not empty, a backup that does not verify.
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type pg from "pg"
import { newParents, parentInserts, samples } from "../db/fixtures"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { cleanEnv, runCli, scratchDir } from "../support/hostProcess"
import { randomMasterKey } from "../support/keys"

const KEY = randomMasterKey()
let source: TestDatabase
let backupDir: string
let backup: string
const targets: Array<TestDatabase> = []

const cli = (args: Array<string>, env: Record<string, string | undefined> = {}, input?: string) =>
  runCli(args, {
    cwd: scratchDir(),
    input: input ?? "",
    env: cleanEnv({ HOST_MASTER_KEY: KEY, DATABASE_URL: source.ownerUrl, CARABASE_BACKUP_DIR: backupDir, ...env })
  })

const emptyDatabase = async () => {
  const db = await createDatabase("restored", { migrate: false })
  targets.push(db)
  return db
}

const publicTables = async (client: pg.Client) =>
  (
    await client.query<{ name: string }>(
      "select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' order by 1"
    )
  ).rows.map((row) => row.name)

/** Row counts of every table, and each table's RLS flags and policies exactly as the catalog prints them. */
const snapshot = async (url: string) => {
  const client = await connect(url)
  try {
    const counts: Record<string, number> = {}
    for (const table of await publicTables(client)) {
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from "${table}"`)
      counts[table] = rows[0]!.n
    }
    const rls = await client.query(
      "select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' order by 1"
    )
    const policies = await client.query(
      "select tablename, policyname, cmd, roles::text, qual, with_check from pg_policies where schemaname = 'public' order by 1, 2"
    )
    return { counts, rls: rls.rows, policies: policies.rows }
  } finally {
    await client.end()
  }
}

beforeAll(async () => {
  source = await createDatabase("drill")
  backupDir = path.join(scratchDir("carabase-drill-"), "backups")
  const owner = await connect(source.ownerUrl)
  const tables = await publicTables(owner)
  const workspaces = [crypto.randomUUID(), crypto.randomUUID()]
  await owner.query("insert into workspaces (id, name) values ($1, 'Drill A'), ($2, 'Drill B')", workspaces)
  for (const ws of workspaces) {
    const parents = newParents()
    for (const insert of parentInserts(ws, parents)) await owner.query(insert.sql, [...insert.params])
    for (const table of tables) {
      const sample = samples[table]
      if (sample !== undefined) await owner.query(sample(ws, parents).sql, [...sample(ws, parents).params])
    }
  }
  await owner.end()
  const made = await cli(["backup"])
  expect(made.status, made.stderr).toBe(0)
  backup = /backup written and verified: (\S+)/.exec(made.stdout)![1]!
})

afterAll(async () => {
  for (const db of targets) await db.drop()
  await source?.drop()
})

describe("restore drill", () => {
  it("verifies, restores into a fresh database, and every table, count, RLS flag and policy matches", async () => {
    expect((await cli(["backup:verify", backup])).status).toBe(0)
    const target = await emptyDatabase()
    const restored = await cli(["restore", backup, "--database-url", target.ownerUrl, "--yes"])
    expect(restored.status, restored.stderr).toBe(0)
    expect(restored.stdout).toContain("restored")
    const before = await snapshot(source.ownerUrl)
    const after = await snapshot(target.ownerUrl)
    expect(Object.values(before.counts).filter((n) => n > 0).length).toBeGreaterThan(15)
    expect(after).toEqual(before)
    expect(after.rls.every((row) => row.relrowsecurity === row.relforcerowsecurity)).toBe(true)
  })

  it("the restored database still isolates workspaces for carabase_app", async () => {
    const target = await emptyDatabase()
    expect((await cli(["restore", backup, "--database-url", target.ownerUrl, "--yes"])).status).toBe(0)
    const app = await connect(target.appUrl)
    try {
      expect((await app.query("select count(*)::int as n from memories")).rows[0].n).toBe(0)
      const [ws] = (await connect(target.ownerUrl).then(async (owner) => {
        const { rows } = await owner.query<{ id: string }>("select id from workspaces order by name limit 1")
        await owner.end()
        return rows
      }))!
      await app.query("begin")
      await app.query("select set_config('app.workspace_id', $1, true)", [ws!.id])
      const visible = await app.query<{ n: number; other: number }>(
        "select count(*)::int as n, count(*) filter (where workspace_id <> $1)::int as other from memories",
        [ws!.id]
      )
      await app.query("commit")
      expect(visible.rows[0]!.n).toBeGreaterThan(0)
      expect(visible.rows[0]!.other).toBe(0)
    } finally {
      await app.end()
    }
  })

  it("a prod restore without --i-know is refused before anything is read or written", async () => {
    const target = await emptyDatabase()
    const refused = await cli(["restore", backup, "--database-url", target.ownerUrl, "--yes"], { CARABASE_ENV: "prod" })
    expect(refused.status).toBe(2)
    expect(refused.stderr).toContain("--i-know")
    const client = await connect(target.ownerUrl)
    expect(await publicTables(client)).toEqual([])
    await client.end()
    const allowed = await cli(["restore", backup, "--database-url", target.ownerUrl, "--yes", "--i-know"], {
      CARABASE_ENV: "prod"
    })
    expect(allowed.status, allowed.stderr).toBe(0)
  })

  it("asks first: anything but yes restores nothing, and yes restores", async () => {
    const target = await emptyDatabase()
    const declined = await cli(["restore", backup, "--database-url", target.ownerUrl], {}, "no\n")
    expect(declined.status).toBe(1)
    expect(declined.stderr).toContain("not confirmed")
    const client = await connect(target.ownerUrl)
    expect(await publicTables(client)).toEqual([])
    const accepted = await cli(["restore", backup, "--database-url", target.ownerUrl], {}, "yes\n")
    expect(accepted.status, accepted.stderr).toBe(0)
    expect((await publicTables(client)).length).toBeGreaterThan(10)
    await client.end()
  })

  it("refuses a database that is not empty, and a backup that does not verify, changing nothing", async () => {
    const occupied = await cli(["restore", backup, "--database-url", source.ownerUrl, "--yes"])
    expect(occupied.status).toBe(1)
    expect(occupied.stderr).toMatch(/is not empty \(\d+ tables\)/)

    const target = await emptyDatabase()
    const tampered = `${backup}.tampered`
    const bytes = fs.readFileSync(backup)
    bytes[bytes.length - 40]! ^= 0x80
    fs.writeFileSync(tampered, bytes)
    const result = await cli(["restore", tampered, "--database-url", target.ownerUrl, "--yes"])
    expect(result.status).toBe(1)
    expect(result.stderr).toContain("does not verify")
    const wrongKey = await cli(["restore", backup, "--database-url", target.ownerUrl, "--yes"], {
      HOST_MASTER_KEY: randomMasterKey()
    })
    expect(wrongKey.status).toBe(1)
    const client = await connect(target.ownerUrl)
    expect(await publicTables(client)).toEqual([])
    await client.end()
  })

  it("leaves no decrypted dump behind in the temporary folder", async () => {
    const leftovers = fs
      .readdirSync(process.env.TMPDIR ?? "/tmp")
      .filter((name) => name.startsWith("carabase-restore-"))
    expect(leftovers).toEqual([])
  })

  it("usage errors exit 2", async () => {
    expect((await cli(["restore"])).status).toBe(2)
    expect((await cli(["restore", backup])).status).toBe(2)
    expect((await cli(["restore", backup, "--database-url", "mysql://x"])).status).toBe(2)
  })
})
