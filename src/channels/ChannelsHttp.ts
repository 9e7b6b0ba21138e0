// Handlers of the channels group (placeholder until implemented).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../http/Api"

export const ChannelsHttpLive = HttpApiBuilder.group(CarabaseApi, "channels", (handlers) => Effect.succeed(handlers))
