// memory-distill: asks the `utility` model (ModelCalls: its route, else the gateway) for the durable facts in
// yesterday's note and stores each as a memory with provenance `daily-note:<date>`. A fact the workspace already
// remembers, from any day or typed in by hand, is not stored again: the same words (ignoring case, spacing and a
// closing full stop) are the same memory.
import { Effect } from "effect"
import { ModelCalls } from "../../models/ModelCalls"
import { jobSessionKey, newRunId } from "../../gateway/SessionKeys"
import { Memories } from "../../memories/Memories"
import { sameFact } from "../../memories/SameFact"
import { dayBefore } from "../../notes/NoteDate"
import { Notes } from "../../notes/Notes"
import { CurrentWorkspace } from "../../platform/CurrentWorkspace"
import type { JobBody } from "../JobBody"
import { ask, lines, settle } from "./AskModel"

const SYSTEM =
  "You extract durable facts from a person's daily note: preferences, decisions, commitments, relationships. " +
  "Answer with one short self-contained fact per line, at most 10, and nothing else. Answer with nothing if there are none."

export const memoryDistill = Effect.gen(function* () {
  const notes = yield* Notes
  const memories = yield* Memories
  const calls = yield* ModelCalls
  return {
    scope: "workspace",
    run: settle(
      Effect.gen(function* () {
        const date = dayBefore((yield* notes.now).date)
        const { text } = yield* notes.text(date)
        if (text.trim() === "") return { status: "succeeded" as const, detail: `no note on ${date}` }
        const workspace = yield* CurrentWorkspace
        const asked = yield* ask(
          "utility",
          jobSessionKey(workspace, "memory-distill", newRunId()),
          SYSTEM,
          `Daily note of ${date}:\n\n${text}`
        )
        const facts = lines(asked.answer)
        const source = `daily-note:${date}`
        const candidates = [...new Set(facts.map(sameFact))]
        const known = new Set(yield* memories.remembered(candidates))
        let stored = 0
        for (const fact of facts) {
          const identity = sameFact(fact)
          if (known.has(identity)) continue
          known.add(identity)
          yield* memories.create({ content: fact, source })
          stored++
        }
        return { status: "succeeded" as const, detail: `${stored} new memories from ${date} (asked the ${asked.via})` }
      }).pipe(Effect.provideService(ModelCalls, calls))
    )
  } satisfies JobBody
})
