// The backups on disk: $CARABASE_BACKUP_DIR/<env>/<YYYY-MM-DD>/<timestamp>.sql.gz.enc. The timestamp in the name
// (not the file's mtime, which a copy or a restore from offsite storage changes) says when the backup was made.
import * as fs from "node:fs"
import * as path from "node:path"

export const BACKUP_SUFFIX = ".sql.gz.enc"
const NAME_PATTERN = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.sql\.gz\.enc$/
const PARTIAL_PATTERN = /\.sql\.gz\.enc\.partial-\d+$/

export interface BackupFile {
  readonly file: string
  readonly takenAt: Date
}

/** The file name for a backup taken at `at`: its ISO timestamp with `:` and `.` made safe for every filesystem. */
export const backupFileName = (at: Date): string => `${at.toISOString().replace(/[:.]/g, "-")}${BACKUP_SUFFIX}`

export const parseBackupFileName = (name: string): Date | null => {
  const match = NAME_PATTERN.exec(name)
  if (match === null) return null
  const [, day, hours, minutes, seconds, millis] = match
  const at = new Date(`${day}T${hours}:${minutes}:${seconds}.${millis}Z`)
  return Number.isNaN(at.getTime()) ? null : at
}

const listDir = (dir: string): Array<fs.Dirent> => {
  try {
    return fs.readdirSync(dir, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return []
    throw error
  }
}

/** Every complete backup of one env, oldest first. Unfinished (`.partial-<pid>`) files are not backups. */
export const listBackups = (dir: string, env: string): Array<BackupFile> =>
  listDir(path.join(dir, env))
    .filter((day) => day.isDirectory() && /^\d{4}-\d{2}-\d{2}$/.test(day.name))
    .flatMap((day) =>
      listDir(path.join(dir, env, day.name)).flatMap((entry) => {
        const takenAt = entry.isFile() ? parseBackupFileName(entry.name) : null
        return takenAt === null ? [] : [{ file: path.join(dir, env, day.name, entry.name), takenAt }]
      })
    )
    .sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime())

/** Leftovers of backups that never finished (a crash, a full disk), for prune to clear. */
export const listPartials = (dir: string, env: string): Array<string> =>
  listDir(path.join(dir, env))
    .filter((day) => day.isDirectory())
    .flatMap((day) =>
      listDir(path.join(dir, env, day.name))
        .filter((entry) => entry.isFile() && PARTIAL_PATTERN.test(entry.name))
        .map((entry) => path.join(dir, env, day.name, entry.name))
    )

/** The envs that have a backup folder, in a stable order. */
export const listEnvs = (dir: string): Array<string> =>
  listDir(dir)
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
