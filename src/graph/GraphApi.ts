// Declaration of the graph routes (placeholder until implemented). Imports only effect and @effect/platform.
import { HttpApiGroup } from "@effect/platform"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class GraphApi extends HttpApiGroup.make("graph").middleware(WorkspaceMiddleware).prefix("/api/v1") {}
