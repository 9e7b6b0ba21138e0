// The SQL of imports: the run (progress and counts), its per-file report, and what each source path last became (its
// content hash and target), which makes a second import of the same vault change nothing. Every statement runs in
// the caller's RLS scope.
import { SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { AppDb } from "../platform/Db"
import { ImportFileReport, ImportFormat, ImportOutcome, ImportStatus } from "./PortabilityApi"

const StatusRow = Schema.Struct({
  id: Schema.UUID,
  format: ImportFormat,
  dryRun: Schema.Boolean,
  status: Schema.Literal("running", "done", "failed"),
  total: Schema.Int,
  done: Schema.Int,
  created: Schema.Int,
  updated: Schema.Int,
  unchanged: Schema.Int,
  skipped: Schema.Int,
  error: Schema.NullOr(Schema.String),
  startedAt: Schema.DateTimeUtcFromDate,
  finishedAt: Schema.NullOr(Schema.DateTimeUtcFromDate)
})

const toStatus = (row: typeof StatusRow.Type): ImportStatus => ({
  id: row.id,
  format: row.format,
  dryRun: row.dryRun,
  status: row.status,
  total: row.total,
  done: row.done,
  counts: { created: row.created, updated: row.updated, unchanged: row.unchanged, skipped: row.skipped },
  error: row.error,
  startedAt: row.startedAt,
  finishedAt: row.finishedAt
})

export const SourceRow = Schema.Struct({
  path: Schema.String,
  contentHash: Schema.String,
  kind: Schema.String,
  target: Schema.String
})
export type SourceRow = typeof SourceRow.Type

export interface FileLine {
  readonly ordinal: number
  readonly path: string
  readonly outcome: typeof ImportOutcome.Type
  readonly kind: string
  readonly reason: string | null
}

export interface Progress {
  readonly done: number
  readonly created: number
  readonly updated: number
  readonly unchanged: number
  readonly skipped: number
}

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const columns = sql`id, format, dry_run, status, total, done, created, updated, unchanged, skipped, error, started_at, finished_at`

  const insert = SqlSchema.single({
    Request: Schema.Struct({ format: ImportFormat, dryRun: Schema.Boolean, total: Schema.Int }),
    Result: StatusRow,
    execute: ({ dryRun, format, total }) =>
      sql`insert into imports (format, dry_run, total) values (${format}, ${dryRun}, ${total}) returning ${columns}`
  })
  const find = SqlSchema.findOne({
    Request: Schema.String,
    Result: StatusRow,
    execute: (id) => sql`select ${columns} from imports where id = ${id}`
  })
  const list = SqlSchema.findAll({
    Request: Schema.Void,
    Result: StatusRow,
    execute: () => sql`select ${columns} from imports order by started_at desc limit 50`
  })
  const files = SqlSchema.findAll({
    Request: Schema.Struct({
      id: Schema.String,
      outcome: Schema.NullOr(ImportOutcome),
      offset: Schema.Int,
      limit: Schema.Int
    }),
    Result: ImportFileReport,
    execute: ({ id, limit, offset, outcome }) => sql`
      select path, outcome, kind, reason from import_files
       where import_id = ${id} and (${outcome}::text is null or outcome = ${outcome})
       order by ordinal offset ${offset} limit ${limit}`
  })
  const countFiles = SqlSchema.single({
    Request: Schema.Struct({ id: Schema.String, outcome: Schema.NullOr(ImportOutcome) }),
    Result: Schema.Struct({ count: Schema.NumberFromString }),
    execute: ({ id, outcome }) => sql`
      select count(*)::text as count from import_files
       where import_id = ${id} and (${outcome}::text is null or outcome = ${outcome})`
  })
  const source = SqlSchema.findOne({
    Request: Schema.String,
    Result: SourceRow,
    execute: (path) => sql`select path, content_hash, kind, target from import_sources where path = ${path}`
  })
  const allSources = SqlSchema.findAll({
    Request: Schema.Void,
    Result: SourceRow,
    execute: () => sql`select path, content_hash, kind, target from import_sources`
  })

  return {
    insert: (format: typeof ImportFormat.Type, dryRun: boolean, total: number) =>
      insert({ format, dryRun, total }).pipe(Effect.map(toStatus), Effect.orDie),
    find: (id: string) => find(id).pipe(Effect.map(Option.map(toStatus)), Effect.orDie),
    list: list(undefined).pipe(
      Effect.map((rows) => rows.map(toStatus)),
      Effect.orDie
    ),
    files: (id: string, page: { offset: number; limit: number; outcome: typeof ImportOutcome.Type | null }) =>
      files({ id, ...page }).pipe(Effect.orDie),
    countFiles: (id: string, outcome: typeof ImportOutcome.Type | null) =>
      countFiles({ id, outcome }).pipe(
        Effect.map((row) => row.count),
        Effect.orDie
      ),
    /** Records files' outcomes and the run's counts so far, in one statement each. */
    progress: (id: string, progress: Progress, lines: ReadonlyArray<FileLine>) =>
      Effect.gen(function* () {
        if (lines.length > 0) {
          yield* sql`insert into import_files ${sql.insert(lines.map((line) => ({ importId: id, ...line })))}`
        }
        yield* sql`
          update imports set done = ${progress.done}, created = ${progress.created}, updated = ${progress.updated},
                 unchanged = ${progress.unchanged}, skipped = ${progress.skipped}
           where id = ${id}`
      }).pipe(Effect.asVoid, Effect.orDie),
    /**
     * Runs a previous process left running (it stopped or crashed mid-run): failed, with the reason, so no run reads as
     * running forever. Answers how many. What they imported stays; importing the same archive again finishes the job.
     */
    abandonRunning: sql`
      update imports set status = 'failed', finished_at = now(),
             error = 'interrupted: the host stopped during this import; import the same archive again to finish it'
       where status = 'running' returning id`.pipe(
      Effect.map((rows) => rows.length),
      Effect.orDie
    ),
    finish: (id: string, error: string | null) =>
      sql`update imports set status = ${error === null ? "done" : "failed"}, error = ${error}, finished_at = now() where id = ${id}`.pipe(
        Effect.asVoid,
        Effect.orDie
      ),
    source: (path: string) => source(path).pipe(Effect.orDie),
    /** What every path imported into the workspace last became, read once at the start of a run. */
    allSources: allSources(undefined).pipe(
      Effect.map((rows) => new Map(rows.map((row) => [row.path, row]))),
      Effect.orDie
    ),
    /**
     * The transaction commits without waiting for its WAL to reach the disk: an import is redone by importing again,
     * so a crash that loses its last few hundred milliseconds costs nothing, and not waiting for a flush per file is
     * most of an import's speed. Never corrupts: PostgreSQL replays or drops whole transactions.
     */
    relaxCommit: sql`set local synchronous_commit to off`.pipe(Effect.asVoid, Effect.orDie),
    /** What these files became, with their content hashes, in one statement. */
    recordSources: (all: ReadonlyArray<SourceRow>) => {
      // One row per path (an archive may hold a path twice: the last one read wins).
      const rows = [...new Map(all.map((row) => [row.path, row])).values()]
      return rows.length === 0
        ? Effect.void
        : sql`
            insert into import_sources (path, content_hash, kind, target)
            select path, content_hash, kind, target
              from jsonb_to_recordset(${JSON.stringify(
                rows.map((row) => ({
                  path: row.path,
                  content_hash: row.contentHash,
                  kind: row.kind,
                  target: row.target
                }))
              )}::jsonb) as r(path text, content_hash text, kind text, target text)
            on conflict (workspace_id, path) do update
              set content_hash = excluded.content_hash, kind = excluded.kind, target = excluded.target, updated_at = now()`.pipe(
            Effect.asVoid,
            Effect.orDie
          )
    }
  }
})

export type ImportsRepo = Effect.Effect.Success<typeof make>
