// Handlers of the curation group.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { Curation } from "./Curation"

export const CurationHttpLive = HttpApiBuilder.group(CarabaseApi, "curation", (handlers) =>
  Effect.map(Curation, (curation) =>
    handlers
      .handle("list", ({ urlParams }) =>
        Effect.map(curation.list(urlParams.status), (suggestions) => ({ suggestions }))
      )
      .handle("accept", ({ path }) => Effect.map(curation.accept(path.id), (suggestion) => ({ suggestion })))
      .handle("reject", ({ path }) => Effect.map(curation.reject(path.id), (suggestion) => ({ suggestion })))
  )
)
