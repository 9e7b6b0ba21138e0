// The SQL of daily notes. Every statement runs inside the caller's RLS scope (the workspace comes from the
// transaction, never from a parameter), except the range read, a single statement that opens its own (RlsScope.rows,
// or the caller's scope when one is open); writes keep text_content, revision and updated_at in step with the document.
import { SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import { WriterKind, type WriterInfo } from "../platform/Writer"
import type { Document } from "./Document"
import { NoteDate } from "./NoteDate"
import { NoteId } from "./NotesApi"

/** A daily_notes row as the app pool returns it (the document stays as stored: transformJson is off). */
export const NoteRow = Schema.Struct({
  id: NoteId,
  date: NoteDate,
  document: Schema.Array(Schema.Unknown),
  revision: Schema.Int,
  updatedAt: Schema.DateTimeUtcFromDate,
  /** Who wrote this version; null for one written before notes kept history, or created empty by a read. */
  writerKind: Schema.NullOr(WriterKind),
  writerName: Schema.NullOr(Schema.String)
})
export interface NoteRow extends Omit<typeof NoteRow.Type, "document"> {
  readonly document: Document
}

const asNote = (row: typeof NoteRow.Type): NoteRow => row as NoteRow

/** A top-level logCard of a note: its day, its index in the document, the block as stored. */
export interface LogCardAt {
  readonly date: string
  readonly position: number
  readonly block: unknown
}

/** Names that appear verbatim in any JSON encoding of `["name"]`, so a substring test cannot miss them. */
const jsonVerbatim = (name: string) => /^[\x20-\x7e]*$/.test(name) && !/["\\/]/.test(name)

export interface DateRange {
  readonly from?: NoteDate | undefined
  readonly to?: NoteDate | undefined
}

/** A bulk statement's notes; none, without a round trip, when it is given nothing. */
const notesOf = <E, R>(
  given: ReadonlyArray<unknown>,
  run: () => Effect.Effect<ReadonlyArray<typeof NoteRow.Type>, E, R>
): Effect.Effect<ReadonlyArray<NoteRow>, never, R> =>
  given.length === 0
    ? Effect.succeed([])
    : run().pipe(
        Effect.map((rows) => rows.map(asNote)),
        Effect.orDie
      )

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const columns = sql`id, to_char(date, 'YYYY-MM-DD') as date, document, revision, updated_at, writer_kind, writer_name`

  const ensure = SqlSchema.findAll({
    Request: NoteDate,
    Result: Schema.Struct({ id: NoteId }),
    execute: (date) =>
      sql`insert into daily_notes (date) values (${date}::date) on conflict (workspace_id, date) do nothing returning id`
  })
  const find = SqlSchema.findOne({
    Request: NoteDate,
    Result: NoteRow,
    // One statement: as the current workspace by itself, in one round trip (it joins an open scope).
    execute: (date) => rls.rows(sql`select ${columns} from daily_notes where date = ${date}::date`)
  })
  const findForUpdate = SqlSchema.findOne({
    Request: NoteDate,
    Result: NoteRow,
    execute: (date) => sql`select ${columns} from daily_notes where date = ${date}::date for update`
  })
  const write = SqlSchema.single({
    Request: Schema.Struct({
      id: NoteId,
      document: Schema.String,
      text: Schema.String,
      writerKind: Schema.String,
      writerName: Schema.String
    }),
    Result: NoteRow,
    execute: ({ document, id, text, writerKind, writerName }) => sql`
      update daily_notes
         set document = ${document}::jsonb, text_content = ${text}, revision = revision + 1, updated_at = now(),
             writer_kind = ${writerKind}, writer_name = ${writerName}
       where id = ${id}
      returning ${columns}
    `
  })
  const pageAfter = SqlSchema.findAll({
    Request: Schema.Struct({ after: Schema.NullOr(Schema.String), limit: Schema.Number }),
    Result: Schema.Struct({ date: NoteDate, document: Schema.Array(Schema.Unknown) }),
    execute: ({ after, limit }) =>
      rls.rows(sql`
      select to_char(date, 'YYYY-MM-DD') as date, document
        from daily_notes
       where (${after}::date is null or date > ${after}::date)
       order by date
       limit ${limit}
    `)
  })
  // Bulk forms for many days in one statement (a bulk import): new notes written as they are made, locked reads, writes.
  const createWritten = SqlSchema.findAll({
    Request: Schema.Struct({ days: Schema.String, writerKind: Schema.String, writerName: Schema.String }),
    Result: NoteRow,
    execute: ({ days, writerKind, writerName }) => sql`
      insert into daily_notes (date, document, text_content, revision, writer_kind, writer_name)
      select d.date, d.document, d.text, 1, ${writerKind}, ${writerName}
        from jsonb_to_recordset(${days}::jsonb) as d(date date, document jsonb, text text)
       order by d.date
      on conflict (workspace_id, date) do nothing
      returning ${columns}
    `
  })
  const findManyForUpdate = SqlSchema.findAll({
    Request: Schema.Array(NoteDate),
    Result: NoteRow,
    execute: (dates) =>
      sql`select ${columns} from daily_notes where date = any(${dates}::date[]) order by date for update`
  })
  const writeMany = SqlSchema.findAll({
    Request: Schema.Struct({ notes: Schema.String, writerKind: Schema.String, writerName: Schema.String }),
    Result: NoteRow,
    execute: ({ notes, writerKind, writerName }) => sql`
      update daily_notes n
         set document = d.document, text_content = d.text, revision = n.revision + 1, updated_at = now(),
             writer_kind = ${writerKind}, writer_name = ${writerName}
        from jsonb_to_recordset(${notes}::jsonb) as d(id uuid, document jsonb, text text)
       where n.id = d.id
      returning n.id, to_char(n.date, 'YYYY-MM-DD') as date, n.document, n.revision, n.updated_at, n.writer_kind,
                n.writer_name
    `
  })
  const inRange = SqlSchema.findAll({
    Request: Schema.Struct({
      from: Schema.NullOr(Schema.String),
      to: Schema.NullOr(Schema.String),
      onlyWithTasks: Schema.Boolean
    }),
    Result: Schema.Struct({ date: NoteDate, document: Schema.Array(Schema.Unknown) }),
    execute: ({ from, to, onlyWithTasks }) =>
      rls.rows(sql`
      select to_char(date, 'YYYY-MM-DD') as date, document
        from daily_notes
       where (${from}::date is null or date >= ${from}::date)
         and (${to}::date is null or date <= ${to}::date)
         and (not ${onlyWithTasks} or jsonb_path_exists(document, '$.** ? (@.type == "taskItem")'))
       order by date desc
    `)
  })

  /**
   * Top-level logCards of every daily note that may name the folio `name`. When the name survives JSON encoding
   * verbatim the database narrows by substring; the caller decides exactly either way.
   */
  const logCardsNaming = SqlSchema.findAll({
    Request: Schema.String,
    Result: Schema.Struct({ date: Schema.String, position: Schema.Number, block: Schema.Unknown }),
    execute: (name) =>
      rls.rows(sql`
      select to_char(n.date, 'YYYY-MM-DD') as date, (b.ordinality - 1)::int as position, b.value as block
      from daily_notes n
      cross join lateral jsonb_array_elements(n.document) with ordinality as b(value, ordinality)
      where b.value ->> 'type' = 'logCard'
        and ${
          jsonVerbatim(name)
            ? sql`strpos(lower(coalesce(b.value -> 'attrs' ->> 'folios', '')), lower(${name})) > 0`
            : sql`true`
        }
      order by n.date desc, b.ordinality desc
    `)
  })

  const activity = SqlSchema.findAll({
    Request: Schema.Struct({ from: Schema.String, to: Schema.String }),
    Result: Schema.Struct({ date: NoteDate, entries: Schema.Int }),
    execute: ({ from, to }) =>
      rls.rows(sql`
      select to_char(n.date, 'YYYY-MM-DD') as date,
             (select count(*) from jsonb_array_elements(n.document) b where b ->> 'type' = 'logCard')::int as entries
        from daily_notes n
       where n.date between ${from}::date and ${to}::date
       order by n.date
    `)
  })

  return {
    /** Each existing note's count of top-level log entries, from `from` to `to` (inclusive), oldest first. */
    activity: (from: NoteDate, to: NoteDate) => activity({ from, to }).pipe(Effect.orDie),
    /** Creates the day's empty note unless it exists; true when this call created it. */
    ensure: (date: NoteDate) =>
      ensure(date).pipe(
        Effect.map((rows) => rows.length > 0),
        Effect.orDie
      ),
    find: (date: NoteDate) =>
      find(date).pipe(
        Effect.map((row) => Option.map(row, asNote)),
        Effect.orDie
      ),
    /** The day's note, locked until the transaction ends, so concurrent writers queue instead of losing updates. */
    findForUpdate: (date: NoteDate) =>
      findForUpdate(date).pipe(
        Effect.map((row) => Option.map(row, asNote)),
        Effect.orDie
      ),
    write: (id: NoteId, document: Document, text: string, writer: WriterInfo) =>
      write({ id, document: JSON.stringify(document), text, writerKind: writer.kind, writerName: writer.name }).pipe(
        Effect.map(asNote),
        Effect.orDie
      ),
    /**
     * Writes the days that have no note yet as new notes (revision 1, nothing before it to keep); answers those it
     * created. Days that exist are left as they are.
     */
    createWritten: (
      days: ReadonlyArray<{ readonly date: NoteDate; readonly document: Document; readonly text: string }>,
      writer: WriterInfo
    ) =>
      notesOf(days, () =>
        createWritten({ days: JSON.stringify(days), writerKind: writer.kind, writerName: writer.name })
      ),
    /** The days' notes, locked until the transaction ends (in date order, so two such writers never deadlock). */
    findManyForUpdate: (dates: ReadonlyArray<NoteDate>) => notesOf(dates, () => findManyForUpdate(dates)),
    /** `write` for many notes in one statement. */
    writeMany: (
      notes: ReadonlyArray<{ readonly id: NoteId; readonly document: Document; readonly text: string }>,
      writer: WriterInfo
    ) =>
      notesOf(notes, () =>
        writeMany({ notes: JSON.stringify(notes), writerKind: writer.kind, writerName: writer.name })
      ),
    logCardsNaming: (name: string): Effect.Effect<ReadonlyArray<LogCardAt>, never, CurrentWorkspace> =>
      logCardsNaming(name).pipe(Effect.orDie),
    /** Up to `limit` notes after the day `after` (from the first when null), oldest first. */
    pageAfter: (after: NoteDate | null, limit: number) =>
      pageAfter({ after, limit }).pipe(
        Effect.map((rows) => rows as ReadonlyArray<{ date: NoteDate; document: Document }>),
        Effect.orDie
      ),
    /** Notes in the range, newest first; with `onlyWithTasks`, those holding at least one taskItem. */
    inRange: (range: DateRange, onlyWithTasks: boolean) =>
      inRange({ from: range.from ?? null, to: range.to ?? null, onlyWithTasks }).pipe(
        Effect.map((rows) => rows as ReadonlyArray<{ date: NoteDate; document: Document }>),
        Effect.orDie
      )
  }
})
