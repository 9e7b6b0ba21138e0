// Migrations: a fresh database gets every file in order, a second run changes nothing, and a file changed after it
// was applied (or a failing one) stops the host with a message that names the file.
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { readMigrations, defaultSqlDir } from "../../src/platform/Migrator"
import { connect, createDatabase, runMigrations, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost } from "../support/hostProcess"
import { freePort } from "../support/ports"

const databases: Array<TestDatabase> = []
const fresh = async (label: string) => {
  const db = await createDatabase(label, { migrate: false })
  databases.push(db)
  return db
}
afterAll(() => Promise.all(databases.map((db) => db.drop())))

/** A private copy of sql/ that a test may change. */
const copySql = () => {
  const dir = path.join(scratchDir("carabase-sql-"), "sql")
  fs.cpSync(defaultSqlDir(), dir, { recursive: true })
  return dir
}

const ledger = async (url: string) => {
  const client = await connect(url)
  try {
    return (
      await client.query<{ id: number; checksum: string }>("select id, checksum from carabase_migrations order by id")
    ).rows
  } finally {
    await client.end()
  }
}

describe("migrations", () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await fresh("migrate")
  })

  it("applies every file in order on a fresh database and records its checksum", async () => {
    const report = await runMigrations(db.ownerUrl)
    const files = readMigrations(defaultSqlDir())
    expect(report.applied).toEqual(files.map((file) => file.file))
    expect(await ledger(db.ownerUrl)).toEqual(files.map((file) => ({ id: file.id, checksum: file.checksum })))
  })

  it("is a no-op when run again", async () => {
    const before = await ledger(db.ownerUrl)
    const report = await runMigrations(db.ownerUrl)
    expect(report.applied).toEqual([])
    expect(await ledger(db.ownerUrl)).toEqual(before)
  })

  it("refuses when an applied file was changed, naming it", async () => {
    const dir = copySql()
    fs.appendFileSync(path.join(dir, "0002_workspaces.sql"), "\n-- an innocent-looking edit\n")
    await expect(runMigrations(db.ownerUrl, dir)).rejects.toThrow(
      /migration sql\/0002_workspaces\.sql was changed after it was applied/
    )
  })

  it("refuses when the database has a migration this host does not know", async () => {
    const dir = copySql()
    fs.rmSync(path.join(dir, fs.readdirSync(dir).sort().at(-1)!))
    await expect(runMigrations(db.ownerUrl, dir)).rejects.toThrow(/that this host does not know/)
  })

  it("rolls a failing migration back whole and records nothing", async () => {
    const dir = copySql()
    fs.writeFileSync(
      path.join(dir, "9999_broken.sql"),
      "create table half_done (id int);\ninsert into no_such_table values (1);\n"
    )
    await expect(runMigrations(db.ownerUrl, dir)).rejects.toThrow(/sql\/9999_broken\.sql failed and was rolled back/)
    const client = await connect(db.ownerUrl)
    const table = await client.query("select to_regclass('public.half_done') as t")
    await client.end()
    expect(table.rows[0].t).toBeNull()
    expect((await ledger(db.ownerUrl)).map((row) => row.id)).not.toContain(9999)
  })

  it("two migrators racing on one fresh database apply each file exactly once", async () => {
    const racing = await fresh("race")
    const results = await Promise.all([runMigrations(racing.ownerUrl), runMigrations(racing.ownerUrl)])
    const applied = results.flatMap((result) => result.applied).sort()
    expect(applied).toEqual(readMigrations(defaultSqlDir()).map((file) => file.file))
  })

  it("several databases on one server migrate at the same moment (the shared role is altered by each)", async () => {
    const many = await Promise.all(Array.from({ length: 6 }, (_, i) => fresh(`parallel_${i}`)))
    const results = await Promise.all(many.map((db) => runMigrations(db.ownerUrl)))
    const files = readMigrations(defaultSqlDir()).map((file) => file.file)
    for (const result of results) expect(result.applied).toEqual(files)
  })

  it("the host applies pending migrations at boot", async () => {
    const boot = await fresh("boot")
    const port = await freePort()
    const host = startHost({ cwd: scratchDir(), env: hostEnv({ ownerUrl: boot.ownerUrl, appUrl: boot.appUrl }, port) })
    try {
      await host.ready()
      expect((await ledger(boot.ownerUrl)).length).toBe(readMigrations(defaultSqlDir()).length)
      const health = (await (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).json()) as { database: string }
      expect(health.database).toBe("up")
    } finally {
      await host.stop()
    }
  })
})
