// The Scheduler layer: pg-boss (in its own schema, on the owner connection) makes jobs durable, retried and
// single-flight; node-cron fires the schedules in CARABASE_TIMEZONE. A scheduled run processes every workspace with
// that workspace as its scope and is recorded in job_runs; a run started from one workspace (POST /jobs/:name/run)
// processes that workspace alone, and only a host-wide job (backup) runs once for the whole host whoever started it.
// A schedule missed while the host was down runs once at boot, and a job a crash cut off is handed back to its retry
// policy then.
import {
  Cause,
  Config,
  Context,
  DateTime,
  Effect,
  Exit,
  Layer,
  Option,
  Redacted,
  Runtime,
  Schedule,
  Schema
} from "effect"
import { SqlSchema } from "@effect/sql"
import cron from "node-cron"
import { backgroundWorkConfig } from "../platform/BackgroundWork"
import PgBoss from "pg-boss"
import { currentJobRun } from "../platform/CurrentJobRun"
import { OwnerDb } from "../platform/Db"
import { BootError } from "../platform/HostEnv"
import { CurrentWorkspace, WorkspaceId as WorkspaceIdSchema, type WorkspaceId } from "../platform/CurrentWorkspace"
import { Writer } from "../platform/Writer"
import { Workspaces, layer as workspacesLayer } from "../workspaces/Workspaces"
import { JobBodies, type JobBody, type Outcome } from "./JobBody"
import { JobNames, Schedules, type JobName } from "./JobCatalog"
import { JobRuns, layer as jobRunsLayer, type RunStatus } from "./JobRuns"
import { isDue, isValidTimeZone, nextFire } from "./ScheduleTimes"

export interface ScheduleInfo {
  readonly name: string
  readonly cron: string
  readonly nextRunAt: Date | null
  readonly lastRun: {
    readonly enqueuedAt: Date | null
    readonly finishedAt: Date | null
    readonly status: string | null
    readonly error: string | null
  } | null
}

/** A schedule's last run as the API answers it: its dates as DateTime. */
export const lastRunView = (run: ScheduleInfo["lastRun"]) =>
  run === null
    ? null
    : {
        enqueuedAt: run.enqueuedAt === null ? null : DateTime.unsafeMake(run.enqueuedAt),
        finishedAt: run.finishedAt === null ? null : DateTime.unsafeMake(run.finishedAt),
        status: run.status,
        error: run.error
      }

export type JobScope = JobBody["scope"]

export interface SchedulerShape {
  readonly timezone: string
  /**
   * Queues a run now: of a workspace job, in `workspace` alone when given (else in every workspace); of a host-wide
   * job, once. A run already queued for the same workspace (or for all) absorbs it. Answers the job's scope.
   */
  readonly trigger: (name: JobName, options?: { readonly workspace?: WorkspaceId }) => Effect.Effect<JobScope>
  readonly schedules: Effect.Effect<ReadonlyArray<ScheduleInfo>>
  /** Jobs queued and not yet started (`waiting`, retries included) and being run now (`running`), over every queue. */
  readonly queueDepth: Effect.Effect<{ readonly waiting: number; readonly running: number }>
}

export class Scheduler extends Context.Tag("carabase/Scheduler")<Scheduler, SchedulerShape>() {}

export const schedulerConfig = Config.all({
  timezone: Config.string("CARABASE_TIMEZONE").pipe(
    Config.withDefault(Intl.DateTimeFormat().resolvedOptions().timeZone)
  ),
  retryLimit: Config.integer("CARABASE_JOB_RETRY_LIMIT").pipe(Config.withDefault(3)),
  retryDelaySeconds: Config.integer("CARABASE_JOB_RETRY_DELAY_SECONDS").pipe(Config.withDefault(30)),
  databaseUrl: Config.redacted("DATABASE_URL")
})

const SCHEMA = "pgboss"

/** What a queued job carries: the one workspace it is for, when it was started from one. */
const JobData = Schema.Struct({ workspaceId: Schema.optional(WorkspaceIdSchema) })
const decodeJobData = Schema.decodeUnknownOption(JobData)
const deadLetterOf = (name: JobName) => `${name}.dead`
const CUT_OFF = "the host stopped while this run was in progress (a crash or a kill)"

const StateRow = Schema.Struct({
  name: Schema.String,
  cron: Schema.String,
  lastEnqueuedAt: Schema.NullOr(Schema.DateFromSelf),
  lastFinishedAt: Schema.NullOr(Schema.DateFromSelf),
  lastStatus: Schema.NullOr(Schema.String),
  lastError: Schema.NullOr(Schema.String)
})

/** A pg-boss job that is still `active`. */
const ActiveJobRow = Schema.Struct({
  id: Schema.String,
  name: Schema.Literal(...JobNames),
  retryCount: Schema.Int,
  retryLimit: Schema.Int,
  data: Schema.Unknown
})

const errorText = (cause: Cause.Cause<unknown>) => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error = failure.value as { message?: unknown }
    if (typeof error?.message === "string") return error.message
  }
  return Cause.isInterruptedOnly(cause) ? "interrupted" : "unexpected failure (see the host log)"
}

/** The scheduler over the job bodies it is given: the host's are `schedulerLayer` in Bodies.ts, tests pass their own. */
export const layer = Layer.scoped(
  Scheduler,
  Effect.gen(function* () {
    const config = yield* schedulerConfig
    if (!isValidTimeZone(config.timezone)) {
      return yield* new BootError({
        message: `CARABASE_TIMEZONE "${config.timezone}" is not a time zone (e.g. Europe/Berlin)`
      })
    }
    const owner = yield* OwnerDb
    const workspaces = yield* Workspaces
    const runs = yield* JobRuns
    const bodies = yield* JobBodies
    const runtime = yield* Effect.runtime<never>()
    const runPromise = Runtime.runPromise(runtime)

    const boss = new PgBoss({
      connectionString: Redacted.value(config.databaseUrl),
      schema: SCHEMA,
      application_name: "carabase-jobs",
      max: 4,
      schedule: false,
      // pg-boss's own tables are the queue, not the history (job_runs is): a finished job moves to its archive after
      // 12 hours, a failed one after 7 days, and the archive keeps each for 7 days more.
      archiveCompletedAfterSeconds: 60 * 60 * 12,
      archiveFailedAfterSeconds: 60 * 60 * 24 * 7,
      deleteAfterDays: 7
    })
    boss.on("error", (error: Error) => runPromise(Effect.logWarning(`job queue error: ${error.message}`)))
    yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => boss.start(),
        catch: (error) => new BootError({ message: `cannot start the job queue: ${(error as Error).message}` })
      }),
      // Stop fetching, let running jobs finish (bounded); pg-boss fails a job still running after that, so it is retried.
      () =>
        Effect.promise(() => boss.stop({ graceful: true, wait: true, timeout: 10_000, close: true })).pipe(Effect.orDie)
    )

    for (const name of JobNames) {
      const options = {
        retryLimit: config.retryLimit,
        retryDelay: config.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: 60 * 30
      }
      yield* Effect.promise(() => boss.createQueue(deadLetterOf(name), { name: deadLetterOf(name) }))
      yield* Effect.promise(() =>
        boss.createQueue(name, { name, policy: "stately", deadLetter: deadLetterOf(name), ...options })
      )
      yield* Effect.promise(() =>
        boss.updateQueue(name, { name, policy: "stately", deadLetter: deadLetterOf(name), ...options })
      )
    }

    const recordState = (
      name: JobName,
      fields: { enqueued?: boolean; finished?: { status: string; error: string | null } }
    ) =>
      owner`
        insert into schedule_state (name, cron, last_enqueued_at, last_finished_at, last_status, last_error)
        values (${name}, ${Schedules.find((s) => s.name === name)?.cron ?? "queue"},
                ${fields.enqueued ? new Date() : null}, ${fields.finished ? new Date() : null},
                ${fields.finished?.status ?? null}, ${fields.finished?.error ?? null})
        on conflict (name) do update set
          last_enqueued_at = coalesce(${fields.enqueued ? new Date() : null}, schedule_state.last_enqueued_at),
          last_finished_at = coalesce(${fields.finished ? new Date() : null}, schedule_state.last_finished_at),
          last_status = coalesce(${fields.finished?.status ?? null}, schedule_state.last_status),
          last_error = case when ${fields.finished !== undefined} then ${fields.finished?.error ?? null} else schedule_state.last_error end,
          updated_at = now()
      `.pipe(Effect.asVoid, Effect.orDie)

    const stateOf = SqlSchema.findOne({
      Request: Schema.String,
      Result: StateRow,
      execute: (name) => owner`select * from schedule_state where name = ${name}`
    })
    const allStates = SqlSchema.findAll({
      Request: Schema.Void,
      Result: StateRow,
      execute: () => owner`select * from schedule_state`
    })

    const scopeOf = (name: JobName): JobScope => bodies.get(name)?.scope ?? "workspace"

    /** The one workspace a queued run is for, if it was started from one. */
    const workspaceOf = (data: unknown): Option.Option<WorkspaceId> =>
      Option.flatMap(decodeJobData(data), (decoded) => Option.fromNullable(decoded.workspaceId))

    /**
     * Whether a run's outcome is the schedule's last run, which every workspace sees: not for a run of a workspace job
     * started from one workspace, which is told only in that workspace's job_runs.
     */
    const sharesSchedule = (name: JobName, data: unknown) =>
      scopeOf(name) === "host" || Option.isNone(workspaceOf(data))

    const trigger = (name: JobName, options: { readonly workspace?: WorkspaceId } = {}) => {
      const scope = scopeOf(name)
      const workspace = scope === "workspace" ? options.workspace : undefined
      // The singleton key keeps one queued run per workspace, so one workspace's request never absorbs another's.
      const send =
        workspace === undefined
          ? () => boss.send(name, {})
          : () => boss.send(name, { workspaceId: workspace }, { singletonKey: `workspace:${workspace}` })
      return Effect.tryPromise(send).pipe(
        Effect.tap((id) => (id === null ? Effect.logDebug(`${name} already queued: coalesced`) : Effect.void)),
        Effect.asVoid,
        Effect.catchAll((error) => Effect.logError(`cannot queue ${name}`, error)),
        Effect.as(scope),
        Effect.annotateLogs("service", "Scheduler")
      )
    }

    const statusOf = (outcome: Exit.Exit<Outcome, unknown>, final: boolean): { status: RunStatus; error?: string } =>
      Exit.isSuccess(outcome)
        ? outcome.value.status === "skipped"
          ? { status: "skipped", error: outcome.value.reason }
          : { status: "succeeded" }
        : { status: final ? "dead" : "failed", error: errorText(outcome.cause) }

    // job_runs stays bounded without a sweep of its own: each finished run prunes one batch of its job's history in
    // its workspace (JobRuns.Retention), so a job that runs often prunes often. A failed prune never fails the run.
    const pruneHistory = (workspaceId: WorkspaceId, name: JobName) =>
      runs
        .prune(workspaceId, name)
        .pipe(Effect.catchAllCause((cause) => Effect.logWarning(`cannot prune the run history of ${name}`, cause)))

    const runBody = (
      name: JobName,
      body: JobBody,
      job: { id: string; retryCount: number; retryLimit: number; data: unknown }
    ) =>
      Effect.gen(function* () {
        const attempt = job.retryCount + 1
        const final = job.retryCount >= job.retryLimit
        const only = workspaceOf(job.data)
        const failures: Array<string> = []
        const skips: Array<string> = []
        let ran = 0
        if (body.scope === "host") {
          // A host job runs once; each workspace's runs list shows it, so the owner sees it wherever they look.
          const all = yield* workspaces.list
          const started = yield* Effect.forEach(all, (workspace) =>
            Effect.map(
              runs.start(workspace.id, { name, jobId: job.id, attempt }),
              (runId) => [workspace.id, runId] as const
            )
          )
          const outcome = yield* Effect.exit(body.run)
          const result = statusOf(outcome, final)
          yield* Effect.forEach(
            started,
            ([workspaceId, runId]) =>
              Effect.zipRight(runs.finish(workspaceId, runId, result), pruneHistory(workspaceId, name)),
            { discard: true }
          )
          ran++
          if (result.status === "failed" || result.status === "dead") failures.push(result.error ?? "failed")
          if (result.status === "skipped") skips.push(result.error ?? "skipped")
        } else {
          const all = yield* workspaces.list
          const targets = Option.match(only, {
            onNone: () => all,
            onSome: (id) => all.filter((workspace) => workspace.id === id)
          })
          for (const workspace of targets) {
            const workspaceId = workspace.id
            const runId = yield* runs.start(workspaceId, { name, jobId: job.id, attempt })
            const outcome = yield* Effect.exit(
              body.run.pipe(Effect.provideService(CurrentWorkspace, workspaceId), Effect.locally(currentJobRun, runId))
            )
            const result = statusOf(outcome, final)
            yield* runs.finish(workspaceId, runId, result)
            yield* pruneHistory(workspaceId, name)
            ran++
            if (result.status === "failed" || result.status === "dead")
              failures.push(`${workspace.name}: ${result.error}`)
            // Counted like a host job's, so a run every workspace skipped is "skipped" on the schedule too.
            if (result.status === "skipped") skips.push(result.error ?? "skipped")
            if (Exit.isFailure(outcome) && !Cause.isFailType(outcome.cause)) {
              yield* Effect.logError(`${name} failed unexpectedly in workspace ${workspaceId}`, outcome.cause)
            }
          }
        }
        const status =
          failures.length > 0 ? (final ? "dead" : "failed") : ran > 0 && skips.length === ran ? "skipped" : "succeeded"
        const detail =
          failures.length > 0 ? failures.join("; ") : status === "skipped" ? [...new Set(skips)].join("; ") : null
        // The schedule's last run, which every workspace sees, is the host's: a run for one workspace is told only in
        // that workspace's job_runs.
        if (sharesSchedule(name, job.data)) yield* recordState(name, { finished: { status, error: detail } })
        // Throwing hands the job back to pg-boss, which retries it with backoff and finally dead-letters it.
        if (failures.length > 0) return yield* Effect.fail(new Error(failures.join("; ")))
      }).pipe(
        Writer.as("job", name),
        Effect.annotateLogs({ service: "Scheduler", job: name }),
        Effect.withSpan(`Job.${name}`)
      )

    // This host is its queues' only worker and none of its jobs has started yet, so a job still `active` was cut off
    // with a previous process (a crash, a kill, a power cut). pg-boss 10 has no heartbeat: it would notice only once
    // expireInSeconds (30 minutes) passed, and until then the stately queue cannot start another run of that job.
    // Failing it now hands it to the queue's retry policy: it runs again after the retry delay, and the cut-off counts
    // as an attempt, so a job that keeps killing the host ends dead-lettered instead of crashing every boot.
    // A process that does no background work (the upgrade's smoke test beside the running host) queues nothing, runs
    // nothing and recovers nothing: the running host's active jobs are not cut off.
    const background = yield* backgroundWorkConfig
    if (background)
      yield* Effect.gen(function* () {
        const active = yield* SqlSchema.findAll({
          Request: Schema.Void,
          Result: ActiveJobRow,
          execute: () => owner`
          select id::text as id, name, retry_count, retry_limit, data from ${owner(SCHEMA)}.job
          where state = 'active' and name in ${owner.in(JobNames)}
        `
        })(undefined).pipe(Effect.orDie)
        const finalJobIds: Array<string> = []
        for (const job of active) {
          const final = job.retryCount >= job.retryLimit
          if (final) finalJobIds.push(job.id)
          yield* Effect.tryPromise(() => boss.fail(job.name, job.id, { message: CUT_OFF }))
          if (sharesSchedule(job.name, job.data)) {
            yield* recordState(job.name, { finished: { status: final ? "dead" : "failed", error: CUT_OFF } })
          }
          yield* Effect.logWarning(
            `${job.name} was cut off by a previous process: ${final ? "dead-lettered" : "retrying"}`
          )
        }
        for (const workspace of yield* workspaces.list) {
          yield* runs.abandon(workspace.id, { finalJobIds, error: CUT_OFF })
        }
      }).pipe(
        Effect.catchAllCause((cause) => Effect.logError("cannot recover jobs cut off by a previous process", cause))
      )

    for (const name of background ? JobNames : []) {
      const body = bodies.get(name)
      if (body === undefined) continue
      yield* Effect.promise(() =>
        boss.work(name, { batchSize: 1, pollingIntervalSeconds: 1, includeMetadata: true }, async ([job]) => {
          if (job === undefined) return
          await runPromise(runBody(name, body, job))
        })
      )
    }

    // The cron firing is the clock; isDue keeps it to one run per period across DST changes, and the sweep (at
    // boot and every few minutes) catches what no firing covered: a night the host was down, a skipped DST hour.
    const queueIfDue = (schedule: (typeof Schedules)[number], reason: string) =>
      Effect.gen(function* () {
        const found = yield* stateOf(schedule.name).pipe(Effect.orDie)
        if (Option.isNone(found)) {
          // First boot: nothing was missed yet.
          yield* recordState(schedule.name, { enqueued: true })
          return
        }
        if (!isDue(schedule.cron, config.timezone, found.value.lastEnqueuedAt, new Date())) return
        yield* Effect.logInfo(`queueing ${schedule.name} (${reason})`)
        yield* trigger(schedule.name)
        yield* recordState(schedule.name, { enqueued: true })
      }).pipe(Effect.catchAllCause((cause) => Effect.logError(`cannot check ${schedule.name}`, cause)))
    const sweep = (reason: string) =>
      Effect.forEach(Schedules, (schedule) => queueIfDue(schedule, reason), { discard: true })
    if (background) {
      yield* sweep("missed while the host was down")
      yield* Effect.forkScoped(Effect.repeat(sweep("overdue"), Schedule.spaced("5 minutes")))
    }

    const tasks = (background ? Schedules : []).map((schedule) =>
      cron.schedule(schedule.cron, () => runPromise(queueIfDue(schedule, "scheduled")), {
        timezone: config.timezone,
        name: schedule.name,
        noOverlap: true
      })
    )
    yield* Effect.addFinalizer(() => Effect.promise(() => Promise.all(tasks.map((task) => task.destroy()))))

    // pg-boss counts the jobs in states before the one named: before `active` is waiting, before `completed` adds running.
    const queueDepth = Effect.tryPromise(() =>
      Promise.all(
        JobNames.map(async (name) => {
          const waiting = await boss.getQueueSize(name, { before: "active" })
          return { waiting, running: (await boss.getQueueSize(name, { before: "completed" })) - waiting }
        })
      )
    ).pipe(
      Effect.map((sizes) =>
        sizes.reduce((total, size) => ({
          waiting: total.waiting + size.waiting,
          running: total.running + size.running
        }))
      ),
      Effect.orDie
    )

    return {
      timezone: config.timezone,
      trigger,
      queueDepth,
      schedules: allStates(undefined).pipe(
        Effect.orDie,
        Effect.map((rows) => {
          const byName = new Map(rows.map((row) => [row.name, row]))
          return Schedules.map((schedule): ScheduleInfo => {
            const state = byName.get(schedule.name)
            return {
              name: schedule.name,
              cron: schedule.cron,
              nextRunAt: nextFire(schedule.cron, config.timezone),
              lastRun:
                state === undefined
                  ? null
                  : {
                      enqueuedAt: state.lastEnqueuedAt,
                      finishedAt: state.lastFinishedAt,
                      status: state.lastStatus,
                      error: state.lastError
                    }
            }
          })
        })
      )
    } satisfies SchedulerShape
  }).pipe(Effect.annotateLogs("service", "Scheduler"))
).pipe(Layer.provide([jobRunsLayer, workspacesLayer]))
