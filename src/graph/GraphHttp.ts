// Handlers of the graph group (placeholder until implemented).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../http/Api"

export const GraphHttpLive = HttpApiBuilder.group(CarabaseApi, "graph", (handlers) => Effect.succeed(handlers))
