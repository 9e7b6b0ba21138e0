// The ActiveEmbedder backed by model routes: a workspace's `embeddings` route when it has a usable one, else the
// host's embedder (CARABASE_EMBEDDINGS_* or the offline one). An unusable route is logged and falls back, so writes
// still index; their vectors then carry the host model's name.
import { Effect, Layer, Option } from "effect"
import { ActiveEmbedder } from "../embeddings/ActiveEmbedder"
import { Embedder } from "../embeddings/Embedder"
import { layer as embedderLayer } from "../embeddings/EmbedderLive"
import { ModelRoutes, layer as modelRoutesLayer } from "./ModelRoutes"

export const layer = Layer.effect(
  ActiveEmbedder,
  Effect.gen(function* () {
    const routes = yield* ModelRoutes
    const fallback = yield* Embedder
    return {
      forWorkspace: routes.embedderFor.pipe(
        Effect.map(Option.getOrElse(() => fallback)),
        Effect.catchAll((error) =>
          Effect.logWarning(`embeddings route unusable, using ${fallback.model}: ${error.message}`).pipe(
            Effect.as(fallback)
          )
        )
      )
    }
  })
).pipe(Layer.provide([embedderLayer, modelRoutesLayer]))
