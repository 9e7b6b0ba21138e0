// Declaration of the folios routes: named notebooks with an About text, a timeline of synopses, commits, and their
// log (the logCards of daily notes that name them). An edit may name the revision it was based on, as note edits do.
// Imports effect, @effect/platform, src/schema and the notes declaration's shared error.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { ArtifactId } from "../artifacts/ArtifactsApi"
import { InvalidBaseRevision } from "../notes/NotesApi"
import { BaseRevision } from "../schema/BaseRevision"
import { uuidId } from "../schema/Ids"
import { bounded, storable } from "../schema/TextSchemas"
import { Trashed } from "../trash/TrashApi"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const FolioName = bounded("name", 200)

const aboutText = (field: string) =>
  Schema.String.pipe(
    Schema.maxLength(100_000, { message: () => `${field} must be at most 100000 characters` }),
    storable(field)
  )

export const FolioAbout = aboutText("about")

export const CommitMessage = bounded("message", 10_000)

export const FolioId = uuidId("FolioId")
export type FolioId = typeof FolioId.Type

export const Folio = Schema.Struct({
  id: FolioId,
  name: Schema.String,
  about: Schema.String,
  /** Increases by one on every rename or About edit: send it back as If-Match or baseRevision to edit safely. */
  revision: Schema.Int,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
})
export type Folio = typeof Folio.Type

export const TimelineEntry = Schema.Struct({
  id: Schema.UUID,
  /** `YYYY-MM-DD`. */
  date: Schema.String,
  synopsis: Schema.String,
  source: Schema.String,
  createdAt: Schema.DateTimeUtc
})
export type TimelineEntry = typeof TimelineEntry.Type

export const FolioCommit = Schema.Struct({
  id: Schema.UUID,
  folioId: FolioId,
  message: Schema.String,
  artifactIds: Schema.Array(ArtifactId),
  createdAt: Schema.DateTimeUtc
})
export type FolioCommit = typeof FolioCommit.Type

/** A folio with its timeline and commits, both newest first. */
export const FolioDetail = Schema.Struct({
  ...Folio.fields,
  timeline: Schema.Array(TimelineEntry),
  commits: Schema.Array(FolioCommit)
})
export type FolioDetail = typeof FolioDetail.Type

/** One logCard of a daily note that names the folio. `block` is the node as stored; `text` its plain text. */
export const FolioEntry = Schema.Struct({
  date: Schema.String,
  timestamp: Schema.String,
  tags: Schema.Array(Schema.String),
  folios: Schema.Array(Schema.String),
  text: Schema.String,
  block: Schema.Unknown
})
export type FolioEntry = typeof FolioEntry.Type

/** The legacy PATCH shape: replace the About text. */
export const UpdateAbout = Schema.Struct({
  action: Schema.Literal("update_about"),
  content: aboutText("content"),
  baseRevision: Schema.optionalWith(BaseRevision, { nullable: true })
})

/** The plain PATCH shape. `action` is refused here so a misspelt action is a 400, not a silent no-op. */
export const FolioChanges = Schema.Struct({
  name: Schema.optional(FolioName),
  about: Schema.optional(FolioAbout),
  baseRevision: Schema.optionalWith(BaseRevision, { nullable: true }),
  action: Schema.optional(Schema.Never)
})

export const FolioPatch = Schema.Union(UpdateAbout, FolioChanges)
export type FolioPatch = typeof FolioPatch.Type

export class FolioNotFound extends Schema.TaggedError<FolioNotFound>()(
  "FolioNotFound",
  { message: Schema.String, folioId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(folioId: string) {
    return new FolioNotFound({ folioId, message: `folio ${folioId} does not exist in this workspace` })
  }
}

export class FolioNameTaken extends Schema.TaggedError<FolioNameTaken>()(
  "FolioNameTaken",
  { message: Schema.String, folioName: Schema.String },
  HttpApiSchema.annotations({ status: 409 })
) {
  static of(folioName: string) {
    return new FolioNameTaken({
      folioName,
      message: `a folio named "${folioName}" already exists in this workspace (names ignore case): pick another name`
    })
  }
}

/** The edit was based on a revision that is no longer current: nothing was written. */
export class FolioRevisionConflict extends Schema.TaggedError<FolioRevisionConflict>()(
  "FolioRevisionConflict",
  { message: Schema.String, revision: Schema.Int },
  HttpApiSchema.annotations({ status: 409 })
) {}

export class FolioArtifactNotFound extends Schema.TaggedError<FolioArtifactNotFound>()(
  "FolioArtifactNotFound",
  { message: Schema.String, folioId: Schema.String, artifactId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(folioId: string, artifactId: string) {
    return new FolioArtifactNotFound({
      folioId,
      artifactId,
      message: `artifact ${artifactId} does not exist in this workspace: upload it first or leave it out of artifactIds`
    })
  }
}

/** A folio id in the path; anything but a UUID is a 400 before the database is asked. */
const FolioPath = Schema.Struct({ id: FolioId })

export class FoliosApi extends HttpApiGroup.make("folios")
  .add(
    HttpApiEndpoint.get("list", "/folios")
      .setUrlParams(
        Schema.Struct({ search: Schema.optional(Schema.Trim.pipe(Schema.maxLength(200), storable("search"))) })
      )
      .addSuccess(Schema.Struct({ folios: Schema.Array(Folio) }))
  )
  .add(
    HttpApiEndpoint.post("create", "/folios")
      .setPayload(Schema.Struct({ name: FolioName, about: Schema.optional(FolioAbout) }))
      .addSuccess(Schema.Struct({ folio: Folio, id: FolioId }), { status: 201 })
      .addError(FolioNameTaken)
  )
  .add(
    HttpApiEndpoint.get("get", "/folios/:id")
      .setPath(FolioPath)
      .addSuccess(Schema.Struct({ folio: FolioDetail }))
      .addError(FolioNotFound)
  )
  .add(
    HttpApiEndpoint.patch("update", "/folios/:id")
      .setPath(FolioPath)
      .setPayload(FolioPatch)
      .addSuccess(Schema.Struct({ folio: FolioDetail }))
      .addError(FolioNotFound)
      .addError(FolioNameTaken)
      .addError(FolioRevisionConflict)
      .addError(InvalidBaseRevision)
  )
  .add(
    HttpApiEndpoint.post("commit", "/folios/:id/commits")
      .setPath(FolioPath)
      .setPayload(
        Schema.Struct({
          message: CommitMessage,
          artifactIds: Schema.optional(
            Schema.Array(ArtifactId).pipe(
              Schema.maxItems(100, { message: () => "artifactIds may name at most 100 artifacts" })
            )
          )
        })
      )
      .addSuccess(Schema.Struct({ commit: FolioCommit }), { status: 201 })
      .addError(FolioNotFound)
      .addError(FolioArtifactNotFound)
  )
  .add(HttpApiEndpoint.del("remove", "/folios/:id").setPath(FolioPath).addSuccess(Trashed).addError(FolioNotFound))
  .add(
    HttpApiEndpoint.get("entries", "/folios/:id/entries")
      .setPath(FolioPath)
      .addSuccess(Schema.Struct({ entries: Schema.Array(FolioEntry) }))
      .addError(FolioNotFound)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
