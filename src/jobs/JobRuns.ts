// The record of every job run, per workspace (job_runs, under RLS): name, status, start, finish, error, attempt; read
// per job (its newest runs, a page of its history, what the last day held), and pruned per job after each run.
import { SqlSchema } from "@effect/sql"
import { Context, Effect, Layer, Schema } from "effect"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace, WorkspaceId } from "../platform/CurrentWorkspace"

export const RunStatus = Schema.Literal("running", "succeeded", "skipped", "failed", "dead")
export type RunStatus = typeof RunStatus.Type

export class JobRun extends Schema.Class<JobRun>("JobRun")({
  id: Schema.String,
  name: Schema.String,
  status: RunStatus,
  startedAt: Schema.DateTimeUtc,
  finishedAt: Schema.NullOr(Schema.DateTimeUtc),
  error: Schema.NullOr(Schema.String),
  attempt: Schema.Number
}) {}

const JobRunRow = Schema.Struct({
  ...JobRun.fields,
  startedAt: Schema.DateTimeUtcFromDate,
  finishedAt: Schema.NullOr(Schema.DateTimeUtcFromDate)
})
const decodeRows = Schema.decodeUnknown(Schema.Array(JobRunRow))

/**
 * What job_runs keeps of one job in one workspace: its newest `keepLast` runs and every run younger than `keepDays`,
 * whichever keeps more; a failed or dead run for `keepFailedDays` (an owner looking into a failure must still find it).
 * A run still running is never pruned. Each prune deletes at most `batch` rows, so it never holds a long lock.
 */
export const Retention = { keepLast: 100, keepDays: 30, keepFailedDays: 90, batch: 500 } as const

/** One job's runs over the last day, and its newest failure. */
export class JobRunsDigest extends Schema.Class<JobRunsDigest>("JobRunsDigest")({
  name: Schema.String,
  runsLastDay: Schema.Int,
  failedLastDay: Schema.Int,
  lastFailure: Schema.NullOr(JobRun)
}) {}

const decodeCounts = Schema.decodeUnknown(
  Schema.Array(Schema.Struct({ name: Schema.String, runsLastDay: Schema.Int, failedLastDay: Schema.Int }))
)

export interface JobRunsShape {
  readonly start: (
    workspaceId: WorkspaceId,
    run: { readonly name: string; readonly jobId: string; readonly attempt: number }
  ) => Effect.Effect<string>
  readonly finish: (
    workspaceId: WorkspaceId,
    runId: string,
    result: { readonly status: RunStatus; readonly error?: string | undefined }
  ) => Effect.Effect<void>
  /**
   * Ends every run still `running` in the workspace: at boot nothing runs yet, so such a run was cut off with the
   * process that ran it. Runs of a job in `finalJobIds` become `dead` (that attempt was its last), the others `failed`.
   */
  readonly abandon: (
    workspaceId: WorkspaceId,
    abandoned: { readonly finalJobIds: ReadonlyArray<string>; readonly error: string }
  ) => Effect.Effect<void>
  /** The newest `perJob` runs of each job in `names`, newest first: one busy job cannot crowd the others out. */
  readonly recentPerJob: (
    names: ReadonlyArray<string>,
    perJob: number
  ) => Effect.Effect<ReadonlyArray<JobRun>, never, CurrentWorkspace>
  /** A page of one job's runs, newest first: `limit` runs that started before `before` (from the newest when absent). */
  readonly history: (
    name: string,
    page: { readonly limit: number; readonly before?: Date | undefined }
  ) => Effect.Effect<ReadonlyArray<JobRun>, never, CurrentWorkspace>
  /** For each job in `names`: its runs and failures over the last 24 hours, and its newest failure. */
  readonly digests: (
    names: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<JobRunsDigest>, never, CurrentWorkspace>
  /** Deletes one batch of the runs of `name` in the workspace that `Retention` no longer keeps; answers how many. */
  readonly prune: (workspaceId: WorkspaceId, name: string) => Effect.Effect<number>
  /** The newest run of one job in the workspace, if it ever ran. */
  readonly latest: (name: string) => Effect.Effect<JobRun | undefined, never, CurrentWorkspace>
}

export class JobRuns extends Context.Tag("carabase/JobRuns")<JobRuns, JobRunsShape>() {}

export const layer = Layer.effect(
  JobRuns,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope
    const insertRun = SqlSchema.single({
      Request: Schema.Struct({ name: Schema.String, jobId: Schema.String, attempt: Schema.Number }),
      Result: Schema.Struct({ id: Schema.String }),
      execute: (run) => sql`
        insert into job_runs (name, status, job_id, attempt) values (${run.name}, 'running', ${run.jobId}, ${run.attempt})
        returning id`
    })
    const toRuns = (rows: ReadonlyArray<typeof JobRunRow.Type>) =>
      // Decoded by JobRunRow, the same fields: no second validation.
      rows.map((row) => new JobRun(row, { disableValidation: true }))
    const columns = sql`id, name, status, started_at, finished_at, error, attempt`
    const runs = (rows: Effect.Effect<ReadonlyArray<object>, never, CurrentWorkspace>) =>
      rows.pipe(Effect.flatMap(decodeRows), Effect.map(toRuns), Effect.orDie)
    return {
      start: (workspaceId, run) =>
        rls.run(
          workspaceId,
          insertRun(run).pipe(
            Effect.map((row) => row.id),
            Effect.orDie
          )
        ),
      finish: (workspaceId, runId, result) =>
        rls.run(
          workspaceId,
          sql`update job_runs set status = ${result.status}, finished_at = now(), error = ${result.error ?? null}
              where id = ${runId}`.pipe(Effect.asVoid, Effect.orDie)
        ),
      abandon: (workspaceId, { error, finalJobIds }) =>
        rls.run(
          workspaceId,
          Effect.gen(function* () {
            if (finalJobIds.length > 0) {
              yield* sql`update job_runs set status = 'dead', finished_at = now(), error = ${error}
                         where status = 'running' and job_id in ${sql.in(finalJobIds)}`
            }
            yield* sql`update job_runs set status = 'failed', finished_at = now(), error = ${error}
                       where status = 'running'`
          }).pipe(Effect.orDie)
        ),
      recentPerJob: (names, perJob) =>
        runs(
          rls.rows(
            sql`select r.* from unnest(${names}::text[]) as job(name)
                cross join lateral (
                  select ${columns} from job_runs where job_runs.name = job.name
                  order by started_at desc, id limit ${perJob}
                ) r
                order by r.started_at desc, r.id`
          )
        ),
      history: (name, { before, limit }) =>
        runs(
          rls.rows(
            sql`select ${columns} from job_runs
                where name = ${name} and (${before ?? null}::timestamptz is null or started_at < ${before ?? null})
                order by started_at desc, id limit ${limit}`
          )
        ),
      digests: (names) =>
        Effect.all({
          counts: rls.rows(
            sql`select job.name,
                  (select count(*) from job_runs r
                   where r.name = job.name and r.started_at > now() - interval '24 hours')::int as runs_last_day,
                  (select count(*) from job_runs r
                   where r.name = job.name and r.started_at > now() - interval '24 hours'
                     and r.status in ('failed', 'dead'))::int as failed_last_day
                from unnest(${names}::text[]) with ordinality as job(name, at)
                order by job.at`
          ),
          failures: runs(
            rls.rows(
              sql`select f.* from unnest(${names}::text[]) as job(name)
                  cross join lateral (
                    select ${columns} from job_runs r
                    where r.name = job.name and r.status in ('failed', 'dead')
                    order by r.started_at desc, r.id limit 1
                  ) f`
            )
          )
        }).pipe(
          Effect.flatMap(({ counts, failures }) =>
            Effect.map(decodeCounts(counts), (rows) =>
              rows.map(
                (row) =>
                  new JobRunsDigest(
                    { ...row, lastFailure: failures.find((failure) => failure.name === row.name) ?? null },
                    { disableValidation: true }
                  )
              )
            )
          ),
          Effect.orDie
        ),
      prune: (workspaceId, name) =>
        rls.run(
          workspaceId,
          sql`with kept as (
                select started_at from job_runs where name = ${name}
                order by started_at desc, id offset ${Retention.keepLast - 1} limit 1
              )
              delete from job_runs where id in (
                select r.id from job_runs r, kept
                where r.name = ${name} and r.status <> 'running' and r.started_at < kept.started_at
                  and r.started_at < now() - make_interval(days => case when r.status in ('failed', 'dead')
                    then ${Retention.keepFailedDays}::int else ${Retention.keepDays}::int end)
                order by r.started_at limit ${Retention.batch}
              )
              returning id`.pipe(
            Effect.map((rows) => rows.length),
            Effect.orDie
          )
        ),
      latest: (name) =>
        Effect.map(
          runs(
            rls.rows(sql`select ${columns} from job_runs where name = ${name} order by started_at desc, id limit 1`)
          ),
          (found) => found[0]
        )
    } satisfies JobRunsShape
  })
)
