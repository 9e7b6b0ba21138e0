// Declaration of the search routes (placeholder until implemented). Imports only effect and @effect/platform.
import { HttpApiGroup } from "@effect/platform"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class SearchApi extends HttpApiGroup.make("search").middleware(WorkspaceMiddleware).prefix("/api/v1") {}
