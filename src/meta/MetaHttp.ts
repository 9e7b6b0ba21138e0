// Handlers of the meta group: health, version and the owner's status.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { GatewayProbe } from "../gateway/GatewayProbe"
import { issueOf } from "../gateway/GatewayState"
import { CarabaseApi } from "../Api"
import { Scheduler } from "../jobs/Scheduler"
import { HostEnv } from "../platform/HostEnv"
import { HttpListener } from "../platform/HttpListener"
import { DatabaseProbe } from "./DatabaseProbe"
import { Workspaces } from "../workspaces/Workspaces"
import { resolveWorkspace } from "../workspaces/ResolveWorkspace"
import { Health, VersionInfo } from "./MetaApi"
import { hostStatus } from "./StatusReport"
import { channelOf, HOST_VERSION } from "./Version"

export const MetaHttpLive = HttpApiBuilder.group(CarabaseApi, "meta", (handlers) =>
  Effect.gen(function* () {
    const gateway = yield* GatewayProbe
    const database = yield* DatabaseProbe
    const workspaces = yield* Workspaces
    const context = yield* Effect.context<HttpListener | Scheduler | HostEnv>()
    return handlers
      .handle("health", ({ headers }) =>
        Effect.gen(function* () {
          const workspace =
            headers["x-workspace-id"] === undefined
              ? undefined
              : yield* resolveWorkspace(headers["x-workspace-id"]).pipe(Effect.provideService(Workspaces, workspaces))
          const states = yield* Effect.all(
            { database: database.check, gateway: gateway.check },
            { concurrency: "unbounded" }
          )
          const gatewayIssue = issueOf(states.gateway)
          return new Health({
            status: "ok",
            version: HOST_VERSION,
            ...states,
            ...(gatewayIssue ? { gatewayIssue } : {}),
            ...(workspace ? { workspace } : {})
          })
        })
      )
      .handle("version", () =>
        Effect.succeed(new VersionInfo({ version: HOST_VERSION, channel: channelOf(HOST_VERSION) }))
      )
      .handle("status", () =>
        hostStatus.pipe(
          Effect.provide(context),
          Effect.provideService(GatewayProbe, gateway),
          Effect.provideService(DatabaseProbe, database)
        )
      )
  })
)
