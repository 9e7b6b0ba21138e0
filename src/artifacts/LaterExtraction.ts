// The background extraction queue: artifacts stored with extraction `pending` (images and scanned PDFs for OCR, audio
// for the workspace's `transcription` model route) are read here, one at a time, off the request path. The queue is
// the artifacts table itself, so what a restart interrupts is picked up at the next sweep; an upload wakes the sweep,
// and it also runs every minute. Audio waits while its workspace has no transcription route; a failing transcription
// is tried MAX_ATTEMPTS times, then the artifact says why it has no text. The audio itself is always kept.
import { SqlSchema } from "@effect/sql"
import { Effect, Option, Queue, Schedule, Schema } from "effect"
import { Gateway } from "../gateway/Gateway"
import { Harvest } from "../harvest/Harvest"
import { LiveUpdates } from "../live/LiveUpdates"
import { ModelRoutes } from "../models/ModelRoutes"
import { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import { Workspaces } from "../workspaces/Workspaces"
import type { Extraction } from "./Extract"
import { ocr, ocrConfig } from "./Ocr"

const MAX_ATTEMPTS = 3
const BATCH = 20
const NO_ROUTE =
  "waiting for a transcription model route: set one with PUT /api/v1/model-routes/transcription (an OpenAI-compatible /v1/audio/transcriptions server, such as a local whisper server)"

const PendingRow = Schema.Struct({
  id: Schema.String,
  filename: Schema.String,
  extractor: Schema.NullOr(Schema.String),
  reason: Schema.NullOr(Schema.String),
  attempts: Schema.Number
})
type PendingRow = typeof PendingRow.Type

/** What the artifact's metadata says about its extraction. */
export const extractionMetadata = (extraction: Extraction, attempts = 0) =>
  extraction._tag === "Text"
    ? { status: "text", extractor: extraction.extractor }
    : extraction._tag === "NoText"
      ? { status: "none", extractor: extraction.extractor, reason: extraction.reason }
      : { status: "pending", extractor: extraction.extractor, reason: extraction.reason, attempts }

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const harvest = yield* Harvest
  const live = yield* LiveUpdates
  const workspaces = yield* Workspaces
  const routes = yield* ModelRoutes
  const gateway = yield* Gateway
  const config = yield* ocrConfig
  const wake = yield* Queue.sliding<void>(1)

  const pending = SqlSchema.findAll({
    Request: Schema.Void,
    Result: PendingRow,
    execute: () =>
      rls.rows(sql`
        select id, filename, metadata #>> '{extraction,extractor}' as extractor,
          metadata #>> '{extraction,reason}' as reason,
          coalesce((metadata #>> '{extraction,attempts}')::int, 0)::float8 as attempts
        from artifacts where metadata #>> '{extraction,status}' = 'pending' and content is not null
        order by created_at limit ${BATCH}`)
  })
  const bytesOf = SqlSchema.findOne({
    Request: Schema.String,
    Result: Schema.Struct({ mimeType: Schema.String, content: Schema.Uint8ArrayFromSelf }),
    execute: (id) => rls.rows(sql`select mime_type, content from artifacts where id = ${id}`)
  })
  /** Writes the outcome if the artifact is still waiting for it (not deleted meanwhile); answers whether it was. */
  const settle = (row: PendingRow, text: string | null, metadata: object) =>
    rls.current(
      Effect.gen(function* () {
        const updated = yield* sql`
          update artifacts set extracted_text = ${text},
            metadata = jsonb_set(metadata, '{extraction}', ${JSON.stringify(metadata)}::jsonb), updated_at = now()
          where id = ${row.id} and metadata #>> '{extraction,status}' = 'pending'
          returning id`
        if (updated.length > 0 && text !== null) {
          yield* harvest.index({ kind: "artifact", id: row.id, title: row.filename, text })
        }
        return updated.length > 0
      })
    )

  const transcribe = (row: PendingRow, mimeType: string, bytes: Uint8Array) =>
    Effect.gen(function* () {
      const target = yield* routes.routeTarget("transcription")
      if (Option.isNone(target)) return Option.none<Extraction>()
      const text = yield* gateway.transcribe(target.value, { filename: row.filename, mimeType, bytes })
      const clean = text.trim()
      return Option.some<Extraction>(
        clean === ""
          ? { _tag: "NoText", reason: "the transcription holds no words", extractor: "transcription" }
          : { _tag: "Text", text: clean, extractor: "transcription" }
      )
    })

  const process = (row: PendingRow) =>
    Effect.gen(function* () {
      const stored = yield* bytesOf(row.id)
      if (Option.isNone(stored)) return
      const { content, mimeType } = stored.value
      if (row.extractor === "ocr") {
        const result = yield* ocr(mimeType, content, config)
        yield* settle(row, result._tag === "Text" ? result.text : null, extractionMetadata(result))
      } else {
        const outcome = yield* Effect.either(transcribe(row, mimeType, content))
        if (outcome._tag === "Right") {
          if (Option.isNone(outcome.right)) {
            if (row.reason === NO_ROUTE) return
            yield* settle(row, null, { status: "pending", extractor: "transcription", reason: NO_ROUTE, attempts: 0 })
            // Still pending: nothing changed for the owner's views.
            return
          }
          const result = outcome.right.value
          yield* settle(row, result._tag === "Text" ? result.text : null, extractionMetadata(result))
        } else {
          const attempts = row.attempts + 1
          const reason = `transcription failed: ${outcome.left.message}`
          yield* Effect.logWarning(`transcription of artifact ${row.id} failed (attempt ${attempts}): ${reason}`)
          yield* settle(
            row,
            null,
            attempts >= MAX_ATTEMPTS
              ? { status: "none", extractor: "transcription", reason: `${reason} (after ${attempts} attempts)` }
              : { status: "pending", extractor: "transcription", reason: `${reason}; trying again`, attempts }
          )
          if (attempts < MAX_ATTEMPTS) return
        }
      }
      yield* live.publish({ type: "artifact", action: "updated", id: row.id })
    }).pipe(
      Effect.catchAllCause((cause) => Effect.logError(`background extraction of artifact ${row.id} failed`, cause)),
      Effect.withSpan("LaterExtraction.process")
    )

  const sweepWorkspace = pending(undefined).pipe(
    Effect.flatMap((rows) => Effect.forEach(rows, process, { discard: true })),
    Effect.catchAllCause((cause) => Effect.logError("cannot read the artifacts waiting for extraction", cause))
  )

  const sweep = Effect.flatMap(workspaces.list, (all) =>
    Effect.forEach(all, (workspace) => Effect.provideService(sweepWorkspace, CurrentWorkspace, workspace.id), {
      discard: true
    })
  )

  const nextTick = Effect.race(Queue.take(wake), Effect.sleep("1 minute"))
  const loop = sweep.pipe(Effect.zipRight(nextTick), Effect.repeat(Schedule.forever), Effect.asVoid)

  return {
    /** Runs until its scope closes. */
    loop: loop.pipe(Effect.annotateLogs("service", "LaterExtraction")),
    /** Asks for a sweep now (an artifact was queued). */
    wake: Queue.offer(wake, undefined).pipe(Effect.asVoid)
  }
})
