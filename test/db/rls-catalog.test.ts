// The catalog proves the isolation rules hold for every table, not just the ones someone remembered.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type pg from "pg"
import { connect, createDatabase, type TestDatabase } from "../support/database"

/** The policy expression as PostgreSQL prints it back: workspace_id against the transaction-local setting. */
const ISOLATION = "(workspace_id = (NULLIF(current_setting('app.workspace_id'::text, true), ''::text))::uuid)"

let db: TestDatabase
let owner: pg.Client

beforeAll(async () => {
  db = await createDatabase("catalog")
  owner = await connect(db.ownerUrl)
})
afterAll(async () => {
  await owner?.end()
  await db?.drop()
})

describe("row-level security in the catalog", () => {
  it("every table with a workspace_id column has RLS enabled and forced and an isolation policy", async () => {
    const { rows } = await owner.query<{
      table: string
      enabled: boolean
      forced: boolean
      policies: number
      isolating: number
      nullable: boolean
    }>(
      `
      select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
             (select count(*)::int from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname) as policies,
             (select count(*)::int from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname
                and p.qual = $1 and p.with_check = $1
                and p.cmd = 'ALL') as isolating,
             not a.attnotnull as nullable
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped
       where c.relkind in ('r', 'p')
       order by 1`,
      [ISOLATION]
    )
    expect(rows.length).toBeGreaterThanOrEqual(20)
    for (const row of rows) {
      expect(row, `${row.table}`).toMatchObject({ enabled: true, forced: true, nullable: false })
      expect(row.policies, `${row.table} has no policy`).toBeGreaterThan(0)
      expect(row.isolating, `${row.table} has no workspace isolation policy`).toBe(1)
    }
  })

  it("every other table in the schema is workspaces (RLS forced) or host bookkeeping the app cannot touch (api keys it may only read)", async () => {
    const { rows } = await owner.query<{ table: string; forced: boolean }>(`
      select c.relname as table, c.relforcerowsecurity as forced
        from pg_class c join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
       where c.relkind in ('r', 'p')
         and not exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id')
       order by 1`)
    expect(rows).toEqual([
      { table: "api_keys", forced: false },
      { table: "carabase_migrations", forced: false },
      { table: "master_key_check", forced: false },
      { table: "schedule_state", forced: false },
      { table: "workspaces", forced: true }
    ])
    const grants = await owner.query(
      `select table_name from information_schema.role_table_grants
        where grantee = 'carabase_app' and table_name in ('carabase_migrations', 'master_key_check', 'schedule_state')`
    )
    expect(grants.rows).toEqual([])
    const keyGrants = await owner.query(
      `select privilege_type from information_schema.role_table_grants
        where grantee = 'carabase_app' and table_name = 'api_keys'`
    )
    expect(keyGrants.rows).toEqual([{ privilege_type: "SELECT" }])
  })
})

describe("the carabase_app role", () => {
  it("is not a superuser, cannot bypass RLS, create databases or roles", async () => {
    const { rows } = await owner.query(
      "select rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolcanlogin from pg_roles where rolname = 'carabase_app'"
    )
    expect(rows).toEqual([
      { rolsuper: false, rolbypassrls: false, rolcreatedb: false, rolcreaterole: false, rolcanlogin: true }
    ])
  })

  it("owns no relation, schema or function", async () => {
    const { rows } = await owner.query(`
      select 'relation' as kind, relname as name from pg_class where relowner = 'carabase_app'::regrole
      union all select 'schema', nspname from pg_namespace where nspowner = 'carabase_app'::regrole
      union all select 'function', proname from pg_proc where proowner = 'carabase_app'::regrole`)
    expect(rows).toEqual([])
  })

  it("has only DML grants on workspace tables and none on the migrations ledger", async () => {
    const { rows } = await owner.query<{ table_name: string; privilege_type: string }>(`
      select table_name, privilege_type from information_schema.role_table_grants
       where grantee = 'carabase_app' and table_schema = 'public'`)
    const privileges = new Set(rows.map((row) => row.privilege_type))
    expect([...privileges].sort()).toEqual(["DELETE", "INSERT", "SELECT", "UPDATE"])
    expect(rows.filter((row) => row.table_name === "carabase_migrations")).toEqual([])
  })
})
