// Handlers of the daily-notes group: each one translates the request for the Notes service or the note history, and
// names its route as the writer of what it writes.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { asRoute, ifMatch } from "../http/RouteWriter"
import { chooseBase } from "../schema/BaseRevision"
import { NoteHistory } from "./NoteHistory"
import { Notes } from "./Notes"
import { InvalidBaseRevision } from "./NotesApi"
import type { NoteDate } from "./NoteDate"

/** The revision the request says its edit is based on (If-Match or baseRevision), or a 400 when it is unclear. */
const baseOf = (body: number | null | undefined) =>
  Effect.flatMap(ifMatch, (header) => {
    const chosen = chooseBase(header, body)
    return "problem" in chosen
      ? Effect.fail(new InvalidBaseRevision({ message: chosen.problem }))
      : Effect.succeed(chosen.base)
  })

/** The `days` calendar days ending at `to`, oldest first. */
const daysEnding = (to: NoteDate, days: number): Array<NoteDate> => {
  const end = Date.parse(`${to}T00:00:00Z`)
  return Array.from(
    { length: days },
    (_, i) => new Date(end - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10) as NoteDate
  )
}

export const NotesHttpLive = HttpApiBuilder.group(CarabaseApi, "notes", (handlers) =>
  Effect.gen(function* () {
    const notes = yield* Notes
    const history = yield* NoteHistory
    return handlers
      .handle("activity", ({ urlParams }) => {
        const dates = daysEnding(urlParams.to, urlParams.days ?? 14)
        return Effect.map(notes.activity(dates[0]!, urlParams.to), (found) => {
          const counts = new Map(found.map((day) => [day.date as string, day.entries]))
          return { days: dates.map((date) => ({ date, entries: counts.get(date) ?? 0 })) }
        })
      })
      .handle("get", ({ path }) => notes.get(path.date))
      .handle("text", ({ path }) => notes.text(path.date))
      .handle("replace", ({ path, payload }) =>
        Effect.flatMap(baseOf(payload.baseRevision), (base) =>
          notes.replace(path.date, payload.documentState, base)
        ).pipe(asRoute)
      )
      .handle("inject", ({ payload }) =>
        Effect.map(
          "block" in payload
            ? notes.appendBlock({ block: payload.block, date: payload.date, idempotencyKey: payload.idempotencyKey })
            : notes.appendLogEntry({
                content: payload.content,
                folio: payload.folio,
                tags: payload.tags,
                date: payload.date,
                idempotencyKey: payload.idempotencyKey,
                timestamp: payload.timestamp
              }),
          ({ date, duplicate }) => ({ success: true as const, date, duplicate })
        ).pipe(asRoute)
      )
      .handle("editEntry", ({ path, payload }) =>
        Effect.flatMap(baseOf(payload.baseRevision), (base) =>
          notes.editEntry(
            path.date,
            path.ref,
            "block" in payload
              ? { block: payload.block }
              : { content: payload.content, folio: payload.folio, tags: payload.tags },
            base
          )
        ).pipe(asRoute)
      )
      .handle("removeEntry", ({ path }) =>
        Effect.flatMap(baseOf(undefined), (base) => notes.removeEntry(path.date, path.ref, base)).pipe(
          Effect.map(({ note, trashId }) => ({ ...note, trashId })),
          asRoute
        )
      )
      .handle("revisions", ({ path }) => history.list(path.date))
      .handle("revision", ({ path }) => history.get(path.date, path.n))
      .handle("restore", ({ path }) =>
        Effect.flatMap(baseOf(undefined), (base) => history.restore(path.date, path.n, base)).pipe(asRoute)
      )
  })
)
