// Declaration of the per-workspace settings routes. Imports only effect and @effect/platform.
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

/** Known settings are checked; other keys are kept as given so newer clients can store their own. */
export const WorkspaceSettings = Schema.Struct(
  {
    update_channel: Schema.optional(Schema.Literal("stable", "beta", "alpha"))
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)
export type WorkspaceSettings = typeof WorkspaceSettings.Type

export class SettingsApi extends HttpApiGroup.make("settings")
  .add(HttpApiEndpoint.get("get", "/workspace-settings").addSuccess(WorkspaceSettings))
  .add(HttpApiEndpoint.put("merge", "/workspace-settings").setPayload(WorkspaceSettings).addSuccess(WorkspaceSettings))
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
