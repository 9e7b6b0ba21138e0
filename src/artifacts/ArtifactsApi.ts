// Declaration of the artifacts routes: uploaded files, their metadata and their extracted text. Imports only effect
// and @effect/platform.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, Multipart } from "@effect/platform"
import { Schema } from "effect"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class Artifact extends Schema.Class<Artifact>("Artifact")({
  id: Schema.String,
  filename: Schema.String,
  mimeType: Schema.String,
  size: Schema.Number,
  createdAt: Schema.DateTimeUtc
}) {}

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
  "SeveralFiles"
)
type FixedUploadProblem = Exclude<typeof UploadInvalidReason.Type, "Unreadable">

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
    parserReason: Schema.optional(Schema.String)
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
}

export const ArtifactId = Schema.UUID.annotations({ message: () => "the artifact id must be a UUID" })

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
  truncated: Schema.Boolean,
  /** Estimated tokens of the whole extracted text. */
  totalTokens: Schema.Int
})

export class ArtifactsApi extends HttpApiGroup.make("artifacts")
  .add(
    HttpApiEndpoint.post("upload", "/artifacts/upload")
      .setPayload(HttpApiSchema.Multipart(Schema.Struct({ file: Multipart.SingleFileSchema })))
      .addSuccess(Schema.Struct({ artifact: Artifact }), { status: 201 })
      .addError(UploadInvalid)
      .addError(UploadTooLarge)
  )
  .add(
    HttpApiEndpoint.get("get", "/artifacts/:id")
      .setPath(Schema.Struct({ id: ArtifactId }))
      .addSuccess(Schema.Struct({ artifact: Artifact }))
      .addError(ArtifactNotFound)
  )
  .add(
    HttpApiEndpoint.get("content", "/artifacts/:id/content")
      .setPath(Schema.Struct({ id: ArtifactId }))
      .setUrlParams(Schema.Struct({ max_tokens: Schema.optional(MaxTokens) }))
      .addSuccess(ArtifactContent)
      .addError(ArtifactNotFound)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
