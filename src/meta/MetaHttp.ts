// Handlers of the meta group.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { GatewayProbe } from "../gateway/GatewayProbe"
import { CarabaseApi } from "../http/Api"
import { DatabaseProbe } from "./DatabaseProbe"
import { Health, VersionInfo } from "./MetaApi"
import { channelOf, HOST_VERSION } from "./Version"

export const MetaHttpLive = HttpApiBuilder.group(CarabaseApi, "meta", (handlers) =>
  Effect.gen(function* () {
    const gateway = yield* GatewayProbe
    const database = yield* DatabaseProbe
    return handlers
      .handle("health", () =>
        Effect.all({ database: database.check, gateway: gateway.check }, { concurrency: "unbounded" }).pipe(
          Effect.map((states) => new Health({ status: "ok", version: HOST_VERSION, ...states }))
        )
      )
      .handle("version", () =>
        Effect.succeed(new VersionInfo({ version: HOST_VERSION, channel: channelOf(HOST_VERSION) }))
      )
  })
)
