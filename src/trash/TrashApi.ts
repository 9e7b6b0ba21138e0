// Declaration of the trash routes: what was deleted in this workspace in the last 30 days, restoring it, and purging
// it for good. Imports only effect and @effect/platform.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { uuidId } from "../schema/Ids"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

/** How long a deleted row waits in the trash before the nightly trash-purge job removes it. */
export const TRASH_RETENTION_DAYS = 30

export const TrashKind = Schema.Literal("memory", "entity", "edge", "folio", "artifact", "chat_session", "log_entry")
export type TrashKind = typeof TrashKind.Type

/** A trash entry's id. */
export const TrashId = uuidId("TrashId")
export type TrashId = typeof TrashId.Type

export const TrashItem = Schema.Struct({
  /** The trash entry's own id: restore or purge by it. */
  id: TrashId,
  kind: TrashKind,
  /** The deleted row's id; a restore brings it back under the same id. */
  originalId: Schema.String,
  /** What the row was, for listing: a memory's first line, a name, a filename. */
  label: Schema.String,
  deletedAt: Schema.DateTimeUtc,
  /** The route or MCP tool that deleted it. */
  deletedBy: Schema.String,
  /** When the nightly purge removes it, if it is still here. */
  expiresAt: Schema.DateTimeUtc
})
export type TrashItem = typeof TrashItem.Type

/** What a delete that goes to the trash answers: the trash entry to restore it from. */
export const Trashed = Schema.Struct({ trashId: TrashId })
export type Trashed = typeof Trashed.Type

export class TrashItemNotFound extends Schema.TaggedError<TrashItemNotFound>()(
  "TrashItemNotFound",
  { message: Schema.String, trashId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(trashId: string) {
    return new TrashItemNotFound({
      trashId,
      message: `trash entry ${trashId} does not exist in this workspace (restored, purged or older than ${TRASH_RETENTION_DAYS} days)`
    })
  }
}

/** Something now occupies what the deleted row needs: its id, its unique name, or a row it points at is gone. */
export class TrashRestoreConflict extends Schema.TaggedError<TrashRestoreConflict>()(
  "TrashRestoreConflict",
  {
    message: Schema.String,
    trashId: Schema.String,
    kind: TrashKind,
    originalId: Schema.String,
    conflict: Schema.String
  },
  HttpApiSchema.annotations({ status: 409 })
) {
  static of(fields: { trashId: string; kind: TrashKind; originalId: string; conflict: string }) {
    return new TrashRestoreConflict({
      ...fields,
      message: `cannot restore ${fields.kind.replace("_", " ")} ${fields.originalId}: ${fields.conflict}`
    })
  }
}

const TrashPath = Schema.Struct({ id: TrashId.annotations({ message: () => "the trash id must be a UUID" }) })

export class TrashApi extends HttpApiGroup.make("trash")
  .add(
    HttpApiEndpoint.get("list", "/trash")
      .setUrlParams(Schema.Struct({ kind: Schema.optional(TrashKind) }))
      .addSuccess(Schema.Struct({ items: Schema.Array(TrashItem) }))
  )
  .add(
    HttpApiEndpoint.post("restore", "/trash/:id/restore")
      .setPath(TrashPath)
      .addSuccess(Schema.Struct({ restored: Schema.Struct({ kind: TrashKind, id: Schema.String }) }))
      .addError(TrashItemNotFound)
      .addError(TrashRestoreConflict)
  )
  .add(
    HttpApiEndpoint.del("purge", "/trash/:id")
      .setPath(TrashPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(TrashItemNotFound)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
