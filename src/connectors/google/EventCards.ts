// A Google Calendar event as the owner's day sees it: the day it is on (the host's time zone; an all-day event's own
// date), the log card's timestamp (its start, or 12:00 AM for an all-day event), and the card's markdown: title,
// time span, place and the people in it. Pure.
import { isCalendarDate, localDate, localTimestamp, type NoteDate } from "../../notes/NoteDate"
import type { CalendarEvent } from "./GoogleClient"

export interface Attendee {
  readonly name: string
  readonly email: string | undefined
}

/** The day and the card's time of an event; undefined when it has no readable start. */
export const eventPlacement = (event: CalendarEvent): { day: NoteDate; timestamp: string } | undefined => {
  const start = event.start
  if (start?.dateTime !== undefined) {
    const millis = Date.parse(start.dateTime)
    if (!Number.isFinite(millis)) return undefined
    return { day: localDate(millis), timestamp: localTimestamp(millis) }
  }
  if (start?.date !== undefined && isCalendarDate(start.date)) {
    return { day: start.date as NoteDate, timestamp: "12:00 AM" }
  }
  return undefined
}

/** The people of an event: not the owner (self), not rooms (resources), each once by address. */
export const attendeesOf = (event: CalendarEvent): ReadonlyArray<Attendee> => {
  const seen = new Set<string>()
  const people: Array<Attendee> = []
  for (const attendee of event.attendees ?? []) {
    if (attendee.self === true || attendee.resource === true) continue
    const name = (attendee.displayName ?? attendee.email ?? "").trim()
    if (name === "") continue
    const key = (attendee.email ?? name).toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    people.push({ name, email: attendee.email })
  }
  return people
}

const span = (event: CalendarEvent) => {
  const start = event.start?.dateTime
  const end = event.end?.dateTime
  if (start === undefined) return "all day"
  const from = localTimestamp(Date.parse(start))
  const to = end === undefined || !Number.isFinite(Date.parse(end)) ? from : localTimestamp(Date.parse(end))
  return to === from ? from : `${from} – ${to}`
}

/** Markdown-significant characters of text that came from someone else, shown as written. */
const plain = (text: string) => text.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`)

const DESCRIPTION_LIMIT = 500

export const eventMarkdown = (event: CalendarEvent): string => {
  const title = plain((event.summary ?? "").trim() || "(no title)")
  const place = event.location === undefined ? "" : ` · ${plain(event.location)}`
  const lines = [`**${title}** · ${span(event)}${place}`]
  const people = attendeesOf(event)
  if (people.length > 0) lines.push(`With ${people.map((p) => plain(p.name)).join(", ")}`)
  const description = (event.description ?? "")
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
  if (description !== "") {
    lines.push(
      plain(description.length > DESCRIPTION_LIMIT ? `${description.slice(0, DESCRIPTION_LIMIT - 1)}…` : description)
    )
  }
  return lines.join("\n\n")
}

/** The text the event is searchable by. */
export const eventText = (event: CalendarEvent): string =>
  [
    (event.summary ?? "").trim() || "(no title)",
    span(event),
    event.location ?? "",
    attendeesOf(event)
      .map((p) => (p.email === undefined ? p.name : `${p.name} <${p.email}>`))
      .join(", "),
    event.description ?? ""
  ]
    .filter((line) => line !== "")
    .join("\n\n")
