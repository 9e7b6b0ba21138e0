// Handlers of the folios group (placeholder until implemented).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../http/Api"

export const FoliosHttpLive = HttpApiBuilder.group(CarabaseApi, "folios", (handlers) => Effect.succeed(handlers))
