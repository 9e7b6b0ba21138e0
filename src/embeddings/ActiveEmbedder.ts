// Which embedder a workspace uses right now: the one its `embeddings` model route names, else the host's. Harvest
// and search ask it per call, so every vector records the model that made it and a query is compared only with
// vectors of the same model.
import { Context, Effect, Option } from "effect"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import type { EmbedderShape } from "./Embedder"

export class ActiveEmbedder extends Context.Tag("carabase/ActiveEmbedder")<
  ActiveEmbedder,
  { readonly forWorkspace: Effect.Effect<EmbedderShape, never, CurrentWorkspace> }
>() {}

/** The workspace's embedder where an ActiveEmbedder is provided; the host's embedder otherwise. */
export const resolveEmbedder = (fallback: EmbedderShape) =>
  Effect.map(Effect.serviceOption(ActiveEmbedder), (active) =>
    Option.match(active, {
      onNone: () => Effect.succeed(fallback),
      onSome: (service) => service.forWorkspace
    })
  )
