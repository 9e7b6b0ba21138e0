// Starts entity extraction soon after a write: every couple of seconds it looks (as the owner, across workspaces) for
// workspaces with sources waiting in the extraction queue and queues the entity-extraction job for each. pg-boss keeps
// one queued run per workspace, so a busy workspace is not queued twice; the writes themselves never wait for it. A
// workspace with a bulk write running (an import) is left until it ends (Extraction.deferWhile).
import { whenBackgroundWork } from "../platform/BackgroundWork"
import { Duration, Effect, Layer, Schedule, Schema } from "effect"
import { SqlSchema } from "@effect/sql"
import { OwnerDb } from "../platform/Db"
import { WorkspaceId } from "../platform/CurrentWorkspace"
import { Extraction, layer as extractionLayer } from "../graph/Extraction"
import { Scheduler } from "./Scheduler"

export const EXTRACTION_POLL = Duration.seconds(2)

export const layer = Layer.scopedDiscard(
  Effect.gen(function* () {
    const owner = yield* OwnerDb
    const scheduler = yield* Scheduler
    const extraction = yield* Extraction
    const waiting = SqlSchema.findAll({
      Request: Schema.Void,
      Result: Schema.Struct({ workspaceId: WorkspaceId }),
      execute: () => owner`select distinct workspace_id from extraction_queue`
    })
    const tick = waiting(undefined).pipe(
      Effect.map((rows) => rows.filter((row) => !extraction.isDeferred(row.workspaceId))),
      Effect.flatMap((rows) =>
        Effect.forEach(rows, (row) => scheduler.trigger("entity-extraction", { workspace: row.workspaceId }), {
          discard: true
        })
      ),
      Effect.catchAllCause((cause) => Effect.logWarning("cannot look for sources waiting for extraction", cause)),
      Effect.annotateLogs("service", "ExtractionTrigger")
    )
    yield* whenBackgroundWork(Effect.forkScoped(Effect.repeat(tick, Schedule.spaced(EXTRACTION_POLL))))
  })
).pipe(Layer.provide(extractionLayer))
