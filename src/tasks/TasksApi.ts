// Declaration of the tasks routes (placeholder until implemented). Imports only effect and @effect/platform.
import { HttpApiGroup } from "@effect/platform"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class TasksApi extends HttpApiGroup.make("tasks").middleware(WorkspaceMiddleware).prefix("/api/v1") {}
