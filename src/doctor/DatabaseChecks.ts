// Doctor's checks of the database against the threat model: the app role cannot bypass Row-Level Security and owns
// nothing, every workspace table has RLS enabled and forced with a policy, the migrations are current, and
// HOST_MASTER_KEY is the key the database was initialised with.
import { type SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { keyCheckStatus } from "../keys/KeyCheck"
import type { CryptoShape } from "../platform/Crypto"
import { currentRole } from "../platform/Db"
import { migrationStatus } from "../platform/Migrator"
import { fail, pass, warn, type CheckResult } from "./Check"

/** `app` is a connection as APP_DATABASE_URL; `owner` looks the role's objects up in the catalog. */
export const appRoleCheck = (app: SqlClient.SqlClient, owner: SqlClient.SqlClient) =>
  Effect.gen(function* () {
    const name = "app role"
    const role = Option.getOrUndefined(yield* currentRole(app))
    if (role === undefined) return fail(name, "APP_DATABASE_URL's role is not in pg_roles", "run `pnpm bootstrap`")
    const problems: Array<string> = []
    if (role.rolname !== "carabase_app") problems.push(`logs in as ${role.rolname}, not carabase_app`)
    if (role.rolsuper) problems.push("is a superuser")
    if (role.rolbypassrls) problems.push("has BYPASSRLS")
    const owned = yield* SqlSchema.findAll({
      Request: Schema.String,
      Result: Schema.Struct({ kind: Schema.String, name: Schema.String }),
      execute: (rolname) => owner`
        select 'table' as kind, c.relname as name from pg_class c where c.relowner = ${rolname}::regrole
        union all select 'schema', n.nspname from pg_namespace n where n.nspowner = ${rolname}::regrole
        union all select 'function', p.proname from pg_proc p where p.proowner = ${rolname}::regrole
        union all select 'database', d.datname from pg_database d where d.datdba = ${rolname}::regrole
        order by 1, 2 limit 6
      `
    })(role.rolname)
    if (owned.length > 0) {
      problems.push(`owns ${owned.map((o) => `${o.kind} ${o.name}`).join(", ")} (an owner can switch RLS off)`)
    }
    return problems.length === 0
      ? pass(name, `${role.rolname}: not a superuser, no BYPASSRLS, owns nothing`)
      : fail(
          name,
          `the app role ${problems.join("; ")}`,
          "APP_DATABASE_URL must log in as carabase_app (NOSUPERUSER NOBYPASSRLS), and the owner role must own every object"
        )
  })

const TableRow = Schema.Struct({
  name: Schema.String,
  enabled: Schema.Boolean,
  forced: Schema.Boolean,
  policies: Schema.Int
})

export const rlsCheck = (owner: SqlClient.SqlClient) =>
  Effect.gen(function* () {
    const name = "row-level security"
    const tables = yield* SqlSchema.findAll({
      Request: Schema.Void,
      Result: TableRow,
      execute: () => owner`
        select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
               (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind in ('r', 'p')
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped)
        order by c.relname
      `
    })(undefined)
    const broken = tables.flatMap((table) => {
      const missing = [
        ...(table.enabled ? [] : ["not enabled"]),
        ...(table.forced ? [] : ["not forced"]),
        ...(table.policies > 0 ? [] : ["no policy"])
      ]
      return missing.length === 0 ? [] : [`${table.name} (${missing.join(", ")})`]
    })
    return broken.length === 0
      ? pass(name, `all ${tables.length} tables with workspace_id have RLS enabled, forced, with a policy`)
      : fail(
          name,
          `RLS is not complete on ${broken.join("; ")}`,
          `run \`select carabase_protect('<table>')\` as the owner for each table named, or restore it from a migration`
        )
  })

export const migrationsCheck = (owner: SqlClient.SqlClient) =>
  Effect.map(migrationStatus(owner), (status): CheckResult => {
    const name = "migrations"
    if (status.problem !== null) return fail(name, status.problem, "run the host version that matches this database")
    if (status.pending.length > 0) {
      return fail(name, `${status.pending.length} pending: ${status.pending.join(", ")}`, "run `pnpm carabase migrate`")
    }
    return pass(name, "the database is at the newest migration this host knows")
  })

/** The background re-index for BM25 ranking (search_reindex, written by the host's Reindex sweep). */
export const searchIndexCheck = (owner: SqlClient.SqlClient) =>
  Effect.gen(function* () {
    const name = "search index"
    const rows = yield* SqlSchema.findAll({
      Request: Schema.Void,
      Result: Schema.Struct({
        pending: Schema.NumberFromString,
        done: Schema.NumberFromString,
        finished: Schema.Boolean,
        recorded: Schema.Boolean
      }),
      execute: () => owner`
        select coalesce(sum(pending), 0)::text as pending, coalesce(sum(done), 0)::text as done,
          coalesce(bool_and(finished_at is not null), true) as finished, count(*) > 0 as recorded
        from search_reindex`
    })(undefined).pipe(Effect.catchAll(() => Effect.succeed(undefined)))
    if (rows === undefined) return warn(name, "could not read the re-index progress", "run `pnpm carabase migrate`")
    const row = rows[0]
    if (row === undefined || !row.recorded) return pass(name, "no chunk needed re-indexing for BM25 ranking")
    if (row.finished) return pass(name, `re-indexed for BM25 ranking (${row.done} chunk(s))`)
    return warn(
      name,
      `re-indexing for BM25 ranking: ${row.done} of ${row.done + row.pending} chunk(s) done; until then the rest are found by meaning only`,
      "keep the host running: the re-index runs in the background after boot"
    )
  })

/** `crypto` is None when HOST_MASTER_KEY is missing or malformed (the "master key" check says so). */
export const databaseKeyCheck = (owner: SqlClient.SqlClient, crypto: Option.Option<CryptoShape>, keySource: string) =>
  Effect.gen(function* () {
    const name = "database key"
    if (Option.isNone(crypto)) {
      return warn(name, "not checked: HOST_MASTER_KEY is missing or malformed", "fix HOST_MASTER_KEY first")
    }
    const fix = `put the key this database was initialised with back in ${keySource}, or move to this key with \`carabase rotate-key\` (original key as HOST_MASTER_KEY, this one as NEW_HOST_MASTER_KEY)`
    const read = yield* Effect.either(keyCheckStatus(owner, crypto.value))
    if (read._tag === "Left") {
      return fail(name, `could not be checked: ${read.left.message}`, "fix the database connection and rerun")
    }
    const status = read.right
    switch (status._tag) {
      case "Matches":
        return pass(name, "HOST_MASTER_KEY is the key this database was initialised with")
      case "Differs":
        return fail(
          name,
          "HOST_MASTER_KEY is not the key this database was initialised with: the host refuses to boot",
          fix
        )
      case "NoTable":
        return warn(
          name,
          "not checked: the database has no master-key check yet (a migration is pending)",
          "run `pnpm carabase migrate`"
        )
      case "Unrecorded":
        switch (status.secrets) {
          case "none":
            return pass(
              name,
              "no key check recorded and no secret stored yet: the host records the check at its next boot"
            )
          case "open":
            return pass(
              name,
              "HOST_MASTER_KEY opens the stored secrets; the host records the key check at its next boot"
            )
          case "do-not-open":
            return fail(
              name,
              "HOST_MASTER_KEY does not open the secrets stored in this database: the host refuses to boot",
              fix
            )
          case "unreadable":
            return warn(
              name,
              "no key check recorded yet, and the stored secrets cannot be read to compare (the owner role cannot bypass row security)",
              "start the host once with the right key: it records the check"
            )
        }
    }
  })
