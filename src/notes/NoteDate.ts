// Calendar dates of daily notes (`YYYY-MM-DD`, real days only) and the host-local clock readings that default them:
// today's date and the `hh:mm AM` timestamp of a log entry, both in the host process's local time zone (its TZ).
// Imports only effect: the API declaration uses the schema.
import { Schema } from "effect"

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/

/** True for `YYYY-MM-DD` strings that name a day that exists (2026-02-29 does not; 2028-02-29 does). */
export const isCalendarDate = (value: string): boolean => {
  const match = datePattern.exec(value)
  if (match === null) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (year < 1 || month < 1 || month > 12 || day < 1) return false
  return day <= daysInMonth(year, month)
}

const daysInMonth = (year: number, month: number): number => {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

const dateMessage = (what: string) => (issue: { readonly actual: unknown }) =>
  `${what} must be a real calendar day written YYYY-MM-DD (for example 2026-03-14); got ${JSON.stringify(issue.actual)}`

/** A note's day, with a message naming the field it guards (path, query parameter or body field). */
export const noteDateField = (field: string) =>
  Schema.String.pipe(
    Schema.filter(isCalendarDate, { message: dateMessage(field) }),
    Schema.brand("NoteDate"),
    Schema.annotations({ description: "A calendar day, YYYY-MM-DD" })
  )

export const NoteDate = noteDateField("date")
export type NoteDate = typeof NoteDate.Type

const pad = (n: number) => String(n).padStart(2, "0")

/** The host-local calendar day of an instant. */
export const localDate = (millis: number): NoteDate => {
  const at = new Date(millis)
  return `${String(at.getFullYear()).padStart(4, "0")}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}` as NoteDate
}

/** The calendar day before `date`. */
export const dayBefore = (date: string): NoteDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10) as NoteDate

/** The host-local wall-clock time of an instant as a log card shows it: `hh:mm AM`, 12-hour, zero-padded. */
export const localTimestamp = (millis: number): string => {
  const at = new Date(millis)
  const hours = at.getHours()
  return `${pad(hours % 12 === 0 ? 12 : hours % 12)}:${pad(at.getMinutes())} ${hours < 12 ? "AM" : "PM"}`
}
