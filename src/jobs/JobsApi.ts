// Declaration of the jobs routes. Imports only effect and @effect/platform.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const LastRun = Schema.Struct({
  enqueuedAt: Schema.NullOr(Schema.DateTimeUtc),
  finishedAt: Schema.NullOr(Schema.DateTimeUtc),
  status: Schema.NullOr(Schema.String),
  error: Schema.NullOr(Schema.String)
})

/** How many of each job's newest runs GET /jobs lists, so one busy job cannot crowd the others out of the list. */
export const RUNS_PER_JOB = 10

export const ScheduleView = Schema.Struct({
  name: Schema.String,
  cron: Schema.String,
  timezone: Schema.String,
  nextRunAt: Schema.NullOr(Schema.DateTimeUtc),
  /** The last run for the whole host (scheduled, or of backup); a run started from one workspace is in its runs only. */
  lastRun: Schema.NullOr(LastRun)
})

export const RunView = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.Literal("running", "succeeded", "skipped", "failed", "dead"),
  startedAt: Schema.DateTimeUtc,
  finishedAt: Schema.NullOr(Schema.DateTimeUtc),
  error: Schema.NullOr(Schema.String),
  attempt: Schema.Number
})

/** One job's history in brief: its newest run, its runs and failures over the last 24 hours, and its newest failure. */
export const JobDigest = Schema.Struct({
  name: Schema.String,
  /** A queue-only job (no schedule, fed by writes or run on demand): summed up rather than listed run by run. */
  queue: Schema.Boolean,
  lastRun: Schema.NullOr(RunView),
  runsLastDay: Schema.Int,
  failedLastDay: Schema.Int,
  lastFailure: Schema.NullOr(RunView)
})

export const HistoryPage = Schema.Struct({
  limit: Schema.optional(
    Schema.NumberFromString.pipe(
      Schema.int(),
      Schema.between(1, 500, { message: () => "limit must be a whole number from 1 to 500" })
    )
  ),
  before: Schema.optional(
    Schema.DateTimeUtc.annotations({ message: () => "before must be a date and time, e.g. 2026-12-06T19:00:00Z" })
  )
})

export class UnknownJob extends Schema.TaggedError<UnknownJob>()(
  "UnknownJob",
  { message: Schema.String, jobName: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  /** `known` lists the jobs that exist, for the message. */
  static of(jobName: string, known: ReadonlyArray<string>) {
    return new UnknownJob({ jobName, message: `no job named "${jobName}"; jobs are ${known.join(", ")}` })
  }
}

export class JobsApi extends HttpApiGroup.make("jobs")
  .add(
    HttpApiEndpoint.get("list", "/jobs").addSuccess(
      Schema.Struct({
        schedules: Schema.Array(ScheduleView),
        /** This workspace's newest runs of each job (at most `RUNS_PER_JOB` each), newest first. */
        runs: Schema.Array(RunView),
        /** Every job, in catalog order, with its history in brief. */
        jobs: Schema.Array(JobDigest)
      })
    )
  )
  /** One job's runs in this workspace, newest first, a page at a time: `before` is the last page's `nextBefore`. */
  .add(
    HttpApiEndpoint.get("history", "/jobs/:name/runs")
      .setPath(Schema.Struct({ name: Schema.String }))
      .setUrlParams(HistoryPage)
      .addSuccess(
        Schema.Struct({
          name: Schema.String,
          runs: Schema.Array(RunView),
          /** Where the next (older) page starts; null when this page holds the oldest run kept. */
          nextBefore: Schema.NullOr(Schema.DateTimeUtc)
        })
      )
      .addError(UnknownJob)
  )
  /**
   * Runs a job now. A workspace job runs in the calling workspace only (`scope: "workspace"`); the one host-wide job,
   * backup, dumps the whole database once and its run shows in every workspace (`scope: "host"`).
   */
  .add(
    HttpApiEndpoint.post("run", "/jobs/:name/run")
      .setPath(Schema.Struct({ name: Schema.String }))
      .addSuccess(
        Schema.Struct({
          queued: Schema.Literal(true),
          name: Schema.String,
          scope: Schema.Literal("workspace", "host")
        }),
        { status: 202 }
      )
      .addError(UnknownJob)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
