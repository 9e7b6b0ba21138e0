// Handlers of the agentTasks group (placeholder until implemented).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../http/Api"

export const AgentTasksHttpLive = HttpApiBuilder.group(CarabaseApi, "agentTasks", (handlers) =>
  Effect.succeed(handlers)
)
