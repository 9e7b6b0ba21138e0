// Handlers of the meta group.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { GatewayProbe } from "../gateway/GatewayProbe"
import { issueOf } from "../gateway/GatewayState"
import { CarabaseApi } from "../Api"
import { DatabaseProbe } from "./DatabaseProbe"
import { Workspaces } from "../workspaces/Workspaces"
import { resolveWorkspace } from "../workspaces/ResolveWorkspace"
import { Health, VersionInfo } from "./MetaApi"
import { channelOf, HOST_VERSION } from "./Version"

export const MetaHttpLive = HttpApiBuilder.group(CarabaseApi, "meta", (handlers) =>
  Effect.gen(function* () {
    const gateway = yield* GatewayProbe
    const database = yield* DatabaseProbe
    const workspaces = yield* Workspaces
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
  })
)
