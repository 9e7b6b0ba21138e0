// Handlers of the memories group.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { Memories } from "./Memories"

export const MemoriesHttpLive = HttpApiBuilder.group(CarabaseApi, "memories", (handlers) =>
  Effect.map(Memories, (memories) =>
    handlers
      .handle("list", ({ urlParams }) =>
        Effect.map(memories.list({ search: urlParams.search, limit: urlParams.limit ?? 20 }), (list) => ({
          memories: list
        }))
      )
      .handle("create", ({ payload }) =>
        Effect.map(memories.create({ content: payload.content, source: payload.source }), (memory) => ({ memory }))
      )
      .handle("update", ({ path, payload }) =>
        Effect.map(memories.update(path.id, payload.content), (memory) => ({ memory }))
      )
      .handle("remove", ({ path }) =>
        Effect.map(memories.remove(path.id, "DELETE /api/v1/memories/:id"), (trashId) => ({ trashId }))
      )
  )
)
