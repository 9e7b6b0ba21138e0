// Handlers of the trash group: translate between the wire shapes and the Trash service.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { Trash } from "./Trash"

export const TrashHttpLive = HttpApiBuilder.group(CarabaseApi, "trash", (handlers) =>
  Effect.map(Trash, (trash) =>
    handlers
      .handle("list", ({ urlParams }) => Effect.map(trash.list(urlParams.kind), (items) => ({ items })))
      .handle("restore", ({ path }) => Effect.map(trash.restore(path.id), (restored) => ({ restored })))
      .handle("purge", ({ path }) => trash.purge(path.id))
  )
)
