// Artifacts: uploaded files stored with their bytes, their extracted text (see Extract; read in a worker of
// ExtractPool) and a search index entry written through Harvest in the same transaction. Images, scanned PDFs and audio
// are stored at once and read later, in the background (LaterExtraction). Reading the content gives the text cut to a token budget. A delete
// moves the row (its bytes live in it) and its search entries to the trash; purging the trash entry frees the bytes.
import { whenBackgroundWork } from "../platform/BackgroundWork"
import { SqlSchema } from "@effect/sql"
import { Config, Context, Effect, Layer, Option, Schema } from "effect"
import { layer as modelRoutesLayer } from "../models/ModelRoutes"
import { layer as workspacesLayer } from "../workspaces/Workspaces"
import { Harvest, layer as harvestLayer } from "../harvest/Harvest"
import { LiveUpdates, layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { AppDb, JsonbRow, rowsOrDie } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import type { TrashId } from "../trash/TrashApi"
import { restoreConflicts, TrashRepo, layer as trashRepoLayer, type RestoreConflict } from "../trash/TrashRepo"
import { Artifact, ArtifactId, ArtifactNotFound, ArtifactSummary, type ArtifactPosition } from "./ArtifactsApi"
import { detectMimeType, extractorFor, laterExtractorFor, type Extraction } from "./Extract"
import { ExtractPool, layer as extractPoolLayer } from "./ExtractPool"
import * as LaterExtraction from "./LaterExtraction"

/** The budget's unit: a token is taken as 4 characters, the usual average for English text in GPT-style tokenizers. */
export const CHARS_PER_TOKEN = 4
export const DEFAULT_MAX_TOKENS = 8000

/** The largest file the host takes in as an artifact: an upload, or a voice note fetched from a chat platform. */
export const maxUploadBytes = Config.integer("CARABASE_MAX_UPLOAD_BYTES").pipe(
  Config.withDefault(25 * 1024 * 1024),
  Config.validate({ message: "CARABASE_MAX_UPLOAD_BYTES must be a positive number of bytes", validation: (n) => n > 0 })
)

export interface NewArtifact {
  readonly filename: string
  readonly declaredType: string
  readonly bytes: Uint8Array
}

export interface ArtifactText {
  readonly content: string
  readonly extracted: boolean
  /** `text`, `none` (the file yields no text: `reason` says why) or `pending` (queued for OCR or transcription). */
  readonly status: "text" | "none" | "pending"
  /** What produced the text (or tried to), e.g. `pdf-text`, `docx`, `ocr`, `transcription`; null when unknown. */
  readonly extractor: string | null
  readonly reason: string | null
  readonly truncated: boolean
  readonly totalTokens: number
}

/** A document a connector brought in (a GitHub issue, a device's push): text only, identified by its source. */
export interface HarvestedDocument {
  /** Where it came from, e.g. `github` or `harvester:<connector>`. */
  readonly source: string
  /** Its id at the source; harvesting the same id again updates the artifact. */
  readonly externalId: string
  /** The connection or device it came through, so a purge can find it. */
  readonly connectionId: string | null
  readonly title: string
  readonly text: string
  readonly metadata: Record<string, unknown>
  /**
   * The original file, when the document is one (a mail's attachment): its bytes are kept and served as they came,
   * and its extracted text is appended to `text`.
   */
  readonly file?: { readonly filename: string; readonly declaredType: string; readonly bytes: Uint8Array } | undefined
}

/** An artifact's bytes as stored, with the name and type they were stored under. */
export interface ArtifactFile {
  readonly filename: string
  readonly mimeType: string
  readonly bytes: Uint8Array
}

export interface ArtifactPage {
  readonly artifacts: ReadonlyArray<ArtifactSummary>
  /** Where the next page starts; none after the last. */
  readonly next: Option.Option<ArtifactPosition>
}

export interface ArtifactsShape {
  readonly store: (file: NewArtifact) => Effect.Effect<Artifact, never, CurrentWorkspace>
  /** Inserts or updates a harvested document and indexes its text; `created` is false for an update. */
  readonly storeHarvested: (
    document: HarvestedDocument
  ) => Effect.Effect<{ readonly id: ArtifactId; readonly created: boolean }, never, CurrentWorkspace>
  /**
   * `storeHarvested` for many text-only documents in one statement (and their index in a few): a bulk import's pages.
   * Answers each document's artifact in the order given. Two documents of one source and id in a call fail it.
   */
  readonly storeHarvestedTexts: (
    documents: ReadonlyArray<Omit<HarvestedDocument, "file">>
  ) => Effect.Effect<ReadonlyArray<{ readonly id: ArtifactId; readonly created: boolean }>, never, CurrentWorkspace>
  /** Deletes every artifact harvested through a connection or device, with its index entries; answers how many. */
  readonly removeHarvested: (connectionId: string) => Effect.Effect<number, never, CurrentWorkspace>
  readonly get: (id: ArtifactId) => Effect.Effect<Artifact, ArtifactNotFound, CurrentWorkspace>
  /** Newest first, `limit` at a time, starting after `after`. */
  readonly list: (options: {
    readonly limit: number
    readonly after: Option.Option<ArtifactPosition>
  }) => Effect.Effect<ArtifactPage, never, CurrentWorkspace>
  /** The stored bytes; a harvested document, which has only its text, gives that text as UTF-8. */
  readonly file: (id: ArtifactId) => Effect.Effect<ArtifactFile, ArtifactNotFound, CurrentWorkspace>
  readonly content: (
    id: ArtifactId,
    maxTokens: number
  ) => Effect.Effect<ArtifactText, ArtifactNotFound, CurrentWorkspace>
  /** Which of these artifacts exist in the workspace (ids as given, compared as stored: lowercase). */
  readonly existing: (ids: ReadonlyArray<ArtifactId>) => Effect.Effect<ReadonlySet<ArtifactId>, never, CurrentWorkspace>
  /** Moves the artifact, bytes included, and its search entries to the trash; answers the trash entry's id. */
  readonly remove: (id: ArtifactId, deletedBy: string) => Effect.Effect<TrashId, ArtifactNotFound, CurrentWorkspace>
  /** Puts back what `remove` put in the trash, under the same id. */
  readonly restore: (data: Record<string, unknown>) => Effect.Effect<string, RestoreConflict, CurrentWorkspace>
}

export class Artifacts extends Context.Tag("carabase/Artifacts")<Artifacts, ArtifactsShape>() {}

const ArtifactRow = Schema.Struct({ ...Artifact.fields, createdAt: Schema.DateTimeUtcFromDate })

/** A listed row: `position` is its creation time as PostgreSQL prints it (microseconds kept) for the next cursor. */
const SummaryRow = Schema.Struct({ ...ArtifactRow.fields, source: Schema.String, position: Schema.String })
const toSummary = (row: typeof SummaryRow.Type) =>
  new ArtifactSummary(
    {
      id: row.id,
      filename: row.filename,
      mimeType: row.mimeType,
      size: row.size,
      createdAt: row.createdAt,
      kind: row.source === "upload" ? "upload" : "harvested",
      source: row.source
    },
    { disableValidation: true }
  )
/** The row was decoded by a schema of the same fields, so the constructor's own validation is skipped. */
const toArtifact = (row: typeof ArtifactRow.Type) => new Artifact(row, { disableValidation: true })

/** A file name safe to show and store: the last path segment, no control characters, at most 255 characters. */
export const cleanFilename = (name: string): string => {
  const base = name.split(/[\\/]/).pop() ?? ""
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, "").trim()
  return clean === "" ? "upload" : clean.slice(0, 255)
}

/** A harvested document's title as its artifact's name: no control characters, at most 255 characters. */
export const cleanTitle = (title: string): string => {
  // eslint-disable-next-line no-control-regex
  const clean = title.replace(/[\u0000-\u001f\u007f]/g, " ").trim()
  return clean === "" ? "untitled" : clean.slice(0, 255)
}

/** Cuts `text` at a word so that it fits `maxTokens` tokens of CHARS_PER_TOKEN characters. */
export const truncateToTokens = (text: string, maxTokens: number): { text: string; truncated: boolean } => {
  const budget = maxTokens * CHARS_PER_TOKEN
  if (text.length <= budget) return { text, truncated: false }
  const cut = text.slice(0, budget + 1).search(/\s\S*$/)
  return { text: text.slice(0, cut > budget / 2 ? cut : budget).trimEnd(), truncated: true }
}

export const layer = Layer.scoped(
  Artifacts,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope
    const harvest = yield* Harvest
    const live = yield* LiveUpdates
    const trash = yield* TrashRepo
    const pool = yield* ExtractPool
    const later = yield* LaterExtraction.make
    yield* whenBackgroundWork(Effect.forkScoped(later.loop))

    const insert = SqlSchema.single({
      Request: Schema.Struct({
        filename: Schema.String,
        mimeType: Schema.String,
        bytes: Schema.Uint8ArrayFromSelf,
        extractedText: Schema.NullOr(Schema.String),
        metadata: Schema.String
      }),
      Result: ArtifactRow,
      execute: (file) => sql`
        insert into artifacts (filename, mime_type, size, sha256, content, extracted_text, metadata)
        values (${file.filename}, ${file.mimeType}, ${file.bytes.length}, sha256(${file.bytes}::bytea), ${file.bytes},
          ${file.extractedText}, ${file.metadata}::jsonb)
        returning id, filename, mime_type, size::float8 as size, created_at
      `
    })
    const findOne = SqlSchema.findOne({
      Request: ArtifactId,
      Result: ArtifactRow,
      execute: (id) =>
        sql`select id, filename, mime_type, size::float8 as size, created_at from artifacts where id = ${id}`
    })
    const findText = SqlSchema.findOne({
      Request: ArtifactId,
      Result: Schema.Struct({
        filename: Schema.String,
        mimeType: Schema.String,
        size: Schema.Number,
        extractedText: Schema.NullOr(Schema.String),
        status: Schema.NullOr(Schema.String),
        extractor: Schema.NullOr(Schema.String),
        reason: Schema.NullOr(Schema.String)
      }),
      execute: (id) => sql`
        select filename, mime_type, size::float8 as size, extracted_text, metadata #>> '{extraction,status}' as status,
          metadata #>> '{extraction,extractor}' as extractor, metadata #>> '{extraction,reason}' as reason
        from artifacts where id = ${id}
      `
    })
    const page = SqlSchema.findAll({
      Request: Schema.Struct({
        limit: Schema.Number,
        after: Schema.NullOr(Schema.Struct({ createdAt: Schema.String, id: Schema.String }))
      }),
      Result: SummaryRow,
      execute: ({ limit, after }) => sql`
        select id, filename, mime_type, size::float8 as size, created_at, source, created_at::text as position
        from artifacts
        ${after === null ? sql`` : sql`where (created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`}
        order by created_at desc, id desc
        limit ${limit}
      `
    })
    const findFile = SqlSchema.findOne({
      Request: ArtifactId,
      Result: Schema.Struct({
        filename: Schema.String,
        mimeType: Schema.String,
        content: Schema.NullOr(Schema.Uint8ArrayFromSelf),
        extractedText: Schema.NullOr(Schema.String)
      }),
      execute: (id) => sql`select filename, mime_type, content, extracted_text from artifacts where id = ${id}`
    })

    const upsertHarvested = SqlSchema.single({
      Request: Schema.Struct({
        source: Schema.String,
        externalId: Schema.String,
        connectionId: Schema.NullOr(Schema.String),
        title: Schema.String,
        text: Schema.String,
        metadata: Schema.String,
        mimeType: Schema.String,
        content: Schema.NullOr(Schema.Uint8ArrayFromSelf)
      }),
      Result: Schema.Struct({ id: ArtifactId, created: Schema.Boolean }),
      execute: (doc) => sql`
        insert into artifacts (filename, mime_type, size, sha256, content, extracted_text, source, external_id,
                               connection_id, metadata)
        values (${cleanTitle(doc.title)}, ${doc.mimeType},
                ${doc.content === null ? Buffer.byteLength(doc.text, "utf8") : doc.content.length},
                ${doc.content === null ? sql`sha256(convert_to(${doc.text}, 'UTF8'))` : sql`sha256(${doc.content}::bytea)`},
                ${doc.content}, ${doc.text}, ${doc.source}, ${doc.externalId}, ${doc.connectionId}, ${doc.metadata}::jsonb)
        on conflict (workspace_id, source, external_id) where external_id is not null do update set
          filename = excluded.filename, mime_type = excluded.mime_type, size = excluded.size,
          sha256 = excluded.sha256, content = excluded.content, extracted_text = excluded.extracted_text,
          connection_id = excluded.connection_id, metadata = excluded.metadata, updated_at = now()
        returning id, (xmax = 0) as created`
    })
    // The same upsert as upsertHarvested, for many text-only documents: one statement, one row each.
    const upsertHarvestedTexts = SqlSchema.findAll({
      Request: Schema.String,
      Result: Schema.Struct({
        id: ArtifactId,
        source: Schema.String,
        externalId: Schema.String,
        created: Schema.Boolean
      }),
      execute: (documents) => sql`
        insert into artifacts (filename, mime_type, size, sha256, content, extracted_text, source, external_id,
                               connection_id, metadata)
        select d.filename, 'text/plain', octet_length(convert_to(d.text, 'UTF8')), sha256(convert_to(d.text, 'UTF8')),
               null, d.text, d.source, d.external_id, d.connection_id, d.metadata
          from jsonb_to_recordset(${documents}::jsonb)
               as d(filename text, text text, source text, external_id text, connection_id uuid, metadata jsonb)
        on conflict (workspace_id, source, external_id) where external_id is not null do update set
          filename = excluded.filename, mime_type = excluded.mime_type, size = excluded.size,
          sha256 = excluded.sha256, content = excluded.content, extracted_text = excluded.extracted_text,
          connection_id = excluded.connection_id, metadata = excluded.metadata, updated_at = now()
        returning id, source, external_id, (xmax = 0) as created`
    })
    const removeHarvested = SqlSchema.findAll({
      Request: Schema.String,
      Result: Schema.Struct({ id: Schema.String }),
      execute: (connectionId) => sql`
        delete from artifacts where connection_id = ${connectionId} and source <> 'upload' returning id`
    })
    const existing = SqlSchema.findAll({
      Request: Schema.Array(ArtifactId),
      Result: Schema.Struct({ id: ArtifactId }),
      execute: (ids) => sql`select id from artifacts where id = any(${ids}::uuid[])`
    })
    const takeArtifact = SqlSchema.findOne({
      Request: ArtifactId,
      Result: Schema.Struct({ row: JsonbRow, filename: Schema.String }),
      execute: (id) => sql`
        delete from artifacts a where id = ${id}
        returning to_jsonb(a) - 'workspace_id' as row, filename`
    })
    const putArtifact = SqlSchema.single({
      Request: Schema.Unknown,
      Result: Schema.Struct({ id: ArtifactId }),
      execute: (artifact) => sql`
        insert into artifacts (id, filename, mime_type, size, sha256, content, extracted_text, source, external_id,
                               connection_id, metadata, created_at, updated_at)
        select id, filename, mime_type, size, sha256, content, extracted_text, source, external_id,
          connection_id, metadata, created_at, updated_at
        from jsonb_populate_record(null::artifacts, ${JSON.stringify(artifact)}::jsonb)
        returning id`
    })

    /**
     * A file's extraction: images and audio queued for the background at once, a type no extractor reads answered
     * without the pool, anything else read by a worker of the pool.
     */
    const extractionOf = (mimeType: string, bytes: Uint8Array): Effect.Effect<Extraction> => {
      const queued = laterExtractorFor(mimeType)
      if (queued !== undefined) {
        return Effect.succeed({
          _tag: "Later",
          extractor: queued,
          reason: queued === "ocr" ? "queued for OCR" : "queued for transcription"
        })
      }
      return extractorFor(mimeType) === null
        ? Effect.succeed({ _tag: "NoText", reason: `${mimeType} is not a text format`, extractor: null })
        : pool.extract(mimeType, bytes)
    }

    const remove = (id: ArtifactId, deletedBy: string) =>
      Effect.gen(function* () {
        const trashId = yield* rls.current(
          Effect.gen(function* () {
            const gone = Option.getOrUndefined(yield* takeArtifact(id).pipe(rowsOrDie))
            if (gone === undefined) return yield* ArtifactNotFound.of(id)
            const chunks = yield* harvest.takeOut("artifact", [id])
            return yield* trash.put({
              kind: "artifact",
              originalId: id,
              label: gone.filename,
              data: { artifact: gone.row, chunks },
              deletedBy
            })
          })
        )
        yield* live.publish({ type: "artifact", action: "deleted", id })
        return trashId
      }).pipe(Effect.catchTag("SqlError", Effect.die), Effect.withSpan("Artifacts.remove"))

    const restore = (data: Record<string, unknown>) =>
      Effect.gen(function* () {
        const id = yield* rls.current(
          Effect.gen(function* () {
            const row = yield* putArtifact(data.artifact).pipe(rowsOrDie, restoreConflicts)
            yield* harvest.putBack((data.chunks ?? []) as ReadonlyArray<Record<string, unknown>>)
            return row.id
          })
        )
        yield* live.publish({ type: "artifact", action: "created", id })
        return id
      }).pipe(Effect.catchTag("SqlError", Effect.die), Effect.withSpan("Artifacts.restore"))

    return {
      remove,
      restore,
      existing: (ids) =>
        rls.current(existing(ids)).pipe(
          Effect.map((rows): ReadonlySet<ArtifactId> => new Set(rows.map((row) => row.id))),
          Effect.orDie,
          Effect.withSpan("Artifacts.existing")
        ),
      storeHarvested: (doc) =>
        Effect.gen(function* () {
          const file = doc.file
          const title = file === undefined ? doc.title : file.filename
          const mimeType =
            file === undefined ? "text/plain" : detectMimeType(file.filename, file.declaredType, file.bytes)
          const extraction = file === undefined ? undefined : yield* extractionOf(mimeType, file.bytes)
          // An attachment's text follows the document's own line; an image or audio waits for the background queue,
          // which replaces the text with what OCR or transcription reads.
          const text =
            extraction === undefined || extraction._tag === "Later"
              ? doc.text
              : extraction._tag === "Text"
                ? `${doc.text}\n\n${extraction.text}`
                : `${doc.text}\n\n[no text: ${extraction.reason}]`
          const extractionStatus =
            extraction === undefined ? { status: "text" } : LaterExtraction.extractionMetadata(extraction)
          const result = yield* rls.current(
            Effect.gen(function* () {
              const row = yield* upsertHarvested({
                source: doc.source,
                externalId: doc.externalId,
                connectionId: doc.connectionId,
                title,
                text,
                mimeType,
                content: file === undefined ? null : file.bytes,
                metadata: JSON.stringify({ ...doc.metadata, extraction: extractionStatus })
              })
              yield* harvest.index({ kind: "artifact", id: row.id, title, text })
              return { id: row.id, created: row.created }
            })
          )
          yield* live.publish({ type: "artifact", action: result.created ? "created" : "updated", id: result.id })
          if (extraction?._tag === "Later") yield* later.wake
          return result
        }).pipe(Effect.orDie, Effect.withSpan("Artifacts.storeHarvested")),
      storeHarvestedTexts: (documents) =>
        Effect.gen(function* () {
          if (documents.length === 0) return []
          const results = yield* rls.current(
            Effect.gen(function* () {
              const rows = yield* upsertHarvestedTexts(
                JSON.stringify(
                  documents.map((doc) => ({
                    filename: cleanTitle(doc.title),
                    text: doc.text,
                    source: doc.source,
                    external_id: doc.externalId,
                    connection_id: doc.connectionId,
                    metadata: { ...doc.metadata, extraction: { status: "text" } }
                  }))
                )
              )
              const byKey = new Map(rows.map((row) => [`${row.source}\n${row.externalId}`, row]))
              const results = documents.map((doc) => {
                const row = byKey.get(`${doc.source}\n${doc.externalId}`)
                if (row === undefined) throw new Error(`artifact ${doc.externalId} was not stored`)
                return { id: row.id, created: row.created }
              })
              yield* harvest.indexMany(
                documents.map((doc, i) => ({ kind: "artifact", id: results[i]!.id, title: doc.title, text: doc.text }))
              )
              return results
            })
          )
          for (const result of results) {
            yield* live.publish({ type: "artifact", action: result.created ? "created" : "updated", id: result.id })
          }
          return results
        }).pipe(
          Effect.orDie,
          Effect.withSpan("Artifacts.storeHarvestedTexts", { attributes: { documents: documents.length } })
        ),
      removeHarvested: (connectionId) =>
        rls
          .current(
            Effect.gen(function* () {
              const removed = yield* removeHarvested(connectionId)
              for (const { id } of removed) yield* harvest.remove("artifact", id)
              return removed.length
            })
          )
          .pipe(Effect.orDie, Effect.withSpan("Artifacts.removeHarvested")),
      store: (file) =>
        Effect.gen(function* () {
          const filename = cleanFilename(file.filename)
          const mimeType = detectMimeType(filename, file.declaredType, file.bytes)
          const extraction = yield* extractionOf(mimeType, file.bytes)
          const text = extraction._tag === "Text" ? extraction.text : null
          const metadata = JSON.stringify({ extraction: LaterExtraction.extractionMetadata(extraction) })
          const artifact = yield* rls.current(
            Effect.gen(function* () {
              const row = yield* insert({ filename, mimeType, bytes: file.bytes, extractedText: text, metadata })
              if (text !== null) yield* harvest.index({ kind: "artifact", id: row.id, title: filename, text })
              return toArtifact(row)
            })
          )
          yield* live.publish({ type: "artifact", action: "created", id: artifact.id })
          if (extraction._tag === "Later") yield* later.wake
          return artifact
        }).pipe(Effect.orDie, Effect.withSpan("Artifacts.store")),
      get: (id) =>
        rls.current(findOne(id)).pipe(
          Effect.orDie,
          Effect.flatMap(
            Option.match({
              onNone: () => Effect.fail(ArtifactNotFound.of(id)),
              onSome: (row) => Effect.succeed(toArtifact(row))
            })
          )
        ),
      list: ({ limit, after }) =>
        rls.current(page({ limit: limit + 1, after: Option.getOrNull(after) })).pipe(
          Effect.map((rows): ArtifactPage => {
            const shown = rows.slice(0, limit)
            const last = shown[shown.length - 1]
            return {
              artifacts: shown.map(toSummary),
              next:
                rows.length > limit && last !== undefined
                  ? Option.some({ createdAt: last.position, id: last.id })
                  : Option.none()
            }
          }),
          Effect.orDie,
          Effect.withSpan("Artifacts.list")
        ),
      file: (id) =>
        rls.current(findFile(id)).pipe(
          Effect.orDie,
          Effect.flatMap(
            Option.match({
              onNone: () => Effect.fail(ArtifactNotFound.of(id)),
              onSome: (row): Effect.Effect<ArtifactFile> =>
                Effect.succeed(
                  row.content !== null
                    ? { filename: row.filename, mimeType: row.mimeType, bytes: row.content }
                    : {
                        filename: row.filename,
                        mimeType: "text/plain; charset=utf-8",
                        bytes: new TextEncoder().encode(row.extractedText ?? "")
                      }
                )
            })
          ),
          Effect.withSpan("Artifacts.file")
        ),
      content: (id, maxTokens) =>
        rls.current(findText(id)).pipe(
          Effect.orDie,
          Effect.flatMap(
            Option.match({
              onNone: () => Effect.fail(ArtifactNotFound.of(id)),
              onSome: (row): Effect.Effect<ArtifactText> => {
                const file = `${row.filename} (${row.mimeType}, ${row.size} bytes)`
                if (row.extractedText === null) {
                  const pending = row.status === "pending"
                  const why = row.reason ?? "no text was extracted"
                  return Effect.succeed<ArtifactText>({
                    content: pending
                      ? `[no text yet: ${file} is waiting: ${why}]`
                      : `[no text: ${file} has no extractable text: ${why}]`,
                    extracted: false,
                    status: pending ? "pending" : "none",
                    extractor: row.extractor,
                    reason: why,
                    truncated: false,
                    totalTokens: 0
                  })
                }
                const { text, truncated } = truncateToTokens(row.extractedText, maxTokens)
                // A harvested file waiting for OCR or transcription answers its document's own text meanwhile.
                const pending = row.status === "pending"
                return Effect.succeed<ArtifactText>({
                  content: text,
                  extracted: true,
                  status: pending ? "pending" : "text",
                  extractor: row.extractor,
                  reason: pending ? row.reason : null,
                  truncated,
                  totalTokens: Math.ceil(row.extractedText.length / CHARS_PER_TOKEN)
                })
              }
            })
          )
        )
    } satisfies ArtifactsShape
  })
).pipe(
  Layer.provide([harvestLayer, liveUpdatesLayer, trashRepoLayer, extractPoolLayer, modelRoutesLayer, workspacesLayer])
)
