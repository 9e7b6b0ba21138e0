// Handlers of the agentTasks group.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { AgentTasks } from "./AgentTasks"

export const AgentTasksHttpLive = HttpApiBuilder.group(CarabaseApi, "agentTasks", (handlers) =>
  Effect.map(AgentTasks, (tasks) =>
    handlers
      .handle("create", ({ payload }) => Effect.map(tasks.create(payload), (task) => ({ task })))
      .handle("list", () => Effect.map(tasks.list, (list) => ({ tasks: list })))
      .handle("get", ({ path }) => Effect.map(tasks.get(path.id), (task) => ({ task })))
  )
)
