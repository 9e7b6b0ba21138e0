// Declaration of hybrid search over the workspace's notes, memories, folio commits and artifacts. Imports effect,
// @effect/platform and the shared text schemas of the notes declaration.
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { bounded } from "../schema/TextSchemas"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const SearchKind = Schema.Literal("note", "memory", "folio_commit", "artifact")
export type SearchKind = typeof SearchKind.Type

export const SearchQuery = bounded("query", 1000)

export const SearchLimit = Schema.Int.pipe(
  Schema.between(1, 20, { message: () => "limit must be an integer from 1 to 20" })
)

export const SearchResult = Schema.Struct({
  /** The id of the note, memory, folio commit or artifact the hit belongs to. */
  id: Schema.String,
  kind: SearchKind,
  title: Schema.String,
  snippet: Schema.String,
  /** Reciprocal-rank fusion of the full-text and vector rankings: higher is better, comparable within one answer. */
  score: Schema.Number,
  /** Cosine similarity of the chunk to the query under the active model, when the vector path found it. */
  similarity: Schema.optional(Schema.Number),
  /** Provenance: which source and which chunk of it matched, and by which path. */
  source: Schema.Struct({
    kind: SearchKind,
    id: Schema.String,
    ordinal: Schema.Int,
    chunkId: Schema.String,
    matchedBy: Schema.Array(Schema.Literal("text", "vector"))
  })
})
export type SearchResult = typeof SearchResult.Type

export class SearchApi extends HttpApiGroup.make("search")
  .add(
    HttpApiEndpoint.post("search", "/harvest/search")
      .setPayload(
        Schema.Struct({
          query: SearchQuery,
          /** Default 5. */
          limit: Schema.optional(SearchLimit),
          kinds: Schema.optional(Schema.Array(SearchKind))
        })
      )
      .addSuccess(Schema.Struct({ results: Schema.Array(SearchResult) }))
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
