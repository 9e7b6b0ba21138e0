// Declaration of the agentTasks routes (placeholder until implemented). Imports only effect and @effect/platform.
import { HttpApiGroup } from "@effect/platform"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class AgentTasksApi extends HttpApiGroup.make("agentTasks").middleware(WorkspaceMiddleware).prefix("/api/v1") {}
