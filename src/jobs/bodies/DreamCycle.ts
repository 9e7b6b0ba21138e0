// dream-cycle: asks the `utilityHigh` model (ModelCalls: its route, else the `utility` one, else the gateway) for a
// short reflection on yesterday's note and injects it into today's note as a logCard tagged #dream. Its idempotency
// key (`dream-cycle:<date>`) keeps it to one per day, however many runs.
import { Effect } from "effect"
import { ModelCalls } from "../../models/ModelCalls"
import { jobSessionKey, newRunId } from "../../gateway/SessionKeys"
import { hasIdempotencyKey } from "../../notes/LogCard"
import { dayBefore } from "../../notes/NoteDate"
import { Notes } from "../../notes/Notes"
import { CurrentWorkspace } from "../../platform/CurrentWorkspace"
import { JobError, type JobBody } from "../JobBody"
import { ask, settle } from "./AskModel"

const SYSTEM =
  "You write a short, kind reflection (at most 120 words) on a person's day from their daily note: what stood out, " +
  "what connects, one question worth sitting with. Plain text, no headings."

export const dreamCycle = Effect.gen(function* () {
  const notes = yield* Notes
  const calls = yield* ModelCalls
  return {
    scope: "workspace",
    run: settle(
      Effect.gen(function* () {
        const today = (yield* notes.now).date
        const key = `dream-cycle:${today}`
        if (hasIdempotencyKey((yield* notes.get(today)).documentState, key)) {
          return { status: "succeeded" as const, detail: "already dreamt today" }
        }
        const yesterday = dayBefore(today)
        const { text } = yield* notes.text(yesterday)
        if (text.trim() === "")
          return { status: "succeeded" as const, detail: `nothing to reflect on from ${yesterday}` }
        const workspace = yield* CurrentWorkspace
        const asked = yield* ask(
          "utilityHigh",
          jobSessionKey(workspace, "dream-cycle", newRunId()),
          SYSTEM,
          `Daily note of ${yesterday}:\n\n${text}`
        )
        const result = yield* notes
          .appendLogEntry({ content: asked.answer.trim(), tags: ["dream"], date: today, idempotencyKey: key })
          .pipe(Effect.mapError((error) => new JobError({ message: error.message })))
        return {
          status: "succeeded" as const,
          detail: result.duplicate ? "already dreamt today" : `reflection added to ${today} (asked the ${asked.via})`
        }
      }).pipe(Effect.provideService(ModelCalls, calls))
    )
  } satisfies JobBody
})
