// Re-seals every stored secret under a new master key, in one transaction on the owner connection. Sealed values
// live, by convention, in bytea columns named `*_sealed` of tables with a uuid `id`, bound to (table, column, id);
// the columns are found in the catalog, so a secret added by a later migration is rotated without a change here.
// Row security is switched off for the transaction: for a role that cannot bypass it, PostgreSQL then raises an
// error instead of silently showing only some rows, so rotation covers every row or nothing. The master-key check
// (master_key_check) must be the current key's before anything changes, and is rewritten for the new key in the same
// transaction.
import { type SqlClient, SqlSchema } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Data, Effect, Schema } from "effect"
import { keyDestination } from "../models/ModelRouteKeys"
import type { ModelProvider } from "../models/ModelRoutesApi"
import type { CryptoShape, SecretBinding } from "../platform/Crypto"

export class KeyRotationError extends Data.TaggedError("KeyRotationError")<{ readonly message: string }> {}

const SealedColumn = Schema.Struct({ table: Schema.String, column: Schema.String })
export interface SealedColumn extends Schema.Schema.Type<typeof SealedColumn> {}

export interface RotationReport {
  readonly columns: ReadonlyArray<SealedColumn & { readonly values: number }>
  readonly total: number
  /** Whether the database had a master-key check to rewrite. */
  readonly keyCheck: boolean
}

type RowValues = Readonly<Record<string, unknown>>

/**
 * Sealed columns whose associated data also names part of their row, by `table.column`; every other sealed value is
 * bound to (table, column, id) alone. A secret whose binding grows a context is added here and where it is sealed.
 */
const contexts: ReadonlyMap<string, (row: RowValues) => string> = new Map([
  [
    "model_routes.api_key_sealed",
    (row: RowValues) => keyDestination(row.provider as ModelProvider, (row.base_url as string | null) ?? null)
  ]
])

/** The binding of one sealed value, from its row's columns (snake_case, as `to_jsonb` gives them). */
export const bindingOf = (table: string, column: string, rowId: string, row: RowValues): SecretBinding => {
  const context = contexts.get(`${table}.${column}`)
  return context === undefined ? { table, column, rowId } : { table, column, rowId, context: context(row) }
}

const decodeRows = <A, I>(Result: Schema.Schema<A, I>, statement: Effect.Effect<ReadonlyArray<unknown>, SqlError>) =>
  SqlSchema.findAll({ Request: Schema.Void, Result, execute: () => statement })(undefined).pipe(
    // Catalog rows that do not decode are a defect of this host, not an error the caller handles.
    Effect.catchTag("ParseError", Effect.die)
  )

export const sealedColumns = (sql: SqlClient.SqlClient) =>
  decodeRows(
    SealedColumn,
    sql`
      select c.table_name as "table", c.column_name as "column"
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema()
        and t.table_type = 'BASE TABLE'
        and c.column_name like '%\\_sealed'
        and c.data_type = 'bytea'
      order by c.table_name, c.column_name
    `
  )

/** Other sessions of the host on this database: rotating under a running host would leave it holding the old key. */
export const otherHostSessions = (sql: SqlClient.SqlClient) =>
  Effect.map(
    decodeRows(
      Schema.Struct({ count: Schema.Int }),
      sql`
        select count(*)::int as count from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()
          and application_name in ('carabase-app', 'carabase-owner')
      `
    ),
    (rows) => rows[0]?.count ?? 0
  )

const SealedRow = Schema.Struct({
  id: Schema.String,
  value: Schema.Uint8ArrayFromSelf,
  row: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})

/** Every non-null value of a sealed column with its row (without the value), for its binding. */
export const sealedRows = (sql: SqlClient.SqlClient, { table, column }: SealedColumn, options = { lock: false }) =>
  decodeRows(
    SealedRow,
    options.lock
      ? sql`
          select t.id::text as id, t.${sql(column)} as value, to_jsonb(t) - ${column}::text as row
          from ${sql(table)} t where t.${sql(column)} is not null for update
        `
      : sql`
          select t.id::text as id, t.${sql(column)} as value, to_jsonb(t) - ${column}::text as row
          from ${sql(table)} t where t.${sql(column)} is not null
        `
  )

/**
 * Opens a sealed value with its binding, or, for a column whose binding grew a context, with the binding it had
 * before (row alone): such a value is re-sealed with its context.
 */
export const openSealed = (crypto: CryptoShape, value: Uint8Array, binding: SecretBinding) =>
  crypto
    .open(value, binding)
    .pipe(
      Effect.catchTag("SealedValueError", (error) =>
        binding.context === undefined
          ? Effect.fail(error)
          : crypto.open(value, { table: binding.table, column: binding.column, rowId: binding.rowId })
      )
    )

/** Whether master_key_check exists (it does from migration 0011 on). */
export const hasKeyCheckTable = (sql: SqlClient.SqlClient) =>
  Effect.map(
    decodeRows(
      Schema.Struct({ exists: Schema.Boolean }),
      sql`select to_regclass('master_key_check') is not null as exists`
    ),
    (rows) => rows[0]?.exists === true
  )

/** The stored master-key check (one row at most), locked for rotation when `lock` is set. */
export const keyCheckRows = (sql: SqlClient.SqlClient, options = { lock: false }) =>
  decodeRows(
    Schema.Struct({ verifier: Schema.Uint8ArrayFromSelf }),
    options.lock ? sql`select verifier from master_key_check for update` : sql`select verifier from master_key_check`
  )

export const KEY_CHECK_MISMATCH =
  "HOST_MASTER_KEY does not open this database: it is not the key the database was initialised with"

export const rotateSecrets = (sql: SqlClient.SqlClient, from: CryptoShape, to: CryptoShape) =>
  sql.withTransaction(
    Effect.gen(function* () {
      yield* sql`set local row_security = off`
      const keyCheck = yield* hasKeyCheckTable(sql)
      if (keyCheck) {
        const [stored] = yield* keyCheckRows(sql, { lock: true })
        if (stored !== undefined && !from.matchesKeyCheck(stored.verifier)) {
          return yield* new KeyRotationError({
            message: `${KEY_CHECK_MISMATCH} (set HOST_MASTER_KEY to that key to rotate from it); nothing was changed`
          })
        }
      }
      const columns = yield* sealedColumns(sql)
      const report: Array<SealedColumn & { values: number }> = []
      for (const { table, column } of columns) {
        const rows = yield* sealedRows(sql, { table, column }, { lock: true })
        for (const row of rows) {
          const binding = bindingOf(table, column, row.id, row.row)
          const plaintext = yield* openSealed(from, row.value, binding).pipe(
            Effect.mapError(
              (error) =>
                new KeyRotationError({
                  message: `${error.message}; nothing was changed (is HOST_MASTER_KEY the key these secrets were sealed with?)`
                })
            )
          )
          const resealed = yield* to.seal(plaintext, binding)
          yield* sql`update ${sql(table)} set ${sql(column)} = ${resealed} where id = ${row.id}::uuid`
        }
        for (const row of yield* sealedRows(sql, { table, column })) {
          yield* to.open(row.value, bindingOf(table, column, row.id, row.row)).pipe(
            Effect.mapError(
              () =>
                new KeyRotationError({
                  message: `${table}.${column} (row ${row.id}) does not open under the new key after re-sealing; nothing was changed`
                })
            )
          )
        }
        report.push({ table, column, values: rows.length })
      }
      if (keyCheck) {
        yield* sql`
          insert into master_key_check (singleton, verifier) values (true, ${to.keyCheck})
          on conflict (singleton) do update set verifier = excluded.verifier, recorded_at = now()
        `
      }
      return {
        columns: report,
        total: report.reduce((sum, c) => sum + c.values, 0),
        keyCheck
      } satisfies RotationReport
    })
  )
