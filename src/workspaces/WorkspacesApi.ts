// Declaration of the workspaces routes and of the middleware that binds a request to a workspace. Imports only
// effect, @effect/platform and the shared text schemas (the web UI bundles it).
import { HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { bounded } from "../schema/TextSchemas"
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

/** Reads `x-workspace-id`: missing or not a UUID is 400, an unknown workspace 404. */
export class WorkspaceMiddleware extends HttpApiMiddleware.Tag<WorkspaceMiddleware>()("WorkspaceMiddleware", {
  failure: Schema.Union(WorkspaceHeaderInvalid, WorkspaceNotFound),
  provides: CurrentWorkspace
}) {}

export class WorkspacesApi extends HttpApiGroup.make("workspaces")
  .add(
    HttpApiEndpoint.post("create", "/workspaces")
      .setPayload(Schema.Struct({ name: WorkspaceName }))
      .addSuccess(Schema.Struct({ workspace: Workspace }), { status: 201 })
  )
  .add(HttpApiEndpoint.get("list", "/workspaces").addSuccess(Schema.Struct({ workspaces: Schema.Array(Workspace) })))
  .prefix("/api/v1") {}
