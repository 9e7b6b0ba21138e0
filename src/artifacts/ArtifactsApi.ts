// Declaration of the artifacts routes: uploaded files, their metadata and their extracted text, and deleting one (to
// the trash). Imports only effect, @effect/platform and other declarations.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, Multipart } from "@effect/platform"
import { Schema } from "effect"
import { Trashed } from "../trash/TrashApi"
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
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

export class UploadTooLarge extends Schema.TaggedError<UploadTooLarge>()(
  "UploadTooLarge",
  { message: Schema.String, maxBytes: Schema.Number },
  HttpApiSchema.annotations({ status: 413 })
) {}

export class UploadInvalid extends Schema.TaggedError<UploadInvalid>()(
  "UploadInvalid",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

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
    HttpApiEndpoint.del("remove", "/artifacts/:id")
      .setPath(Schema.Struct({ id: ArtifactId }))
      .addSuccess(Trashed)
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
