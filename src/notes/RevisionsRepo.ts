// The SQL of note history: the versions that writes replaced, one row each in note_revisions, read back by note and
// revision number, and thinned by the retention rule. Every statement runs inside the caller's RLS scope.
import { SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { AppDb } from "../platform/Db"
import { WriterKind } from "../platform/Writer"
import type { Document } from "./Document"
import { NoteId } from "./NotesApi"

/** A stored version without its document: what a history listing shows. */
export const RevisionInfo = Schema.Struct({
  revision: Schema.Int,
  size: Schema.Int,
  writerKind: Schema.NullOr(WriterKind),
  writerName: Schema.NullOr(Schema.String),
  writtenAt: Schema.DateTimeUtcFromDate
})
export type RevisionInfo = typeof RevisionInfo.Type

const RevisionRow = Schema.Struct({ ...RevisionInfo.fields, document: Schema.Array(Schema.Unknown) })
export interface RevisionRow extends Omit<typeof RevisionRow.Type, "document"> {
  readonly document: Document
}

/** The version a write is about to replace. */
export interface ReplacedVersion {
  readonly noteId: NoteId
  readonly revision: number
  readonly document: Document
  readonly size: number
  readonly writerKind: WriterKind | null
  readonly writerName: string | null
  readonly writtenAt: Date
}

/** Every version replaced within this long is kept. */
export const KEEP_ALL_DAYS = 7
/** Past KEEP_ALL_DAYS and up to this age, the last version replaced on each (UTC) day is kept; older ones are dropped. */
export const KEEP_DAILY_DAYS = 90

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const info = sql`revision, size, writer_kind, writer_name, written_at`

  const insert = SqlSchema.void({
    Request: Schema.Struct({
      noteId: NoteId,
      revision: Schema.Int,
      document: Schema.String,
      size: Schema.Int,
      writerKind: Schema.NullOr(Schema.String),
      writerName: Schema.NullOr(Schema.String),
      writtenAt: Schema.DateFromSelf
    }),
    execute: (row) => sql`
      insert into note_revisions (note_id, revision, document, size, writer_kind, writer_name, written_at)
      values (${row.noteId}, ${row.revision}, ${row.document}::jsonb, ${row.size}, ${row.writerKind},
              ${row.writerName}, ${row.writtenAt})
    `
  })
  const insertMany = SqlSchema.void({
    Request: Schema.String,
    execute: (versions) => sql`
      insert into note_revisions (note_id, revision, document, size, writer_kind, writer_name, written_at)
      select v.note_id, v.revision, v.document, v.size, v.writer_kind, v.writer_name, v.written_at
        from jsonb_to_recordset(${versions}::jsonb)
             as v(note_id uuid, revision integer, document jsonb, size integer, writer_kind text, writer_name text,
                  written_at timestamptz)
    `
  })
  const list = SqlSchema.findAll({
    Request: NoteId,
    Result: RevisionInfo,
    execute: (noteId) => sql`select ${info} from note_revisions where note_id = ${noteId} order by revision desc`
  })
  const find = SqlSchema.findOne({
    Request: Schema.Struct({ noteId: NoteId, revision: Schema.Int }),
    Result: RevisionRow,
    execute: ({ noteId, revision }) =>
      sql`select ${info}, document from note_revisions where note_id = ${noteId} and revision = ${revision}`
  })
  const prune = SqlSchema.findAll({
    Request: Schema.DateFromSelf,
    Result: Schema.Struct({ revision: Schema.Int }),
    execute: (now) => sql`
      delete from note_revisions r
       where r.replaced_at < ${now}::timestamptz - make_interval(days => ${KEEP_ALL_DAYS})
         and (r.replaced_at < ${now}::timestamptz - make_interval(days => ${KEEP_DAILY_DAYS})
              or exists (
                select 1 from note_revisions later
                 where later.note_id = r.note_id
                   and (later.replaced_at at time zone 'UTC')::date = (r.replaced_at at time zone 'UTC')::date
                   and later.revision > r.revision))
      returning r.revision
    `
  })

  return {
    /** Keeps the version a write replaces; the caller holds the note's row lock, so its revision is not kept yet. */
    insert: (version: ReplacedVersion) =>
      insert({ ...version, document: JSON.stringify(version.document) }).pipe(Effect.orDie),
    /** `insert` for many notes' replaced versions in one statement. */
    insertMany: (versions: ReadonlyArray<ReplacedVersion>) =>
      versions.length === 0
        ? Effect.void
        : insertMany(
            JSON.stringify(
              versions.map((version) => ({
                note_id: version.noteId,
                revision: version.revision,
                document: version.document,
                size: version.size,
                writer_kind: version.writerKind,
                writer_name: version.writerName,
                written_at: version.writtenAt.toISOString()
              }))
            )
          ).pipe(Effect.orDie),
    /** The note's stored versions, newest first. */
    list: (noteId: NoteId) => list(noteId).pipe(Effect.orDie),
    find: (noteId: NoteId, revision: number) =>
      find({ noteId, revision }).pipe(
        Effect.map((row) => row as Option.Option<RevisionRow>),
        Effect.orDie
      ),
    /** Applies the retention rule as of `now`; answers how many versions it dropped. */
    prune: (now: Date) =>
      prune(now).pipe(
        Effect.map((rows) => rows.length),
        Effect.orDie
      )
  }
})

export type RevisionsRepo = Effect.Effect.Success<typeof make>
