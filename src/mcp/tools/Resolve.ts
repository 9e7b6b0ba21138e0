// Shared by the tools: turning a service's typed error into a tool failure, and finding a folio or an entity by
// id or by name, as an agent naturally refers to them.
import { Effect, Schema } from "effect"
import { Folios } from "../../folios/Folios"
import { FolioId } from "../../folios/FoliosApi"
import { Graph } from "../../graph/Graph"
import { ToolFailure } from "../Tool"

export const failWith = <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.mapError(effect, (error) => new ToolFailure({ message: error.message }))

const isFolioId = Schema.is(FolioId)

export const folioId = (reference: string) =>
  Effect.gen(function* () {
    const id = reference.trim().toLowerCase()
    if (isFolioId(id)) return id
    const folios = yield* Folios
    const all = yield* folios.list()
    const match = all.find((folio) => folio.name.toLowerCase() === reference.trim().toLowerCase())
    if (match !== undefined) return match.id
    return yield* new ToolFailure({
      message: `no folio named "${reference}"; folios are: ${all.map((folio) => folio.name).join(", ") || "(none yet)"}`
    })
  })

export const entityByReference = (reference: string) =>
  Effect.flatMap(Graph, (graph) => failWith(graph.resolveEntity(reference)))
