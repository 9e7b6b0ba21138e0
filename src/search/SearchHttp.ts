// Handlers of the search group (placeholder until implemented).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../http/Api"

export const SearchHttpLive = HttpApiBuilder.group(CarabaseApi, "search", (handlers) => Effect.succeed(handlers))
