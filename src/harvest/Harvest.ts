// The one indexing path: a source's text (note, memory, folio commit, artifact) is chunked, embedded and indexed for
// full-text and vector search. Callers run it inside the workspace's RLS scope, in the same transaction as the
// write it indexes, so the index never disagrees with the data. (Placeholder: indexing lands with search.)
import { Context, Effect, Layer } from "effect"
import type { CurrentWorkspace } from "../workspaces/CurrentWorkspace"

export type SourceKind = "note" | "memory" | "folio_commit" | "artifact"

export interface IndexSource {
  readonly kind: SourceKind
  readonly id: string
  /** Shown as the result title, e.g. the note's date or the artifact's filename. */
  readonly title: string
  readonly text: string
}

export interface HarvestShape {
  /** Replaces the indexed chunks of this source with chunks of `text`. */
  readonly index: (source: IndexSource) => Effect.Effect<void, never, CurrentWorkspace>
  /** Removes a source from the index. */
  readonly remove: (kind: SourceKind, id: string) => Effect.Effect<void, never, CurrentWorkspace>
}

export class Harvest extends Context.Tag("carabase/Harvest")<Harvest, HarvestShape>() {}

export const layer = Layer.succeed(Harvest, {
  index: () => Effect.void,
  remove: () => Effect.void
})
