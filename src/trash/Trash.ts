// The trash as the owner sees it: list what was deleted, restore an entry (the owning service puts its rows back, in
// one transaction with taking the entry out, so a refused restore leaves it in the trash) and purge one now. (The
// nightly trash-purge job purges what is older than 30 days through TrashRepo.) Each kind's rows are read and written
// only by the service that owns them; this module only dispatches to it.
import { Context, Effect, Layer, Option } from "effect"
import { Artifacts, layer as artifactsLayer } from "../artifacts/Artifacts"
import { Chat, layer as chatLayer } from "../chat/Chat"
import { Folios, layer as foliosLayer } from "../folios/Folios"
import { Graph, layer as graphLayer } from "../graph/Graph"
import { Memories, layer as memoriesLayer } from "../memories/Memories"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { TrashItemNotFound, TrashRestoreConflict, type TrashId, type TrashItem, type TrashKind } from "./TrashApi"
import { RestoreConflict, TrashRepo, layer as trashRepoLayer } from "./TrashRepo"

/** Puts one kind's deleted rows back from the entry's data; answers the restored id. */
export type Restorer = (data: Record<string, unknown>) => Effect.Effect<string, RestoreConflict, CurrentWorkspace>

export interface TrashShape {
  readonly list: (kind?: TrashKind) => Effect.Effect<ReadonlyArray<TrashItem>, never, CurrentWorkspace>
  readonly restore: (
    id: TrashId
  ) => Effect.Effect<
    { readonly kind: TrashKind; readonly id: string },
    TrashItemNotFound | TrashRestoreConflict,
    CurrentWorkspace
  >
  readonly purge: (id: TrashId) => Effect.Effect<void, TrashItemNotFound, CurrentWorkspace>
}

export class Trash extends Context.Tag("carabase/Trash")<Trash, TrashShape>() {}

export const layer = Layer.effect(
  Trash,
  Effect.gen(function* () {
    const repo = yield* TrashRepo
    const rls = yield* RlsScope
    const memories = yield* Memories
    const graph = yield* Graph
    const folios = yield* Folios
    const artifacts = yield* Artifacts
    const chat = yield* Chat
    const notes = yield* Notes

    const restorers: Partial<Record<TrashKind, Restorer>> = {
      memory: memories.restore,
      entity: graph.restoreEntity,
      edge: graph.restoreEdge,
      folio: folios.restore,
      artifact: artifacts.restore,
      chat_session: chat.restoreSession,
      log_entry: notes.restoreEntry
    }

    const restore = Effect.fn("Trash.restore")(function* (id: TrashId) {
      return yield* rls.current(
        Effect.gen(function* () {
          const entry = yield* Effect.flatMap(
            repo.take(id),
            Option.match({ onNone: () => Effect.fail(TrashItemNotFound.of(id)), onSome: Effect.succeed })
          )
          const conflict = (conflict: string) =>
            TrashRestoreConflict.of({ trashId: id, kind: entry.kind, originalId: entry.originalId, conflict })
          const restorer = restorers[entry.kind]
          if (restorer === undefined) return yield* conflict("this host cannot restore that kind of entry")
          const restored = yield* restorer(entry.data).pipe(
            Effect.mapError((error) => (error instanceof RestoreConflict ? conflict(error.conflict) : error))
          )
          return { kind: entry.kind, id: restored }
        })
      )
    })

    const purge = Effect.fn("Trash.purge")(function* (id: TrashId) {
      if (!(yield* repo.purge(id))) return yield* TrashItemNotFound.of(id)
    })

    return {
      list: (kind) => repo.list(kind),
      restore,
      purge
    } satisfies TrashShape
  })
).pipe(Layer.provide([trashRepoLayer, memoriesLayer, graphLayer, foliosLayer, artifactsLayer, chatLayer, notesLayer]))
