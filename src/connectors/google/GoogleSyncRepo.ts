// SQL of google_sync_cursors and google_sync_items, inside the caller's RLS scope: a connection's cursor per resource
// (a calendar's syncToken, the mailbox's historyId) and what each pulled item became (its etag, and for an event the
// day and key of its log card).
import { SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { AppDb } from "../../platform/Db"

export interface ItemKey {
  readonly connectionId: string
  readonly resource: string
  readonly externalId: string
}

const ItemRow = Schema.Struct({
  externalId: Schema.String,
  etag: Schema.String,
  artifactId: Schema.NullOr(Schema.String),
  noteDate: Schema.NullOr(Schema.String),
  entryKey: Schema.NullOr(Schema.String)
})
export type ItemRow = typeof ItemRow.Type

export const make = Effect.gen(function* () {
  const sql = yield* AppDb

  const findCursor = SqlSchema.findOne({
    Request: Schema.Struct({ connectionId: Schema.String, resource: Schema.String }),
    Result: Schema.Struct({ cursor: Schema.String }),
    execute: ({ connectionId, resource }) => sql`
      select cursor from google_sync_cursors where connection_id = ${connectionId} and resource = ${resource}`
  })
  const findItem = SqlSchema.findOne({
    Request: Schema.Struct({ connectionId: Schema.String, resource: Schema.String, externalId: Schema.String }),
    Result: ItemRow,
    execute: (key) => sql`
      select external_id, etag, artifact_id, note_date::text as note_date, entry_key from google_sync_items
      where connection_id = ${key.connectionId} and resource = ${key.resource} and external_id = ${key.externalId}`
  })
  const cards = SqlSchema.findAll({
    Request: Schema.String,
    Result: Schema.Struct({ noteDate: Schema.String, entryKey: Schema.String }),
    execute: (connectionId) => sql`
      select note_date::text as note_date, entry_key from google_sync_items
      where connection_id = ${connectionId} and note_date is not null and entry_key is not null
      order by note_date, entry_key`
  })

  return {
    cursor: (connectionId: string, resource: string) =>
      Effect.map(
        Effect.orDie(findCursor({ connectionId, resource })),
        Option.map((row) => row.cursor)
      ),
    setCursor: (connectionId: string, resource: string, cursor: string) =>
      Effect.orDie(sql`
        insert into google_sync_cursors (connection_id, resource, cursor) values (${connectionId}, ${resource}, ${cursor})
        on conflict (workspace_id, connection_id, resource) do update set cursor = excluded.cursor, updated_at = now()`),
    clearCursor: (connectionId: string, resource: string) =>
      Effect.orDie(
        sql`delete from google_sync_cursors where connection_id = ${connectionId} and resource = ${resource}`
      ),
    item: (key: ItemKey) => Effect.orDie(findItem(key)),
    putItem: (
      key: ItemKey,
      value: { etag: string; artifactId: string | null; noteDate: string | null; entryKey: string | null }
    ) =>
      Effect.orDie(sql`
        insert into google_sync_items (connection_id, resource, external_id, etag, artifact_id, note_date, entry_key)
        values (${key.connectionId}, ${key.resource}, ${key.externalId}, ${value.etag}, ${value.artifactId}::uuid,
                ${value.noteDate}::date, ${value.entryKey})
        on conflict (workspace_id, connection_id, resource, external_id) do update set
          etag = excluded.etag, artifact_id = excluded.artifact_id, note_date = excluded.note_date,
          entry_key = excluded.entry_key, updated_at = now()`),
    dropItem: (key: ItemKey) =>
      Effect.orDie(sql`
        delete from google_sync_items
        where connection_id = ${key.connectionId} and resource = ${key.resource} and external_id = ${key.externalId}`),
    /** The log cards a connection's events put in notes, for a purge. */
    cards: (connectionId: string) => Effect.orDie(cards(connectionId))
  }
})
