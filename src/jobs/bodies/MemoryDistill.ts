// memory-distill: asks the gateway for the durable facts in yesterday's note and stores each as a memory with
// provenance `daily-note:<date>`. A fact the workspace already remembers, from any day or typed in by hand, is not
// stored again: the same words (ignoring case, spacing and a closing full stop) are the same memory.
import { Effect } from "effect"
import { Gateway } from "../../gateway/Gateway"
import { Memories } from "../../memories/Memories"
import { dayBefore } from "../../notes/NoteDate"
import { Notes } from "../../notes/Notes"
import { AppDb } from "../../platform/Db"
import { RlsScope } from "../../platform/RlsScope"
import { CurrentWorkspace } from "../../platform/CurrentWorkspace"
import type { JobBody } from "../JobBody"
import { ask, lines, settle } from "./AskGateway"

const SYSTEM =
  "You extract durable facts from a person's daily note: preferences, decisions, commitments, relationships. " +
  "Answer with one short self-contained fact per line, at most 10, and nothing else. Answer with nothing if there are none."

/** A fact's identity: lower case, runs of spaces as one, no closing full stop or exclamation mark. */
const sameFact = (fact: string) =>
  fact
    .toLowerCase()
    .replace(/[ \t\r\n\f\v]+/g, " ")
    .replace(/^ | $/g, "")
    .replace(/[.!]+$/, "")
/** The same rule in SQL, over memories.content (the whitespace class is the same six characters). */
const SAME_FACT_SQL = String.raw`regexp_replace(btrim(regexp_replace(lower(content), '[ \t\r\n\f\v]+', ' ', 'g')), '[.!]+$', '')`

export const memoryDistill = Effect.gen(function* () {
  const notes = yield* Notes
  const memories = yield* Memories
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const gateway = yield* Gateway
  return {
    scope: "workspace",
    run: settle(
      Effect.gen(function* () {
        const date = dayBefore((yield* notes.now).date)
        const { text } = yield* notes.text(date)
        if (text.trim() === "") return { status: "succeeded" as const, detail: `no note on ${date}` }
        const workspace = yield* CurrentWorkspace
        const facts = lines(
          yield* ask(`carabase:${workspace}:memory-distill`, SYSTEM, `Daily note of ${date}:\n\n${text}`)
        )
        const source = `daily-note:${date}`
        const candidates = [...new Set(facts.map(sameFact))]
        const known = new Set(
          candidates.length === 0
            ? []
            : (yield* rls.rows(sql<{ fact: string }>`
                select ${sql.literal(SAME_FACT_SQL)} as fact from memories
                where ${sql.literal(SAME_FACT_SQL)} = any(${candidates}::text[])`)).map((row) => row.fact)
        )
        let stored = 0
        for (const fact of facts) {
          const identity = sameFact(fact)
          if (known.has(identity)) continue
          known.add(identity)
          yield* memories.create({ content: fact, source })
          stored++
        }
        return { status: "succeeded" as const, detail: `${stored} new memories from ${date}` }
      }).pipe(Effect.provideService(Gateway, gateway))
    )
  } satisfies JobBody
})
