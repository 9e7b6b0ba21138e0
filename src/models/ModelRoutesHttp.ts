// Handlers of the modelRoutes group.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { ModelRoutes } from "./ModelRoutes"

export const ModelRoutesHttpLive = HttpApiBuilder.group(CarabaseApi, "modelRoutes", (handlers) =>
  Effect.map(ModelRoutes, (routes) =>
    handlers
      .handle("list", () => Effect.map(routes.list, (list) => ({ routes: list })))
      .handle("get", ({ path }) => Effect.map(routes.get(path.role), (route) => ({ route })))
      .handle("put", ({ path, payload }) => Effect.map(routes.put(path.role, payload), (route) => ({ route })))
      .handle("remove", ({ path }) => Effect.as(routes.remove(path.role), { deleted: true as const }))
      .handle("openClawAgents", () => Effect.map(routes.openClawAgents, (agents) => ({ agents })))
      .handle("embed", ({ payload }) =>
        Effect.map(routes.embed(typeof payload.input === "string" ? [payload.input] : payload.input), (result) => ({
          object: "list" as const,
          model: result.model,
          source: result.source,
          data: result.vectors.map((embedding, index) => ({ object: "embedding" as const, index, embedding }))
        }))
      )
  )
)
