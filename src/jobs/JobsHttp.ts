// Handlers of the jobs group: the schedules with their next and last runs, this workspace's newest runs of each job
// and each job's history in brief, one job's runs a page at a time, and running a job now (in this workspace only,
// unless the job is host-wide).
import { HttpApiBuilder } from "@effect/platform"
import { DateTime, Effect } from "effect"
import { CarabaseApi } from "../Api"
import { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { isJobName, JobNames, QueueJobs } from "./JobCatalog"
import { JobRuns } from "./JobRuns"
import { RUNS_PER_JOB, UnknownJob } from "./JobsApi"
import { lastRunView, Scheduler } from "./Scheduler"

const utc = (date: Date | null) => (date === null ? null : DateTime.unsafeMake(date))
const isQueueJob = (name: string) => (QueueJobs as ReadonlyArray<string>).includes(name)
const DEFAULT_PAGE = 50

export const JobsHttpLive = HttpApiBuilder.group(CarabaseApi, "jobs", (handlers) =>
  Effect.gen(function* () {
    const scheduler = yield* Scheduler
    const runs = yield* JobRuns
    return handlers
      .handle("list", () =>
        Effect.all({
          schedules: scheduler.schedules,
          runs: runs.recentPerJob(JobNames, RUNS_PER_JOB),
          digests: runs.digests(JobNames)
        }).pipe(
          Effect.map(({ digests, runs, schedules }) => ({
            schedules: schedules.map((schedule) => ({
              name: schedule.name,
              cron: schedule.cron,
              timezone: scheduler.timezone,
              nextRunAt: utc(schedule.nextRunAt),
              lastRun: lastRunView(schedule.lastRun)
            })),
            runs,
            jobs: digests.map((digest) => ({
              ...digest,
              queue: isQueueJob(digest.name),
              lastRun: runs.find((run) => run.name === digest.name) ?? null
            }))
          }))
        )
      )
      .handle("history", ({ path: { name }, urlParams: { before, limit = DEFAULT_PAGE } }) =>
        isJobName(name)
          ? runs.history(name, { limit: limit + 1, before: before && DateTime.toDateUtc(before) }).pipe(
              Effect.map((page) => {
                const shown = page.slice(0, limit)
                return {
                  name,
                  runs: shown,
                  nextBefore: page.length > limit ? shown[shown.length - 1]!.startedAt : null
                }
              })
            )
          : Effect.fail(UnknownJob.of(name, JobNames))
      )
      .handle("run", ({ path: { name } }) =>
        isJobName(name)
          ? Effect.flatMap(CurrentWorkspace, (workspace) =>
              Effect.map(scheduler.trigger(name, { workspace }), (scope) => ({ queued: true as const, name, scope }))
            )
          : Effect.fail(UnknownJob.of(name, JobNames))
      )
  })
)
