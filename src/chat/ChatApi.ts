// Declaration of the chat routes (placeholder until implemented). Imports only effect and @effect/platform.
import { HttpApiGroup } from "@effect/platform"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class ChatApi extends HttpApiGroup.make("chat").middleware(WorkspaceMiddleware).prefix("/api/v1") {}
