// Applies the numbered SQL files in sql/ in order, each in its own transaction on the owner connection, and records
// each with its SHA-256. A file changed after it was applied, or a migration the database has but this host does
// not know, refuses to boot. Concurrent migrators serialise on a transaction-level advisory lock.
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { type SqlClient, SqlSchema } from "@effect/sql"
import { Effect, Schedule, Schema } from "effect"
import { BootError } from "./HostEnv"

export interface Migration {
  readonly id: number
  readonly name: string
  readonly file: string
  readonly text: string
  readonly checksum: string
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/
const LOCK_KEY = 0x6361_7261 // "cara"

/** The repository's sql/ folder, found from this module whether it runs from src/ or from the dist/ bundle. */
export const defaultSqlDir = (): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, "sql")
    if (fs.existsSync(path.join(candidate, "0001_roles.sql"))) return candidate
    dir = path.dirname(dir)
  }
  throw new Error("cannot find the sql/ migrations folder next to the host")
}

export const readMigrations = (dir: string): ReadonlyArray<Migration> => {
  const migrations = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .map((file) => {
      const match = FILE_PATTERN.exec(file)
      if (match === null) throw new Error(`sql/${file} is not named NNNN_name.sql`)
      const text = fs.readFileSync(path.join(dir, file), "utf8")
      return {
        id: Number(match[1]),
        name: match[2]!,
        file,
        text,
        checksum: crypto.createHash("sha256").update(text).digest("hex")
      }
    })
    .sort((a, b) => a.id - b.id)
  migrations.forEach((migration, index) => {
    if (index > 0 && migrations[index - 1]!.id === migration.id)
      throw new Error(`two migrations are numbered ${migration.id}`)
  })
  return migrations
}

const AppliedRow = Schema.Struct({ id: Schema.Int, name: Schema.String, checksum: Schema.String })
interface AppliedRow extends Schema.Schema.Type<typeof AppliedRow> {}

/** The migrations the database records; rows that do not decode are a defect (the table is this file's own). */
const appliedRows = (sql: SqlClient.SqlClient) =>
  SqlSchema.findAll({
    Request: Schema.Void,
    Result: AppliedRow,
    execute: () => sql`select id, name, checksum from carabase_migrations order by id`
  })(undefined).pipe(Effect.catchTag("ParseError", Effect.die))

export interface MigrationReport {
  readonly applied: ReadonlyArray<string>
  readonly current: number
}

export const migrate = (sql: SqlClient.SqlClient, dir: string = defaultSqlDir()) =>
  Effect.gen(function* () {
    const migrations = yield* Effect.try({
      try: () => readMigrations(dir),
      catch: (error) => new BootError({ message: `cannot read migrations: ${(error as Error).message}` })
    })
    const applied: Array<string> = []
    for (;;) {
      const next = yield* sql
        .withTransaction(
          Effect.gen(function* () {
            yield* sql`select pg_advisory_xact_lock(${LOCK_KEY})`
            yield* sql`
            create table if not exists carabase_migrations (
              id integer primary key,
              name text not null,
              checksum text not null,
              applied_at timestamptz not null default now()
            )
          `
            const rows = yield* appliedRows(sql)
            yield* verifyApplied(rows, migrations)
            const done = new Set(rows.map((row) => row.id))
            const pending = migrations.find((migration) => !done.has(migration.id))
            if (pending === undefined) return null
            yield* sql.unsafe(pending.text).pipe(
              Effect.mapError(
                (error) =>
                  new BootError({
                    message: `migration sql/${pending.file} failed and was rolled back: ${(error.cause as Error)?.message ?? error.message}`
                  })
              )
            )
            yield* sql`insert into carabase_migrations (id, name, checksum) values (${pending.id}, ${pending.name}, ${pending.checksum})`
            return pending.file
          })
        )
        .pipe(
          // Roles are cluster-wide: two databases migrating at the same moment (two envs, parallel test suites) can both
          // ALTER ROLE carabase_app, and PostgreSQL then fails one with "tuple concurrently updated". The migration's
          // transaction was rolled back, so running it again is safe.
          Effect.retry({
            times: 5,
            schedule: Schedule.exponential("50 millis"),
            while: (error) => /tuple concurrently updated/.test(errorText(error))
          })
        )
      if (next === null) break
      applied.push(next)
      yield* Effect.logInfo(`applied migration sql/${next}`)
    }
    return { applied, current: migrations.at(-1)?.id ?? 0 } satisfies MigrationReport
  }).pipe(
    Effect.catchTag("SqlError", (error) =>
      Effect.fail(new BootError({ message: `migrations failed: ${(error.cause as Error)?.message ?? error.message}` }))
    ),
    Effect.annotateLogs("service", "Migrator")
  )

const errorText = (error: { readonly message: string; readonly cause?: unknown }): string =>
  `${error.message} ${error.cause instanceof Error ? error.cause.message : ""}`

const verifyApplied = (rows: ReadonlyArray<AppliedRow>, migrations: ReadonlyArray<Migration>) =>
  Effect.gen(function* () {
    const known = new Map(migrations.map((migration) => [migration.id, migration]))
    for (const row of rows) {
      const migration = known.get(row.id)
      if (migration === undefined) {
        return yield* new BootError({
          message: `the database has migration ${row.id} (${row.name}) that this host does not know: it was migrated by a newer host`
        })
      }
      if (migration.checksum !== row.checksum) {
        return yield* new BootError({
          message: `migration sql/${migration.file} was changed after it was applied (checksum mismatch): restore the original file and put the change in a new migration`
        })
      }
    }
  })

export interface MigrationStatus {
  /** Migration files this host has that the database has not applied. */
  readonly pending: ReadonlyArray<string>
  /** A changed or unknown applied migration, as the message the host would refuse to boot with. */
  readonly problem: string | null
}

/** Compares the database with sql/ without changing anything (doctor's "migrations current" check). */
export const migrationStatus = (sql: SqlClient.SqlClient, dir: string = defaultSqlDir()) =>
  Effect.gen(function* () {
    const migrations = readMigrations(dir)
    const table = yield* SqlSchema.single({
      Request: Schema.Void,
      Result: Schema.Struct({ exists: Schema.Boolean }),
      execute: () => sql`select to_regclass('carabase_migrations') is not null as exists`
    })(undefined).pipe(Effect.catchTags({ ParseError: Effect.die, NoSuchElementException: Effect.die }))
    const rows = table.exists ? yield* appliedRows(sql) : []
    const problem = yield* verifyApplied(rows, migrations).pipe(
      Effect.as(null),
      Effect.catchTag("BootError", (error) => Effect.succeed(error.message))
    )
    const done = new Set(rows.map((row) => row.id))
    return {
      pending: migrations.filter((migration) => !done.has(migration.id)).map((migration) => migration.file),
      problem
    } satisfies MigrationStatus
  })
