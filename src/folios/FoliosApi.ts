// Declaration of the folios routes (placeholder until implemented). Imports only effect and @effect/platform.
import { HttpApiGroup } from "@effect/platform"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class FoliosApi extends HttpApiGroup.make("folios").middleware(WorkspaceMiddleware).prefix("/api/v1") {}
