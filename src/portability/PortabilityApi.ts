// Declaration of the import and export routes: a vault or export uploaded as a zip (answered 202 with the import's id,
// run in the background), its progress and per-file report, and the whole workspace as a zip stream. Imports only
// effect, @effect/platform and other declarations.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const ImportFormat = Schema.Literal("obsidian", "logseq", "notion", "carabase")
export const ImportOutcome = Schema.Literal("created", "updated", "unchanged", "skipped")

export const ImportCounts = Schema.Struct({
  created: Schema.Int,
  updated: Schema.Int,
  unchanged: Schema.Int,
  skipped: Schema.Int
})

export const ImportStatus = Schema.Struct({
  id: Schema.UUID,
  /** Recognised from the archive's paths: never given. */
  format: ImportFormat,
  dryRun: Schema.Boolean,
  status: Schema.Literal("running", "done", "failed"),
  /** Files to import (hidden files and app settings left out) and files done so far. */
  total: Schema.Int,
  done: Schema.Int,
  counts: ImportCounts,
  /** Why a run stopped early (the host shut down); a file that cannot be read is only skipped. */
  error: Schema.NullOr(Schema.String),
  startedAt: Schema.DateTimeUtc,
  finishedAt: Schema.NullOr(Schema.DateTimeUtc)
})
export type ImportStatus = typeof ImportStatus.Type

/** One file's line of the report: what it became (`kind`), and for a skipped one, why. */
export const ImportFileReport = Schema.Struct({
  path: Schema.String,
  outcome: ImportOutcome,
  kind: Schema.String,
  reason: Schema.NullOr(Schema.String)
})
export type ImportFileReport = typeof ImportFileReport.Type

export const ImportId = Schema.UUID.annotations({ message: () => "the import id must be a UUID" })

export class ImportNotFound extends Schema.TaggedError<ImportNotFound>()(
  "ImportNotFound",
  { message: Schema.String, importId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(importId: string) {
    return new ImportNotFound({ importId, message: `import ${importId} does not exist in this workspace` })
  }
}

export const ImportRefusal = Schema.Literal(
  "NotZip",
  "Malformed",
  "UnsafePath",
  "TooLarge",
  "TooManyEntries",
  "ExpansionRatio",
  "Empty"
)

/** The archive as a whole was refused before anything was written. */
export class ImportRefused extends Schema.TaggedError<ImportRefused>()(
  "ImportRefused",
  { message: Schema.String, reason: ImportRefusal },
  HttpApiSchema.annotations({ status: 400 })
) {
  static of(reason: typeof ImportRefusal.Type, message: string) {
    return new ImportRefused({ reason, message })
  }
}

export class ImportTooLarge extends Schema.TaggedError<ImportTooLarge>()(
  "ImportTooLarge",
  { message: Schema.String, maxBytes: Schema.Number },
  HttpApiSchema.annotations({ status: 413 })
) {
  static of(maxBytes: number) {
    return new ImportTooLarge({
      maxBytes,
      message: `the archive is larger than this host accepts (${maxBytes} bytes; CARABASE_MAX_IMPORT_BYTES)`
    })
  }
}

const BooleanParam = (field: string) =>
  Schema.Literal("true", "false").annotations({ message: () => `${field} must be true or false` })

export const ImportParams = Schema.Struct({
  /** `true`: report what would change, write nothing. */
  dryRun: Schema.optional(BooleanParam("dryRun")),
  /** `folders`: each page's folder becomes a folio, and the page's artifact is committed to it. */
  folios: Schema.optional(
    Schema.Literal("folders", "none").annotations({ message: () => "folios must be folders or none" })
  )
})

export const ReportPage = Schema.Struct({
  offset: Schema.optional(
    Schema.NumberFromString.pipe(
      Schema.int(),
      Schema.between(0, 10_000_000, { message: () => "offset must be a whole number, 0 or more" })
    )
  ),
  limit: Schema.optional(
    Schema.NumberFromString.pipe(
      Schema.int(),
      Schema.between(1, 5000, { message: () => "limit must be a whole number from 1 to 5000" })
    )
  ),
  outcome: Schema.optional(
    ImportOutcome.annotations({ message: () => "outcome must be created, updated, unchanged or skipped" })
  )
})

export const ExportParams = Schema.Struct({
  format: Schema.optional(
    Schema.Literal("markdown", "json").annotations({ message: () => "format must be markdown or json" })
  )
})

const ZipBytes = Schema.Uint8ArrayFromSelf.pipe(
  HttpApiSchema.withEncoding({ kind: "Uint8Array", contentType: "application/zip" })
)

export class PortabilityApi extends HttpApiGroup.make("portability")
  .add(
    /** The body is the zip itself (Content-Type application/zip), read by the handler under its own limits. */
    HttpApiEndpoint.post("startImport", "/imports")
      .setUrlParams(ImportParams)
      .addSuccess(Schema.Struct({ import: ImportStatus }), { status: 202 })
      .addError(ImportRefused)
      .addError(ImportTooLarge)
  )
  .add(
    HttpApiEndpoint.get("listImports", "/imports").addSuccess(Schema.Struct({ imports: Schema.Array(ImportStatus) }))
  )
  .add(
    /** The status and, for a finished run, every skipped file with its reason (the first 1000). */
    HttpApiEndpoint.get("getImport", "/imports/:id")
      .setPath(Schema.Struct({ id: ImportId }))
      .addSuccess(Schema.Struct({ import: ImportStatus, skippedFiles: Schema.Array(ImportFileReport) }))
      .addError(ImportNotFound)
  )
  .add(
    /** The whole per-file report, in import order. */
    HttpApiEndpoint.get("importFiles", "/imports/:id/files")
      .setPath(Schema.Struct({ id: ImportId }))
      .setUrlParams(ReportPage)
      .addSuccess(Schema.Struct({ files: Schema.Array(ImportFileReport), total: Schema.Int }))
      .addError(ImportNotFound)
  )
  .add(
    /** A zip, streamed as it is made: see README, "Bring your notes in, take them out". */
    HttpApiEndpoint.get("export", "/export").setUrlParams(ExportParams).addSuccess(ZipBytes)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
