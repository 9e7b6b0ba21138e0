// Handlers of the memories group (placeholder until implemented).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../http/Api"

export const MemoriesHttpLive = HttpApiBuilder.group(CarabaseApi, "memories", (handlers) => Effect.succeed(handlers))
