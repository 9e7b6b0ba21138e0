// Declaration of the per-workspace settings routes. Imports effect, @effect/platform and the notes declaration's
// check for storable JSON.
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { storableJson } from "../schema/TextSchemas"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

/**
 * Known settings are checked; other keys are kept as given so newer clients can store their own, as long as jsonb can
 * hold them (no NUL or lone surrogate in any key or string).
 */
export const WorkspaceSettings = Schema.Struct(
  {
    update_channel: Schema.optional(Schema.Literal("stable", "beta", "alpha"))
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
).pipe(storableJson("settings"))
export type WorkspaceSettings = typeof WorkspaceSettings.Type

export class SettingsApi extends HttpApiGroup.make("settings")
  .add(HttpApiEndpoint.get("get", "/workspace-settings").addSuccess(WorkspaceSettings))
  .add(HttpApiEndpoint.put("merge", "/workspace-settings").setPayload(WorkspaceSettings).addSuccess(WorkspaceSettings))
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
