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

export class WorkspaceHeaderInvalid extends Schema.TaggedError<WorkspaceHeaderInvalid>()(
  "WorkspaceHeaderInvalid",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

export class WorkspaceNotFound extends Schema.TaggedError<WorkspaceNotFound>()(
  "WorkspaceNotFound",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

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
