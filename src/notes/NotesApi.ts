// Declaration of the notes routes (placeholder until implemented). Imports only effect and @effect/platform.
import { HttpApiGroup } from "@effect/platform"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class NotesApi extends HttpApiGroup.make("notes").middleware(WorkspaceMiddleware).prefix("/api/v1") {}
