// Declaration of the artifacts routes: uploaded files, their metadata and their extracted text, and deleting one (to
// the trash). Imports only effect, @effect/platform and other declarations.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, Multipart } from "@effect/platform"
import { Schema } from "effect"
import { stringId, uuidId } from "../schema/Ids"
import { PageCursor, PagePosition } from "../schema/PageCursor"
import { Trashed } from "../trash/TrashApi"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const ArtifactId = uuidId("ArtifactId")
export type ArtifactId = typeof ArtifactId.Type

export class Artifact extends Schema.Class<Artifact>("Artifact")({
  id: stringId("ArtifactId"),
  filename: Schema.String,
  mimeType: Schema.String,
  size: Schema.Number,
  createdAt: Schema.DateTimeUtc
}) {}

/** An artifact as listed: where it came from too. */
export class ArtifactSummary extends Schema.Class<ArtifactSummary>("ArtifactSummary")({
  ...Artifact.fields,
  /** `upload` (a file sent to POST /artifacts/upload) or `harvested` (a document a connector or device brought in). */
  kind: Schema.Literal("upload", "harvested"),
  /** `upload`, `github`, or `harvester:<connector>`. */
  source: Schema.String
}) {}

/** Where a page of the list starts: after this artifact (its exact creation time and id). */
export const ArtifactPosition = PagePosition
export type ArtifactPosition = PagePosition

/** `nextCursor` of the previous page, opaque to clients: base64url of the position. */
export const ArtifactCursor = PageCursor

export const ArtifactListLimit = Schema.NumberFromString.pipe(
  Schema.int({ message: () => "limit must be an integer from 1 to 200" }),
  Schema.between(1, 200, { message: () => "limit must be an integer from 1 to 200" })
)

export const DEFAULT_ARTIFACT_LIST_LIMIT = 50

/** The stored bytes: their content type, `Content-Disposition: attachment` and the headers README lists. */
const FileBytes = Schema.Uint8ArrayFromSelf.pipe(
  HttpApiSchema.withEncoding({ kind: "Uint8Array", contentType: "application/octet-stream" })
)

export class ArtifactNotFound extends Schema.TaggedError<ArtifactNotFound>()(
  "ArtifactNotFound",
  { message: Schema.String, artifactId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(artifactId: string) {
    return new ArtifactNotFound({ artifactId, message: `artifact ${artifactId} does not exist` })
  }
}

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`

export class UploadTooLarge extends Schema.TaggedError<UploadTooLarge>()(
  "UploadTooLarge",
  { message: Schema.String, maxBytes: Schema.Number },
  HttpApiSchema.annotations({ status: 413 })
) {
  static of(maxBytes: number) {
    return new UploadTooLarge({
      maxBytes,
      message: `the file is larger than this host accepts (${mib(maxBytes)}; CARABASE_MAX_UPLOAD_BYTES)`
    })
  }
}

const UploadInvalidReason = Schema.Literal(
  "NotMultipart",
  "FilenameEncoding",
  "Unreadable",
  "Truncated",
  "NoFile",
  "SeveralFiles",
  "UnknownField"
)
type FixedUploadProblem = Exclude<typeof UploadInvalidReason.Type, "Unreadable" | "UnknownField">

const uploadInvalidMessages: Record<FixedUploadProblem, string> = {
  NotMultipart: "send the file as multipart/form-data, in a field named `file`",
  FilenameEncoding: "a part's filename* is not valid percent-encoded UTF-8 (RFC 5987)",
  Truncated: "the multipart body ended before its closing boundary",
  NoFile: "the multipart body has no file in a field named `file`",
  SeveralFiles: "send exactly one file in the field `file`"
}

/** `parserReason` is the multipart parser's own reason, for a body it could not read. */
export class UploadInvalid extends Schema.TaggedError<UploadInvalid>()(
  "UploadInvalid",
  {
    message: Schema.String,
    reason: UploadInvalidReason,
    parserReason: Schema.optional(Schema.String),
    field: Schema.optional(Schema.String)
  },
  HttpApiSchema.annotations({ status: 400 })
) {
  static of(reason: FixedUploadProblem) {
    return new UploadInvalid({ reason, message: uploadInvalidMessages[reason] })
  }

  static unreadable(parserReason: string) {
    return new UploadInvalid({
      reason: "Unreadable",
      parserReason,
      message: `the multipart body could not be read (${parserReason})`
    })
  }

  /** A form field other than `file`: refused rather than ignored, as every request's unknown keys are. */
  static unknownField(field: string) {
    return new UploadInvalid({
      reason: "UnknownField",
      field,
      message: `${JSON.stringify(field)} is not a field of an upload: send the file, and only the file, in a field named \`file\``
    })
  }
}

const ArtifactPath = Schema.Struct({
  id: ArtifactId.annotations({ message: () => "the artifact id must be a UUID" })
})

export const MaxTokens = Schema.NumberFromString.pipe(
  Schema.int({ message: () => "max_tokens must be an integer from 1 to 1000000" }),
  Schema.between(1, 1_000_000, { message: () => "max_tokens must be an integer from 1 to 1000000" })
)

export const ArtifactContent = Schema.Struct({
  /** The extracted text, cut at a word to fit the budget (a token counts as 4 characters); or a bracketed notice
   * saying why the file has no text. */
  content: Schema.String,
  /** Whether text was extracted from the file at all. */
  extracted: Schema.Boolean,
  /** `text`; `none`: the file yields no text (`reason` says why); `pending`: queued for OCR or transcription. */
  status: Schema.Literal("text", "none", "pending"),
  /**
   * What produced the text, or tried to: `text`, `html`, `json`, `pdf-text`, `docx`, `pptx`, `xlsx`, `opendocument`,
   * `rtf`, `epub`, `email`, `ocr`, `transcription`; null for a file no extractor reads or one stored before extractors
   * were recorded.
   */
  extractor: Schema.NullOr(Schema.String),
  /** Why there is no text (yet); null when there is. */
  reason: Schema.NullOr(Schema.String),
  truncated: Schema.Boolean,
  /** Estimated tokens of the whole extracted text. */
  totalTokens: Schema.Int
})

export class ArtifactsApi extends HttpApiGroup.make("artifacts")
  .add(
    /** Newest first; `nextCursor` (null on the last page) is the `cursor` of the next page. */
    HttpApiEndpoint.get("list", "/artifacts")
      .setUrlParams(
        Schema.Struct({ limit: Schema.optional(ArtifactListLimit), cursor: Schema.optional(ArtifactCursor) })
      )
      .addSuccess(Schema.Struct({ artifacts: Schema.Array(ArtifactSummary), nextCursor: Schema.NullOr(Schema.String) }))
  )
  .add(
    HttpApiEndpoint.post("upload", "/artifacts/upload")
      .setPayload(HttpApiSchema.Multipart(Schema.Struct({ file: Multipart.SingleFileSchema })))
      .addSuccess(Schema.Struct({ artifact: Artifact }), { status: 201 })
      .addError(UploadInvalid)
      .addError(UploadTooLarge)
  )
  .add(
    HttpApiEndpoint.get("get", "/artifacts/:id")
      .setPath(ArtifactPath)
      .addSuccess(Schema.Struct({ artifact: Artifact }))
      .addError(ArtifactNotFound)
  )
  .add(
    HttpApiEndpoint.del("remove", "/artifacts/:id").setPath(ArtifactPath).addSuccess(Trashed).addError(ArtifactNotFound)
  )
  .add(
    HttpApiEndpoint.get("file", "/artifacts/:id/file")
      .setPath(ArtifactPath)
      .addSuccess(FileBytes)
      .addError(ArtifactNotFound)
  )
  .add(
    HttpApiEndpoint.get("content", "/artifacts/:id/content")
      .setPath(ArtifactPath)
      .setUrlParams(Schema.Struct({ max_tokens: Schema.optional(MaxTokens) }))
      .addSuccess(ArtifactContent)
      .addError(ArtifactNotFound)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
