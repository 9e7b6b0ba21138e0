// folio-synthesis: for each folio active yesterday (a log entry naming it, or a commit), asks the `utilityHigh` model
// (ModelCalls: its route, else the `utility` one, else the gateway) for a synopsis of that day's work and appends it
// to the folio's timeline, once per folio and day.
import { DateTime, Effect } from "effect"
import { Folios } from "../../folios/Folios"
import { ModelCalls } from "../../models/ModelCalls"
import { jobSessionKey, newRunId } from "../../gateway/SessionKeys"
import { dayBefore } from "../../notes/NoteDate"
import { Notes } from "../../notes/Notes"
import { CurrentWorkspace } from "../../platform/CurrentWorkspace"
import type { JobBody } from "../JobBody"
import { ask, settle } from "./AskModel"

const SYSTEM =
  "You write a folio's timeline: given one day's log entries and commits for a project notebook, answer with a " +
  "two- or three-sentence synopsis of what happened. Plain text."

export const folioSynthesis = Effect.gen(function* () {
  const notes = yield* Notes
  const folios = yield* Folios
  const calls = yield* ModelCalls
  return {
    scope: "workspace",
    run: settle(
      Effect.gen(function* () {
        const date = dayBefore((yield* notes.now).date)
        const workspace = yield* CurrentWorkspace
        const runId = newRunId()
        let written = 0
        let via: string | undefined
        for (const folio of yield* folios.list()) {
          const detail = yield* folios.get(folio.id).pipe(Effect.orDie)
          if (detail.timeline.some((entry) => entry.date === date && entry.source === "synthesis")) continue
          const entries = (yield* folios.entries(folio.id).pipe(Effect.orDie)).filter((entry) => entry.date === date)
          const commits = detail.commits.filter((commit) => DateTime.formatIsoDate(commit.createdAt) === date)
          if (entries.length === 0 && commits.length === 0) continue
          const day = [
            ...entries.map((entry) => `Log ${entry.timestamp}: ${entry.text}`),
            ...commits.map((commit) => `Commit: ${commit.message}`)
          ].join("\n")
          const asked = yield* ask(
            "utilityHigh",
            jobSessionKey(workspace, "folio-synthesis", runId, folio.id),
            SYSTEM,
            `Folio "${folio.name}" (${folio.about}), ${date}:\n\n${day}`
          )
          via = asked.via
          if (yield* folios.addSynopsis(folio.id, date, asked.answer.trim())) written++
        }
        return {
          status: "succeeded" as const,
          detail: `${written} folio synopses for ${date}${via === undefined ? "" : ` (asked the ${via})`}`
        }
      }).pipe(Effect.provideService(ModelCalls, calls))
    )
  } satisfies JobBody
})
