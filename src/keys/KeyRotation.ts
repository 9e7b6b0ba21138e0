// Re-seals every stored secret under a new master key, in one transaction on the owner connection. Sealed values
// live, by convention, in bytea columns named `*_sealed` of tables with a uuid `id`, bound to (table, column, id);
// the columns are found in the catalog, so a secret added by a later migration is rotated without a change here.
// Row security is switched off for the transaction: for a role that cannot bypass it, PostgreSQL then raises an
// error instead of silently showing only some rows, so rotation covers every row or nothing.
import type { SqlClient } from "@effect/sql"
import { Data, Effect } from "effect"
import type { CryptoShape } from "../platform/Crypto"

export class KeyRotationError extends Data.TaggedError("KeyRotationError")<{ readonly message: string }> {}

export interface SealedColumn {
  readonly table: string
  readonly column: string
}

export interface RotationReport {
  readonly columns: ReadonlyArray<SealedColumn & { readonly values: number }>
  readonly total: number
}

export const sealedColumns = (sql: SqlClient.SqlClient) =>
  sql<SealedColumn>`
    select c.table_name as "table", c.column_name as "column"
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema()
      and t.table_type = 'BASE TABLE'
      and c.column_name like '%\\_sealed'
      and c.data_type = 'bytea'
    order by c.table_name, c.column_name
  `

/** Other sessions of the host on this database: rotating under a running host would leave it holding the old key. */
export const otherHostSessions = (sql: SqlClient.SqlClient) =>
  Effect.map(
    sql<{ readonly count: number }>`
      select count(*)::int as count from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid()
        and application_name in ('carabase-app', 'carabase-owner')
    `,
    (rows) => rows[0]?.count ?? 0
  )

interface SealedRow {
  readonly id: string
  readonly value: Buffer
}

export const rotateSecrets = (sql: SqlClient.SqlClient, from: CryptoShape, to: CryptoShape) =>
  sql.withTransaction(
    Effect.gen(function* () {
      yield* sql`set local row_security = off`
      const columns = yield* sealedColumns(sql)
      const report: Array<SealedColumn & { values: number }> = []
      for (const { table, column } of columns) {
        const rows = yield* sql<SealedRow>`
          select id::text as id, ${sql(column)} as value from ${sql(table)} where ${sql(column)} is not null for update
        `
        for (const row of rows) {
          const binding = { table, column, rowId: row.id }
          const plaintext = yield* from.open(row.value, binding).pipe(
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
        const check = yield* sql<SealedRow>`
          select id::text as id, ${sql(column)} as value from ${sql(table)} where ${sql(column)} is not null
        `
        for (const row of check) {
          yield* to.open(row.value, { table, column, rowId: row.id }).pipe(
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
      return { columns: report, total: report.reduce((sum, c) => sum + c.values, 0) } satisfies RotationReport
    })
  )
