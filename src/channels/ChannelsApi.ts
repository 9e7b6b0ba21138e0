// Declaration of the webhook-channels routes (placeholder until implemented). Imports only effect and @effect/platform.
import { HttpApiGroup } from "@effect/platform"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class ChannelsApi extends HttpApiGroup.make("channels").middleware(WorkspaceMiddleware).prefix("/api/v1") {}
