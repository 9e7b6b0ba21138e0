// Handlers of the memories group.
import { HttpApiBuilder } from "@effect/platform"
import { Effect, Schema } from "effect"
import { CarabaseApi } from "../Api"
import { PageCursor } from "../schema/PageCursor"
import { Memories } from "./Memories"

const encodeCursor = Schema.encodeSync(PageCursor)

export const MemoriesHttpLive = HttpApiBuilder.group(CarabaseApi, "memories", (handlers) =>
  Effect.map(Memories, (memories) =>
    handlers
      .handle("list", ({ urlParams }) =>
        urlParams.search !== undefined && urlParams.search.trim() !== ""
          ? Effect.map(memories.list({ search: urlParams.search, limit: urlParams.limit ?? 20 }), (list) => ({
              memories: list,
              nextCursor: null
            }))
          : Effect.map(
              memories.page({ limit: urlParams.limit ?? 20, after: urlParams.cursor ?? null }),
              ({ memories, next }) => ({ memories, nextCursor: next === null ? null : encodeCursor(next) })
            )
      )
      .handle("get", ({ path }) => Effect.map(memories.get(path.id), (memory) => ({ memory })))
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
