// The folios SQL: folios, their commits and timeline entries. (A folio's log is read through Notes, which owns
// daily_notes; the artifacts a commit names are checked through Artifacts.)
// Every statement runs inside the caller's RLS scope; rows are decoded here (pg gives timestamptz as Date).
import { SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { AppDb, JsonbRow, rowsOrDie } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import { ArtifactId } from "../artifacts/ArtifactsApi"
import { Folio, FolioCommit, FolioId, TimelineEntry } from "./FoliosApi"

const FolioRow = Schema.Struct({
  ...Folio.fields,
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
})
const TimelineRow = Schema.Struct({ ...TimelineEntry.fields, createdAt: Schema.DateTimeUtcFromDate })
const CommitRow = Schema.Struct({ ...FolioCommit.fields, createdAt: Schema.DateTimeUtcFromDate })

/**
 * Only SqlError stays in the error channel, for callers that map constraint violations. A stored row that no longer
 * decodes, or an insert that returns nothing, is a defect of the host, not something the client did.
 */
const folioColumns = "id, name, about, revision, created_at, updated_at"

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const columns = sql.literal(folioColumns)

  const pageAfter = SqlSchema.findAll({
    Request: Schema.Struct({ after: Schema.NullOr(Schema.String), limit: Schema.Number }),
    Result: FolioRow,
    execute: ({ after, limit }) =>
      rls.rows(sql`
      select ${columns} from folios
      where (${after}::uuid is null or id > ${after}::uuid)
      order by id
      limit ${limit}
    `)
  })

  const list = SqlSchema.findAll({
    Request: Schema.UndefinedOr(Schema.String),
    Result: FolioRow,
    // One statement, run as the current workspace by itself (one round trip; joins an open scope).
    execute: (search) =>
      rls.rows(sql`
      select ${columns} from folios
      where ${
        search === undefined || search === ""
          ? sql`true`
          : sql`(strpos(lower(name), lower(${search})) > 0 or strpos(lower(about), lower(${search})) > 0)`
      }
      order by lower(name), id
    `)
  })

  const insert = SqlSchema.single({
    Request: Schema.Struct({ name: Schema.String, about: Schema.String }),
    Result: FolioRow,
    execute: ({ about, name }) => sql`insert into folios (name, about) values (${name}, ${about}) returning ${columns}`
  })

  const find = SqlSchema.findOne({
    Request: FolioId,
    Result: FolioRow,
    execute: (id) => sql`select ${columns} from folios where id = ${id}`
  })

  const update = SqlSchema.findOne({
    Request: Schema.Struct({
      id: FolioId,
      name: Schema.NullOr(Schema.String),
      about: Schema.NullOr(Schema.String)
    }),
    Result: FolioRow,
    execute: ({ about, id, name }) => sql`
      update folios
      set name = coalesce(${name}::text, name), about = coalesce(${about}::text, about), revision = revision + 1,
          updated_at = now()
      where id = ${id}
      returning ${columns}
    `
  })

  /** The folio, locked until the transaction ends (an edit checks its revision and writes under the lock). */
  const findForUpdate = SqlSchema.findOne({
    Request: FolioId,
    Result: FolioRow,
    execute: (id) => sql`select ${columns} from folios where id = ${id} for update`
  })

  /** Marks the folio as just active and locks it until the transaction ends; None when it does not exist. */
  const touch = SqlSchema.findOne({
    Request: FolioId,
    Result: FolioRow,
    execute: (id) => sql`update folios set updated_at = now() where id = ${id} returning ${columns}`
  })

  const timeline = SqlSchema.findAll({
    Request: FolioId,
    Result: TimelineRow,
    execute: (folioId) => sql`
      select id, to_char(date, 'YYYY-MM-DD') as date, synopsis, source, created_at
      from folio_timeline_entries
      where folio_id = ${folioId}
      order by date desc, created_at desc, id desc
    `
  })

  const commits = SqlSchema.findAll({
    Request: FolioId,
    Result: CommitRow,
    execute: (folioId) => sql`
      select id, folio_id, message, artifact_ids, created_at
      from folio_commits
      where folio_id = ${folioId}
      order by created_at desc, id desc
    `
  })

  const insertCommit = SqlSchema.single({
    Request: Schema.Struct({ folioId: FolioId, message: Schema.String, artifactIds: Schema.Array(ArtifactId) }),
    Result: CommitRow,
    execute: ({ artifactIds, folioId, message }) => sql`
      insert into folio_commits (folio_id, message, artifact_ids)
      values (${folioId}, ${message}, ${artifactIds}::uuid[])
      returning id, folio_id, message, artifact_ids, created_at
    `
  })

  /** The day's synthesized synopsis, unless the folio has one for that day already; answers the new row, if any. */
  const insertSynopsis = SqlSchema.findAll({
    Request: Schema.Struct({ folioId: FolioId, date: Schema.String, synopsis: Schema.String }),
    Result: Schema.Struct({ id: Schema.UUID }),
    execute: ({ date, folioId, synopsis }) => sql`
      insert into folio_timeline_entries (folio_id, date, synopsis, source)
      select ${folioId}, ${date}::date, ${synopsis}, 'synthesis'
      where not exists (
        select 1 from folio_timeline_entries
        where folio_id = ${folioId} and date = ${date}::date and source = 'synthesis'
      )
      returning id`
  })

  const takeCommits = SqlSchema.findAll({
    Request: FolioId,
    Result: Schema.Struct({ row: JsonbRow, id: Schema.String }),
    execute: (id) => sql`
      delete from folio_commits c where folio_id = ${id} returning to_jsonb(c) - 'workspace_id' as row, id`
  })
  const takeTimeline = SqlSchema.findAll({
    Request: FolioId,
    Result: Schema.Struct({ row: JsonbRow }),
    execute: (id) => sql`
      delete from folio_timeline_entries t where folio_id = ${id} returning to_jsonb(t) - 'workspace_id' as row`
  })
  const takeFolio = SqlSchema.findOne({
    Request: FolioId,
    Result: Schema.Struct({ row: JsonbRow, name: Schema.String }),
    execute: (id) => sql`
      delete from folios f where id = ${id} returning to_jsonb(f) - 'workspace_id' as row, name`
  })
  const named = SqlSchema.findOne({
    Request: Schema.String,
    Result: Schema.Struct({ id: FolioId }),
    execute: (name) => sql`select id from folios where lower(name) = lower(${name})`
  })
  const putFolio = SqlSchema.single({
    Request: Schema.Unknown,
    Result: Schema.Struct({ id: FolioId }),
    execute: (folio) => sql`
      insert into folios (id, name, about, archived_at, created_at, updated_at)
      select id, name, about, archived_at, created_at, updated_at
      from jsonb_populate_record(null::folios, ${JSON.stringify(folio)}::jsonb)
      returning id`
  })

  const commitCounts = SqlSchema.findAll({
    Request: Schema.Void,
    Result: Schema.Struct({ folioId: Schema.String, commits: Schema.NumberFromString }),
    execute: () =>
      rls.rows(sql`select folio_id::text as folio_id, count(*)::text as commits from folio_commits group by folio_id`)
  })

  return {
    list: (search: string | undefined) => rowsOrDie(list(search)),
    pageAfter: (after: string | null, limit: number) => rowsOrDie(pageAfter({ after, limit })),
    commitCounts: rowsOrDie(commitCounts(undefined)),
    insert: (input: { readonly name: string; readonly about: string }) => rowsOrDie(insert(input)),
    find: (id: FolioId) => rowsOrDie(find(id)),
    findForUpdate: (id: FolioId) => rowsOrDie(findForUpdate(id)),
    update: (input: { readonly id: FolioId; readonly name: string | null; readonly about: string | null }) =>
      rowsOrDie(update(input)),
    touch: (id: FolioId) => rowsOrDie(touch(id)),
    timeline: (folioId: FolioId) => rowsOrDie(timeline(folioId)),
    commits: (folioId: FolioId) => rowsOrDie(commits(folioId)),
    insertCommit: (input: {
      readonly folioId: FolioId
      readonly message: string
      readonly artifactIds: ReadonlyArray<ArtifactId>
    }) => rowsOrDie(insertCommit(input)),
    insertSynopsis: (input: { readonly folioId: FolioId; readonly date: string; readonly synopsis: string }) =>
      rowsOrDie(insertSynopsis(input)).pipe(Effect.map((rows) => rows.length > 0)),
    /** Deletes a folio with its commits and timeline; answers their rows (undefined when there was no folio). */
    take: (id: FolioId) =>
      Effect.gen(function* () {
        const commits = yield* rowsOrDie(takeCommits(id))
        const timeline = yield* rowsOrDie(takeTimeline(id))
        const folio = Option.getOrUndefined(yield* rowsOrDie(takeFolio(id)))
        return folio === undefined
          ? undefined
          : {
              folio,
              commits: commits.map((commit) => commit.row),
              commitIds: commits.map((commit) => commit.id),
              timeline: timeline.map((entry) => entry.row)
            }
      }),
    /** The id of a folio with this name (ignoring case), if any. */
    named: (name: string) => rowsOrDie(named(name)).pipe(Effect.map((row) => Option.getOrUndefined(row)?.id)),
    /** Puts back what `take` answered, under the same ids. */
    put: (data: { readonly folio: unknown; readonly commits: unknown; readonly timeline: unknown }) =>
      Effect.gen(function* () {
        const folio = yield* rowsOrDie(putFolio(data.folio))
        yield* sql`
          insert into folio_commits (id, folio_id, message, artifact_ids, created_at)
          select id, folio_id, message, artifact_ids, created_at
          from jsonb_populate_recordset(null::folio_commits, ${JSON.stringify(data.commits ?? [])}::jsonb)`
        yield* sql`
          insert into folio_timeline_entries (id, folio_id, date, synopsis, source, created_at)
          select id, folio_id, date, synopsis, source, created_at
          from jsonb_populate_recordset(null::folio_timeline_entries, ${JSON.stringify(data.timeline ?? [])}::jsonb)`
        return folio.id
      })
  }
})

export type FoliosRepo = Effect.Effect.Success<typeof make>
