// Handlers of the artifacts group (placeholder until implemented).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../http/Api"

export const ArtifactsHttpLive = HttpApiBuilder.group(CarabaseApi, "artifacts", (handlers) => Effect.succeed(handlers))
