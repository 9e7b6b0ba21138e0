// `backup:prune` and the nightly job's second step: applies the retention plan to one env's backups, clears
// unfinished files older than a day (a running backup's own partial file is younger), and removes day folders
// left empty.
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { BackupError } from "./Backups"
import { listBackups, listPartials, type BackupFile } from "./BackupFiles"
import { planRetention } from "./Retention"

const STALE_PARTIAL_MS = 24 * 60 * 60 * 1000

export interface PruneReport {
  readonly kept: ReadonlyArray<BackupFile>
  readonly removed: ReadonlyArray<BackupFile>
  readonly partialsRemoved: ReadonlyArray<string>
}

export const pruneBackups = (options: { readonly dir: string; readonly env: string; readonly now?: Date }) =>
  Effect.try({
    try: (): PruneReport => {
      const now = options.now ?? new Date()
      const plan = planRetention(listBackups(options.dir, options.env), now)
      for (const backup of plan.remove) fs.rmSync(backup.file, { force: true })
      const partialsRemoved = listPartials(options.dir, options.env).filter(
        (file) => now.getTime() - fs.statSync(file).mtimeMs > STALE_PARTIAL_MS
      )
      for (const file of partialsRemoved) fs.rmSync(file, { force: true })
      for (const day of new Set([...plan.remove.map((b) => b.file), ...partialsRemoved].map((f) => path.dirname(f)))) {
        if (fs.readdirSync(day).length === 0) fs.rmdirSync(day)
      }
      return { kept: plan.keep, removed: plan.remove, partialsRemoved }
    },
    catch: (error) => new BackupError({ message: `prune failed: ${(error as Error).message}` })
  })
