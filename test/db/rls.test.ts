// Attacks on workspace isolation, as carabase_app, on every workspace-scoped table found in the catalog: with
// workspace A set, B's rows cannot be read, changed, deleted or forged, and with no workspace nothing is visible.
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type pg from "pg"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { newParents, parentInserts, samples, type Parents } from "./fixtures"

let db: TestDatabase
let owner: pg.Client
let tables: Array<string> = []
const A = crypto.randomUUID()
const B = crypto.randomUUID()
const parents: Record<string, Parents> = { [A]: newParents(), [B]: newParents() }

beforeAll(async () => {
  db = await createDatabase("rls")
  owner = await connect(db.ownerUrl)
  const found = await owner.query<{ table_name: string }>(
    `select c.table_name from information_schema.columns c
       join information_schema.tables t using (table_schema, table_name)
      where c.table_schema = 'public' and c.column_name = 'workspace_id' and t.table_type = 'BASE TABLE'
      order by 1`
  )
  tables = found.rows.map((row) => row.table_name)
  // Seed as the owner (a superuser here, so RLS does not apply to the seeding itself).
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
  for (const ws of [A, B]) {
    for (const insert of parentInserts(ws, parents[ws]!)) await owner.query(insert.sql, [...insert.params])
    for (const table of tables) {
      const sample = samples[table]
      if (sample === undefined) continue
      const insert = sample(ws, parents[ws]!)
      await owner.query(insert.sql, [...insert.params])
    }
  }
})

afterAll(async () => {
  await owner?.end()
  await db?.drop()
})

type Mode = "logged in as carabase_app" | "SET ROLE carabase_app"

/** Runs `body` in a transaction as carabase_app with `workspace` set (or none), always rolled back. */
const asApp = async <T>(mode: Mode, workspace: string | null, body: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = await connect(mode === "logged in as carabase_app" ? db.appUrl : db.ownerUrl)
  try {
    await client.query("begin")
    if (mode === "SET ROLE carabase_app") await client.query("set local role carabase_app")
    const who = await client.query<{ current_user: string }>("select current_user")
    expect(who.rows[0]!.current_user).toBe("carabase_app")
    if (workspace !== null) await client.query("select set_config('app.workspace_id', $1, true)", [workspace])
    return await body(client)
  } finally {
    await client.query("rollback").catch(() => undefined)
    await client.end()
  }
}

const expectRlsViolation = async (attempt: Promise<unknown>) => {
  await expect(attempt).rejects.toMatchObject({ code: "42501" })
  await attempt.catch((error: Error) => expect(error.message).toMatch(/row-level security/))
}

describe("the catalog lists the workspace-scoped tables", () => {
  it("finds every table the system model names, each with a sample row", () => {
    expect(tables).toEqual(
      expect.arrayContaining(["daily_notes", "memories", "artifact_chunks", "webhook_channels", "job_runs"])
    )
    const missing = tables.filter((table) => samples[table] === undefined)
    expect(missing, "add a sample row for these tables in test/db/fixtures.ts").toEqual([])
  })
})

for (const mode of ["logged in as carabase_app", "SET ROLE carabase_app"] as const) {
  describe(`isolation ${mode}`, () => {
    it("every table: reads only its own rows, and B's rows are invisible", async () => {
      for (const table of tables) {
        await asApp(mode, A, async (client) => {
          const theirs = await client.query(`select count(*)::int as n from ${table} where workspace_id = $1`, [B])
          expect(theirs.rows[0].n, `${table}: B's rows visible from A`).toBe(0)
          const all = await client.query(
            `select count(*)::int as n, count(*) filter (where workspace_id <> $1)::int as foreign from ${table}`,
            [A]
          )
          expect(all.rows[0].n, `${table}: A sees none of its own rows`).toBeGreaterThan(0)
          expect(all.rows[0].foreign, `${table}: unfiltered read leaks another workspace`).toBe(0)
        })
      }
    })

    it("every table: UPDATE and DELETE of B's rows touch 0 rows", async () => {
      for (const table of tables) {
        await asApp(mode, A, async (client) => {
          const updated = await client.query(
            `update ${table} set workspace_id = workspace_id where workspace_id = $1`,
            [B]
          )
          expect(updated.rowCount, `${table}: updated B's rows`).toBe(0)
          const deleted = await client.query(`delete from ${table} where workspace_id = $1`, [B])
          expect(deleted.rowCount, `${table}: deleted B's rows`).toBe(0)
        })
      }
      const survivors = await owner.query(`select count(*)::int as n from memories where workspace_id = $1`, [B])
      expect(survivors.rows[0].n).toBeGreaterThan(0)
    })

    it("every table: INSERT of a row for B fails with the row-level security error", async () => {
      for (const table of tables) {
        const insert = samples[table]!(B, parents[B]!)
        await asApp(mode, A, (client) => expectRlsViolation(client.query(insert.sql, [...insert.params])))
      }
    })

    it("every table: moving one of A's rows to B fails", async () => {
      for (const table of tables) {
        await asApp(mode, A, (client) =>
          expectRlsViolation(client.query(`update ${table} set workspace_id = $1 where workspace_id = $2`, [B, A]))
        )
      }
    })

    it("every table: with no workspace set, nothing is visible and nothing can be written", async () => {
      for (const table of tables) {
        await asApp(mode, null, async (client) => {
          const all = await client.query(`select count(*)::int as n from ${table}`)
          expect(all.rows[0].n, `${table}: visible without a workspace`).toBe(0)
        })
        const insert = samples[table]!(A, parents[A]!)
        await asApp(mode, null, (client) => expectRlsViolation(client.query(insert.sql, [...insert.params])))
      }
    })

    it("workspaces: another workspace's row cannot be renamed or deleted", async () => {
      await asApp(mode, A, async (client) => {
        expect((await client.query("update workspaces set name = 'pwned' where id = $1", [B])).rowCount).toBe(0)
        expect((await client.query("delete from workspaces where id = $1", [B])).rowCount).toBe(0)
        expect((await client.query("update workspaces set name = 'renamed' where id = $1", [A])).rowCount).toBe(1)
      })
      await asApp(mode, null, async (client) => {
        expect((await client.query("delete from workspaces")).rowCount).toBe(0)
      })
    })

    it("cannot turn off row-level security or read the migrations ledger", async () => {
      await asApp(mode, A, (client) =>
        expect(client.query("alter table memories disable row level security")).rejects.toMatchObject({ code: "42501" })
      )
      await asApp(mode, A, (client) =>
        expect(client.query("select * from carabase_migrations")).rejects.toMatchObject({ code: "42501" })
      )
      await asApp(mode, A, (client) =>
        expect(client.query("set row_security = off; select count(*) from memories")).rejects.toMatchObject({
          code: "42501"
        })
      )
    })
  })
}
