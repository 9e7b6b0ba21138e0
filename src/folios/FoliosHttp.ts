// Handlers of the folios group: translate between the wire shapes and the Folios service.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { ifMatch } from "../http/RouteWriter"
import { InvalidBaseRevision } from "../notes/NotesApi"
import { chooseBase } from "../schema/BaseRevision"
import { Folios } from "./Folios"

export const FoliosHttpLive = HttpApiBuilder.group(CarabaseApi, "folios", (handlers) =>
  Effect.map(Folios, (folios) =>
    handlers
      .handle("list", ({ urlParams }) => Effect.map(folios.list(urlParams.search), (list) => ({ folios: list })))
      .handle("create", ({ payload }) => Effect.map(folios.create(payload), (folio) => ({ folio, id: folio.id })))
      .handle("get", ({ path }) => Effect.map(folios.get(path.id), (folio) => ({ folio })))
      .handle("update", ({ path, payload }) =>
        Effect.gen(function* () {
          const chosen = chooseBase(yield* ifMatch, payload.baseRevision)
          if ("problem" in chosen) return yield* new InvalidBaseRevision({ message: chosen.problem })
          return { folio: yield* folios.update(path.id, payload, chosen.base) }
        })
      )
      .handle("commit", ({ path, payload }) => Effect.map(folios.commit(path.id, payload), (commit) => ({ commit })))
      .handle("remove", ({ path }) =>
        Effect.map(folios.remove(path.id, "DELETE /api/v1/folios/:id"), (trashId) => ({ trashId }))
      )
      .handle("entries", ({ path }) => Effect.map(folios.entries(path.id), (entries) => ({ entries })))
  )
)
