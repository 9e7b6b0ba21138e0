// Handlers of the backup routes: the env's backups on disk with the newest one's verdict, and the backup job queued
// now (the scheduler runs it once for the whole host; its run shows in every workspace).
import * as fs from "node:fs"
import * as path from "node:path"
import { HttpApiBuilder } from "@effect/platform"
import { DateTime, Effect } from "effect"
import { CarabaseApi } from "../Api"
import { JobRuns } from "../jobs/JobRuns"
import { Scheduler } from "../jobs/Scheduler"
import { HostEnv } from "../platform/HostEnv"
import { backupDirConfig } from "./Backups"
import { BACKUP_LIST_LIMIT } from "./BackupsApi"
import { listBackups } from "./BackupFiles"
import { envBackupStatus } from "./Status"

const sizeOf = (file: string) => {
  try {
    return fs.statSync(file).size
  } catch {
    return 0
  }
}

export const BackupsHttpLive = HttpApiBuilder.group(CarabaseApi, "backups", (handlers) =>
  Effect.gen(function* () {
    const hostEnv = yield* HostEnv
    const dir = yield* backupDirConfig
    const scheduler = yield* Scheduler
    const runs = yield* JobRuns
    const view = (backup: { readonly file: string; readonly takenAt: Date }) => ({
      file: path.relative(dir, backup.file),
      takenAt: DateTime.unsafeMake(backup.takenAt),
      bytes: sizeOf(backup.file)
    })
    return handlers
      .handle("status", () =>
        Effect.gen(function* () {
          const { files, status } = yield* Effect.sync(() => ({
            files: listBackups(dir, hostEnv.name),
            status: envBackupStatus(dir, hostEnv.name, new Date())
          }))
          const lastRun = yield* runs.latest("backup")
          return {
            env: hostEnv.name,
            verdict: status.verdict,
            newestAgeHours: status.ageHours,
            newest: status.newest === null ? null : view(status.newest),
            count: files.length,
            backups: files.slice(-BACKUP_LIST_LIMIT).reverse().map(view),
            lastRun: lastRun ?? null
          }
        })
      )
      .handle("run", () =>
        Effect.map(scheduler.trigger("backup"), () => ({
          queued: true as const,
          job: "backup" as const,
          requestedAt: DateTime.unsafeNow()
        }))
      )
  })
)
