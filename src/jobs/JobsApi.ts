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
      Schema.Struct({ schedules: Schema.Array(ScheduleView), runs: Schema.Array(RunView) })
    )
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
