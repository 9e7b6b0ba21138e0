// The record of every job run, per workspace (job_runs, under RLS): name, status, start, finish, error, attempt.
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
  readonly recent: (limit: number) => Effect.Effect<ReadonlyArray<JobRun>, never, CurrentWorkspace>
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
      recent: (limit) =>
        rls
          .rows(
            sql`select id, name, status, started_at, finished_at, error, attempt from job_runs
                order by started_at desc, id limit ${limit}`
          )
          .pipe(Effect.flatMap(decodeRows), Effect.map(toRuns), Effect.orDie),
      latest: (name) =>
        rls
          .rows(
            sql`select id, name, status, started_at, finished_at, error, attempt from job_runs
                where name = ${name} order by started_at desc, id limit 1`
          )
          .pipe(
            Effect.flatMap(decodeRows),
            Effect.map((rows) => toRuns(rows)[0]),
            Effect.orDie
          )
    } satisfies JobRunsShape
  })
)
