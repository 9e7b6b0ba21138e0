// Handlers of the tasks group (placeholder until implemented).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../http/Api"

export const TasksHttpLive = HttpApiBuilder.group(CarabaseApi, "tasks", (handlers) => Effect.succeed(handlers))
