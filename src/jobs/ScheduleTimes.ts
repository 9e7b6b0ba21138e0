// When a cron schedule fires, in a time zone, as node-cron computes it (the same library that fires the jobs).
import cron from "node-cron"
import { dayBefore } from "../notes/NoteDate"

const MINUTE = 60_000
const LOOKBACK_MINUTES = 32 * 24 * 60

/** The next time the schedule fires after now. */
export const nextFire = (expression: string, timezone: string): Date | null => {
  const task = cron.createTask(expression, () => undefined, { timezone })
  try {
    return task.getNextRuns(1)[0] ?? null
  } finally {
    void task.destroy()
  }
}

/** The latest time at or before `now` at which the schedule fired (searched back 32 days), or null. */
export const previousFire = (expression: string, timezone: string, now: Date): Date | null => {
  const task = cron.createTask(expression, () => undefined, { timezone })
  try {
    const start = Math.floor(now.getTime() / MINUTE) * MINUTE
    for (let i = 0; i <= LOOKBACK_MINUTES; i++) {
      const candidate = new Date(start - i * MINUTE)
      if (task.match(candidate)) return candidate
    }
    return null
  } finally {
    void task.destroy()
  }
}

export const isValidTimeZone = (timezone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone })
    return true
  } catch {
    return false
  }
}

/** The wall-clock date (YYYY-MM-DD) and minute of the day of an instant in a time zone. */
export const localTime = (instant: Date, timezone: string): { readonly date: string; readonly minute: number } => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23"
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value])
  )
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minute: Number(parts.hour) * 60 + Number(parts.minute) }
}

const DAILY = /^(\d{1,2}) (\d{1,2}) \* \* \*$/
const HOURLY = /^(\d{1,2}) \* \* \* \*$/

/**
 * Whether a schedule should be queued now, given when it was last queued. Daily schedules ("M H * * *") run once per
 * local day as soon as the wall clock has passed H:M (or at boot, if the last local day's run was missed): on the
 * night clocks spring forward (H:M does not exist) they run when the gap ends, and on the night they fall back (H:M
 * happens twice) they run once. Hourly schedules run
 * once per clock hour. Anything else is due when a firing time passed since the last run.
 */
export const isDue = (expression: string, timezone: string, lastQueuedAt: Date | null, now: Date): boolean => {
  const daily = DAILY.exec(expression)
  if (daily !== null) {
    // Compare wall-clock (date, minute) pairs: the latest firing is today at H:M if that has passed, else yesterday.
    const at = Number(daily[2]) * 60 + Number(daily[1])
    const today = localTime(now, timezone)
    const firingDate = today.minute >= at ? today.date : dayBefore(today.date)
    if (lastQueuedAt === null) return true
    const last = localTime(lastQueuedAt, timezone)
    return last.date < firingDate || (last.date === firingDate && last.minute < at)
  }
  const hourly = HOURLY.exec(expression)
  if (hourly !== null) {
    const minuteOfHour = localTime(now, timezone).minute % 60
    const sinceFiring = (minuteOfHour - Number(hourly[1]) + 60) % 60
    const latest = Math.floor(now.getTime() / 60_000) * 60_000 - sinceFiring * 60_000
    return lastQueuedAt === null || lastQueuedAt.getTime() < latest
  }
  const due = previousFire(expression, timezone, now)
  return due !== null && (lastQueuedAt === null || lastQueuedAt < due)
}
