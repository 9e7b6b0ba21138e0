// Declaration of the meta routes: health and version. Imports only effect and @effect/platform (the web UI bundles it).
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { WorkspaceId } from "../platform/CurrentWorkspace"
import { WorkspaceHeaderInvalid, WorkspaceNotFound } from "../workspaces/WorkspacesApi"

export const ServiceState = Schema.Literal("up", "down")

export class Health extends Schema.Class<Health>("Health")({
  status: Schema.Literal("ok"),
  version: Schema.String,
  database: ServiceState,
  /**
   * up: OpenClaw answers with the password; down: no answer; unconfigured: no password set; endpoint-disabled: it
   * answers, but its OpenAI-compatible endpoint is off; wrong-password: it rejects OPENCLAW_GATEWAY_PASSWORD.
   */
  gateway: Schema.Literal("up", "down", "unconfigured", "endpoint-disabled", "wrong-password"),
  /** For a gateway that is neither up nor down: the exact setting to change, and how. */
  gatewayIssue: Schema.optional(Schema.Struct({ configKey: Schema.String, message: Schema.String })),
  /** Present when the request named a workspace with x-workspace-id, which must then exist. */
  workspace: Schema.optional(WorkspaceId)
}) {}

export class VersionInfo extends Schema.Class<VersionInfo>("VersionInfo")({
  version: Schema.String,
  channel: Schema.Literal("stable", "beta", "alpha")
}) {}

export class MetaApi extends HttpApiGroup.make("meta")
  .add(
    HttpApiEndpoint.get("health", "/health")
      .setHeaders(Schema.Struct({ "x-workspace-id": Schema.optional(Schema.String) }))
      .addSuccess(Health)
      .addError(WorkspaceHeaderInvalid)
      .addError(WorkspaceNotFound)
  )
  .add(HttpApiEndpoint.get("version", "/version").addSuccess(VersionInfo))
  .prefix("/api/v1") {}
