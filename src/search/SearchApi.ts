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
  /** Weighted reciprocal-rank fusion of the BM25 and vector rankings: higher is better, comparable within one answer. */
  score: Schema.Number,
  /** Cosine similarity of the chunk to the query under the active model, when the vector path found it. */
  similarity: Schema.optional(Schema.Number),
  /** Why it matched: the query's words it holds (as typed; stems count, so "priced" holds for "pricing"), or "by meaning". */
  matched: Schema.Union(Schema.Struct({ terms: Schema.Array(Schema.String) }), Schema.Literal("by meaning")),
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

/** Why a search found nothing. */
export const SearchExplanation = Schema.Struct({
  message: Schema.String,
  /** Words of the query no indexed text of the workspace holds. */
  unknownWords: Schema.Array(Schema.String),
  /** Words ignored as too common (English stop words). */
  stopWords: Schema.Array(Schema.String),
  /** Whether the query was also compared by meaning (vectors), the embedder was unavailable, or (a phrase or prefix query) vectors were not used. */
  vectors: Schema.Literal("searched", "unavailable", "not used")
})
export type SearchExplanation = typeof SearchExplanation.Type

/** Why an answer is worse than usual; the results are still the best the host could give. */
export const SearchDegraded = Schema.Struct({
  /** In words for the owner, e.g. that the embeddings route could not be reached and text search answered alone. */
  reason: Schema.String
})
export type SearchDegraded = typeof SearchDegraded.Type

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
      .addSuccess(
        Schema.Struct({
          results: Schema.Array(SearchResult),
          /** Only when results is empty. */
          explanation: Schema.optional(SearchExplanation),
          /** Only when the query could not be compared by meaning because the embedder failed: text search alone. */
          degraded: Schema.optional(SearchDegraded)
        })
      )
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
