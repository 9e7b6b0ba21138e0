// Handlers of the jobs group: the schedules with their next and last runs, this workspace's recent runs, and
// running a job now (in this workspace only, unless the job is host-wide).
import { HttpApiBuilder } from "@effect/platform"
import { DateTime, Effect } from "effect"
import { CarabaseApi } from "../Api"
import { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { isJobName, JobNames } from "./JobCatalog"
import { JobRuns } from "./JobRuns"
import { UnknownJob } from "./JobsApi"
import { lastRunView, Scheduler } from "./Scheduler"

const utc = (date: Date | null) => (date === null ? null : DateTime.unsafeMake(date))

export const JobsHttpLive = HttpApiBuilder.group(CarabaseApi, "jobs", (handlers) =>
  Effect.gen(function* () {
    const scheduler = yield* Scheduler
    const runs = yield* JobRuns
    return handlers
      .handle("list", () =>
        Effect.all({ schedules: scheduler.schedules, runs: runs.recent(100) }).pipe(
          Effect.map(({ schedules, runs }) => ({
            schedules: schedules.map((schedule) => ({
              name: schedule.name,
              cron: schedule.cron,
              timezone: scheduler.timezone,
              nextRunAt: utc(schedule.nextRunAt),
              lastRun: lastRunView(schedule.lastRun)
            })),
            runs
          }))
        )
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
