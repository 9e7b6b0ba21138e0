// entity-extraction: drains the workspace's extraction queue (every write Harvest indexed since the last run) through
// the offline tier and, when the workspace has a `utility` model route, the model tier. Queued by ExtractionTrigger
// as soon as something is waiting, never by the write itself: the request that wrote does not wait for it.
import { Effect } from "effect"
import { Extraction } from "../../graph/Extraction"
import type { JobBody } from "../JobBody"

export const entityExtraction = Effect.map(Extraction, (extraction): JobBody => ({
  scope: "workspace",
  run: Effect.map(extraction.drain, (done) => ({
    status: "succeeded" as const,
    detail:
      `${done.sources} source(s): ${done.mentions} new mention(s), ${done.edges} new edge(s), ` +
      `${done.entitiesCreated} new entit${done.entitiesCreated === 1 ? "y" : "ies"}, ${done.suggestions} suggestion(s); ` +
      `${done.modelAnswers} model answer(s), ${done.modelUnparseable} unparseable (skipped)`
  }))
}))
