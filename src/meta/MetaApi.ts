// Declaration of the meta routes: health, version and the owner's one-screen status. Imports only effect and @effect/platform (the web UI bundles it).
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

const GatewayStatus = Schema.Struct({
  state: Schema.Literal("up", "down", "unconfigured", "endpoint-disabled", "wrong-password"),
  /** Why it is in that state, in one sentence; for a state to fix, the setting to change. */
  reason: Schema.String,
  configKey: Schema.optional(Schema.String)
})

const JobLastRun = Schema.Struct({
  name: Schema.String,
  /** null: the job has never been queued on this database. */
  lastRun: Schema.NullOr(
    Schema.Struct({
      enqueuedAt: Schema.NullOr(Schema.DateTimeUtc),
      finishedAt: Schema.NullOr(Schema.DateTimeUtc),
      status: Schema.NullOr(Schema.String),
      error: Schema.NullOr(Schema.String)
    })
  )
})

/** What `carabase status` shows: the running process, its database, gateway, backups, jobs and listeners. */
export class HostStatus extends Schema.Class<HostStatus>("HostStatus")({
  version: Schema.String,
  channel: Schema.Literal("stable", "beta", "alpha"),
  env: Schema.Literal("dev", "staging", "prod"),
  node: Schema.String,
  pid: Schema.Int,
  startedAt: Schema.DateTimeUtc,
  uptimeSeconds: Schema.Int,
  database: ServiceState,
  gateway: GatewayStatus,
  /** The env's newest backup: ageHours null and verdict FAIL when there is none. */
  backup: Schema.Struct({
    newestAt: Schema.NullOr(Schema.DateTimeUtc),
    ageHours: Schema.NullOr(Schema.Number),
    verdict: Schema.Literal("PASS", "WARN", "FAIL"),
    count: Schema.Int
  }),
  jobs: Schema.Array(JobLastRun),
  /** Jobs queued and not started yet (retries included), and jobs running now, over every queue. */
  queue: Schema.Struct({ waiting: Schema.Int, running: Schema.Int }),
  /** Each listener's bound address (`[::]:3000`) and what it serves. */
  listening: Schema.Array(Schema.Struct({ address: Schema.String, serves: Schema.Literal("api", "webhooks") }))
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
  .add(HttpApiEndpoint.get("status", "/status").addSuccess(HostStatus))
  .prefix("/api/v1") {}
