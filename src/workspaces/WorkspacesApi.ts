// Declaration of the workspaces routes and of the middleware that binds a request to a workspace. Imports only
// effect, @effect/platform and the shared text schemas (the web UI bundles it).
import { HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { bounded, storable } from "../schema/TextSchemas"
import { CurrentWorkspace, WorkspaceId } from "../platform/CurrentWorkspace"

export class Workspace extends Schema.Class<Workspace>("Workspace")({
  id: WorkspaceId,
  name: Schema.String,
  createdAt: Schema.DateTimeUtc
}) {}

export const WorkspaceName = bounded("name", 200)

const headerProblems = {
  Missing: { field: "x-workspace-id", message: "missing x-workspace-id header: send the workspace's id" },
  NotUuid: { field: "x-workspace-id", message: "x-workspace-id must be a UUID" },
  QueryOnWrite: {
    field: "workspace",
    message: "?workspace= names the workspace only on GET requests: send the x-workspace-id header"
  }
} as const

/** `field` is the header, or the `workspace` query parameter that stands in for it. */
export class WorkspaceHeaderInvalid extends Schema.TaggedError<WorkspaceHeaderInvalid>()(
  "WorkspaceHeaderInvalid",
  {
    message: Schema.String,
    field: Schema.Literal("x-workspace-id", "workspace"),
    reason: Schema.Literal("Missing", "NotUuid", "QueryOnWrite")
  },
  HttpApiSchema.annotations({ status: 400 })
) {
  static of(reason: keyof typeof headerProblems) {
    return new WorkspaceHeaderInvalid({ reason, ...headerProblems[reason] })
  }
}

export class WorkspaceNotFound extends Schema.TaggedError<WorkspaceNotFound>()(
  "WorkspaceNotFound",
  { message: Schema.String, workspaceId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(workspaceId: string) {
    return new WorkspaceNotFound({ workspaceId, message: `workspace ${workspaceId} does not exist` })
  }
}

/** A delete whose `confirm` is not the workspace's exact name: nothing was deleted. */
export class WorkspaceDeleteUnconfirmed extends Schema.TaggedError<WorkspaceDeleteUnconfirmed>()(
  "WorkspaceDeleteUnconfirmed",
  { message: Schema.String, workspaceId: Schema.String, field: Schema.Literal("confirm") },
  HttpApiSchema.annotations({ status: 422 })
) {
  static of(workspaceId: string) {
    return new WorkspaceDeleteUnconfirmed({
      workspaceId,
      field: "confirm",
      message:
        "confirm must be the workspace's exact name (as GET /workspaces lists it): deleting a workspace is final, " +
        "so nothing was deleted"
    })
  }
}

/** A rename or delete sent with an `x-workspace-id` of another workspace than the one in the path. */
export class WorkspaceMismatch extends Schema.TaggedError<WorkspaceMismatch>()(
  "WorkspaceMismatch",
  { message: Schema.String, workspaceId: Schema.String },
  HttpApiSchema.annotations({ status: 403 })
) {
  static of(workspaceId: string) {
    return new WorkspaceMismatch({
      workspaceId,
      message: `x-workspace-id names another workspace than ${workspaceId}: a workspace is changed only from itself`
    })
  }
}

/** Reads `x-workspace-id`: missing or not a UUID is 400, an unknown workspace 404. */
export class WorkspaceMiddleware extends HttpApiMiddleware.Tag<WorkspaceMiddleware>()("WorkspaceMiddleware", {
  failure: Schema.Union(WorkspaceHeaderInvalid, WorkspaceNotFound),
  provides: CurrentWorkspace
}) {}

const WorkspacePath = Schema.Struct({ id: WorkspaceId })

/** What a delete answers: the workspace that is gone, and that it cannot be undone. */
export const WorkspaceDeleted = Schema.Struct({
  deleted: Schema.Struct({ id: WorkspaceId, name: Schema.String }),
  final: Schema.Literal(true),
  message: Schema.String
})

export class WorkspacesApi extends HttpApiGroup.make("workspaces")
  .add(
    HttpApiEndpoint.post("create", "/workspaces")
      .setPayload(Schema.Struct({ name: WorkspaceName }))
      .addSuccess(Schema.Struct({ workspace: Workspace }), { status: 201 })
  )
  .add(HttpApiEndpoint.get("list", "/workspaces").addSuccess(Schema.Struct({ workspaces: Schema.Array(Workspace) })))
  .add(
    HttpApiEndpoint.patch("rename", "/workspaces/:id")
      .setPath(WorkspacePath)
      .setPayload(Schema.Struct({ name: WorkspaceName }))
      .addSuccess(Schema.Struct({ workspace: Workspace }))
      .addError(WorkspaceNotFound)
      .addError(WorkspaceMismatch)
  )
  .add(
    /** Deletes the workspace and everything in it, in one transaction. `confirm` must be its exact name. */
    HttpApiEndpoint.del("delete", "/workspaces/:id")
      .setPath(WorkspacePath)
      .setPayload(Schema.Struct({ confirm: Schema.String.pipe(storable("confirm")) }))
      .addSuccess(WorkspaceDeleted)
      .addError(WorkspaceNotFound)
      .addError(WorkspaceMismatch)
      .addError(WorkspaceDeleteUnconfirmed)
  )
  .prefix("/api/v1") {}
