// Declaration of the memories routes (placeholder until implemented). Imports only effect and @effect/platform.
import { HttpApiGroup } from "@effect/platform"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class MemoriesApi extends HttpApiGroup.make("memories").middleware(WorkspaceMiddleware).prefix("/api/v1") {}
