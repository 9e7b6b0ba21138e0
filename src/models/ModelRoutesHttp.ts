// Handlers of the modelRoutes group (placeholder until implemented).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../http/Api"

export const ModelRoutesHttpLive = HttpApiBuilder.group(CarabaseApi, "modelRoutes", (handlers) =>
  Effect.succeed(handlers)
)
