// Declaration of the artifacts routes (placeholder until implemented). Imports only effect and @effect/platform.
import { HttpApiGroup } from "@effect/platform"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class ArtifactsApi extends HttpApiGroup.make("artifacts").middleware(WorkspaceMiddleware).prefix("/api/v1") {}
