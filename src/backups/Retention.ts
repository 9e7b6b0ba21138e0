// Which backups prune keeps. Ages are measured back from now in whole windows:
//   - every backup younger than 7 days;
//   - the newest backup in each of the 4 weeks before that (ages 7-14, 14-21, 21-28 and 28-35 days);
//   - the newest backup in each of the 3 thirty-day months before that (ages 35-65, 65-95 and 95-125 days);
//   - and always the newest backup of all, however old, so prune never leaves an env with none.
// Everything else goes. A backup dated in the future (a clock that was wrong) counts as young and is kept.
import type { BackupFile } from "./BackupFiles"

const DAY_MS = 24 * 60 * 60 * 1000
const DAILY_DAYS = 7
const WEEKS = 4
const MONTHS = 3
const MONTH_DAYS = 30

/** The window a backup of this age falls in, or null when it is too old for any. */
const windowOf = (ageMs: number): string | null => {
  const days = ageMs / DAY_MS
  if (days < DAILY_DAYS) return "daily"
  const weekIndex = Math.floor((days - DAILY_DAYS) / 7)
  if (weekIndex < WEEKS) return `week-${weekIndex}`
  const monthIndex = Math.floor((days - DAILY_DAYS - WEEKS * 7) / MONTH_DAYS)
  if (monthIndex < MONTHS) return `month-${monthIndex}`
  return null
}

export interface RetentionPlan<B extends BackupFile> {
  readonly keep: ReadonlyArray<B>
  readonly remove: ReadonlyArray<B>
}

export const planRetention = <B extends BackupFile>(backups: ReadonlyArray<B>, now: Date): RetentionPlan<B> => {
  const newestFirst = [...backups].sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime())
  const kept = new Set<B>()
  const filledWindows = new Set<string>()
  for (const backup of newestFirst) {
    const window = windowOf(now.getTime() - backup.takenAt.getTime())
    if (window === "daily") kept.add(backup)
    else if (window !== null && !filledWindows.has(window)) {
      filledWindows.add(window)
      kept.add(backup)
    }
  }
  if (newestFirst.length > 0) kept.add(newestFirst[0]!)
  return {
    keep: newestFirst.filter((backup) => kept.has(backup)).reverse(),
    remove: newestFirst.filter((backup) => !kept.has(backup)).reverse()
  }
}
