// Declaration of the modelRoutes routes (placeholder until implemented). Imports only effect and @effect/platform.
import { HttpApiGroup } from "@effect/platform"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class ModelRoutesApi extends HttpApiGroup.make("modelRoutes")
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
