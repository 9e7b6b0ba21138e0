// Hybrid search over search_chunks: a full-text ranking (websearch_to_tsquery over the GIN index, ranked by
// ts_rank_cd) and a vector ranking (cosine distance over the HNSW index, only vectors of the active model), fused by
// reciprocal rank (k = 60) in one SQL statement, best chunk per source. Equal fused scores go to the hit both rankings
// found, then to a full-text hit: a literal match of the query beats a vector-only neighbour (HNSW is approximate,
// so without this a tie would be settled by chance). Built on it: log entries by entity, folio, tag and date, the
// choice of one search for a question (QueryRouter), and a claim judged against its evidence (Hypothesis).
import { type SqlClient, SqlSchema } from "@effect/sql"
import { Context, Effect, Layer, Schema } from "effect"
import { resolveEmbedder } from "../embeddings/ActiveEmbedder"
import { Embedder, toVectorLiteral, type EmbedderShape } from "../embeddings/Embedder"
import { layer as embedderLayer } from "../embeddings/EmbedderLive"
import { Graph, layer as graphLayer } from "../graph/Graph"
import { layer as routedEmbedderLayer } from "../models/RoutedEmbedder"
import type { EntityNotFound, GraphWalk } from "../graph/GraphApi"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { judge, type Judgement } from "./Hypothesis"
import { matchingEntries, type LogEntry, type LogEntryFilter } from "./LogEntries"
import { metadataFromQuery, routeQuery } from "./QueryRouter"
import { SearchKind, type SearchResult } from "./SearchApi"

export interface SearchRequest {
  readonly query: string
  readonly limit: number
  readonly kinds?: ReadonlyArray<SearchKind> | undefined
}

/** The search a query was routed to, and its answer. */
export type Routed =
  | { readonly route: "graph"; readonly graph: GraphWalk }
  | {
      readonly route: "metadata"
      readonly filter: Omit<LogEntryFilter, "entity" | "limit">
      readonly entries: ReadonlyArray<LogEntry>
    }
  | { readonly route: "semantic"; readonly results: ReadonlyArray<SearchResult> }

export interface SearchShape {
  readonly search: (request: SearchRequest) => Effect.Effect<ReadonlyArray<SearchResult>, never, CurrentWorkspace>
  /** Log entries of daily notes that match every given filter, newest first. */
  readonly logEntries: (
    filter: LogEntryFilter
  ) => Effect.Effect<ReadonlyArray<LogEntry>, EntityNotFound, CurrentWorkspace>
  /**
   * One search for a question, chosen by QueryRouter's rule: a two-hop walk from the entity it names, its log entries
   * (at most `limit`, default 20), or hybrid search (default 5 hits). `anchors` (entity ids or names) anchor it: the
   * query counts as naming an entity, the graph walk starts at the first anchor, and the metadata route keeps only
   * entries mentioning one of them (by name or alias). The semantic route is not narrowed by them.
   */
  readonly route: (
    query: string,
    limit?: number,
    anchors?: ReadonlyArray<string>
  ) => Effect.Effect<Routed, EntityNotFound, CurrentWorkspace>
  /** The hybrid-search hits for a claim, judged by Hypothesis's rule. */
  readonly verify: (claim: string, limit: number) => Effect.Effect<Judgement, never, CurrentWorkspace>
}

export class Search extends Context.Tag("carabase/Search")<Search, SearchShape>() {}

/** Reciprocal-rank fusion constant (Cormack et al.): damps the weight of the very top ranks. */
export const RRF_K = 60

/** Dimensions with an HNSW index in 0005_search_index.sql; other dimensions are searched by exact scan. */
const INDEXED_DIMENSIONS = new Set([384, 768, 1024, 1536])

const SNIPPET_CHARS = 240

/**
 * At most this many full-text matches are ranked. Ranking reads every match's tsvector, so a query of common words
 * (thousands of matches) would otherwise cost hundreds of milliseconds; beyond the cap the words barely discriminate
 * and the vector ranking carries the fusion.
 */
export const FTS_RANK_CAP = 1000

export interface HybridParams {
  readonly query: string
  readonly limit: number
  readonly kinds?: ReadonlyArray<SearchKind> | undefined
  /** The query's vector of the active model, or undefined for full-text only (the embedder failed). */
  readonly vector?: ReadonlyArray<number> | undefined
  readonly model: string
  readonly minSimilarity: number
}

export const HybridRow = Schema.Struct({
  sourceKind: SearchKind,
  sourceId: Schema.String,
  ordinal: Schema.Int,
  chunkId: Schema.String,
  title: Schema.String,
  score: Schema.Number,
  matchedBy: Schema.Array(Schema.Literal("text", "vector")),
  similarity: Schema.NullOr(Schema.Number),
  snippet: Schema.String
})
export interface HybridRow extends Schema.Schema.Type<typeof HybridRow> {}

/** The rows of a hybrid statement, decoded; ones that do not decode are a defect of the host. */
const hybridRows = <E, R>(rows: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
  SqlSchema.findAll({ Request: Schema.Void, Result: HybridRow, execute: () => rows })(undefined).pipe(Effect.orDie)

/** How many candidates each ranking contributes to the fusion. */
export const candidatesFor = (limit: number) => Math.max(30, limit * 3)

/** The hybrid statement. Runs inside a workspace scope: RLS keeps it to that workspace's chunks. */
export const hybridStatement = (sql: SqlClient.SqlClient, params: HybridParams) => {
  const candidates = candidatesFor(params.limit)
  const kindFilter =
    params.kinds === undefined || params.kinds.length === 0 ? sql`` : sql`and c.source_kind in ${sql.in(params.kinds)}`
  const vector = params.vector
  // Written inline (not through a CTE) so the planner sees a constant and uses the GIN index.
  const tsq = sql`websearch_to_tsquery('simple', ${params.query})`
  const vectorCte =
    vector === undefined
      ? sql`select null::uuid as id, 0::bigint as rank, 0::float8 as dist where false`
      : (() => {
          const dims = vector.length
          const column = sql.literal(INDEXED_DIMENSIONS.has(dims) ? `c.embedding::vector(${dims})` : "c.embedding")
          const probe = sql`${toVectorLiteral(vector)}::${sql.literal(`vector(${dims})`)}`
          return sql`
            select id, row_number() over (order by dist, id) as rank, dist from (
              select c.id, ${column} <=> ${probe} as dist
              from search_chunks c
              where c.embedding_model = ${params.model} and c.embedding_dims = ${dims} ${kindFilter}
              order by ${column} <=> ${probe}
              limit ${candidates}
            ) nearest`
        })()
  return sql`
    with matching as (
      select c.id, c.tsv from search_chunks c where c.tsv @@ ${tsq} ${kindFilter} limit ${FTS_RANK_CAP}
    ),
    fts as (
      select id, row_number() over (order by ts_rank_cd(tsv, ${tsq}) desc, id) as rank
      from matching
      order by ts_rank_cd(tsv, ${tsq}) desc, id
      limit ${candidates}
    ),
    vec as (${vectorCte}),
    fused as (
      select id, sum(score)::float8 as score, array_agg(via order by via) as matched_by,
        max(similarity)::float8 as similarity
      from (
        select id, 1.0::float8 / (${RRF_K} + rank) as score, 'text' as via, null::float8 as similarity from fts
        union all
        select id, 1.0::float8 / (${RRF_K} + rank), 'vector', 1 - dist from vec
        where dist <> 'NaN'::float8 and 1 - dist >= ${params.minSimilarity}
      ) hits
      group by id
    ),
    best as (
      select distinct on (c.source_kind, c.source_id)
        c.id, c.source_kind, c.source_id, c.ordinal, c.title, c.content, f.score, f.matched_by, f.similarity
      from fused f join search_chunks c on c.id = f.id
      order by c.source_kind, c.source_id, f.score desc, c.ordinal
    )
    select b.source_kind, b.source_id, b.ordinal, b.id as chunk_id, b.title, b.score, b.matched_by, b.similarity,
      case when 'text' = any(b.matched_by)
        then ts_headline('simple', b.content, ${tsq},
          'MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … ", StartSel="", StopSel=""')
        else left(b.content, ${SNIPPET_CHARS + 40})
      end as snippet
    from best b
    order by b.score desc, cardinality(b.matched_by) desc, ('text' = any(b.matched_by)) desc, b.id
    limit ${params.limit}
  `
}

/** Shortens a snippet to about SNIPPET_CHARS, at a word, on one line. */
const tidySnippet = (snippet: string): string => {
  const flat = snippet.replace(/\s+/g, " ").trim()
  if (flat.length <= SNIPPET_CHARS) return flat
  const cut = flat.lastIndexOf(" ", SNIPPET_CHARS)
  return `${flat.slice(0, cut > SNIPPET_CHARS / 2 ? cut : SNIPPET_CHARS)} …`
}

export const toResult = (row: HybridRow): SearchResult => ({
  id: row.sourceId,
  kind: row.sourceKind,
  title: row.title,
  snippet: tidySnippet(row.snippet),
  score: row.score,
  ...(row.similarity === null ? {} : { similarity: row.similarity }),
  source: {
    kind: row.sourceKind,
    id: row.sourceId,
    ordinal: row.ordinal,
    chunkId: row.chunkId,
    matchedBy: row.matchedBy
  }
})

/** The query's vector, or undefined when the embedder fails: search then answers from full-text ranking alone. */
export const embedQuery = (embedder: EmbedderShape, query: string) =>
  embedder.embed([query]).pipe(
    // A query with no features (only punctuation) embeds to zeros, whose cosine distance is undefined (NaN).
    Effect.map((embeddings) => {
      const vector = embeddings.vectors[0]
      return vector !== undefined && vector.some((value) => value !== 0) ? vector : undefined
    }),
    Effect.catchAll((error) =>
      Effect.logWarning("query embedding failed; answering from full-text search only", error).pipe(
        Effect.as(undefined)
      )
    )
  )

/** The hybrid statement for a request, with the query's vector (embedded outside any transaction) and the model's. */
const hybridFor = (
  sql: SqlClient.SqlClient,
  embedder: EmbedderShape,
  request: SearchRequest,
  vector: ReadonlyArray<number> | undefined
) => hybridStatement(sql, { ...request, vector, model: embedder.model, minSimilarity: embedder.minSimilarity })

/**
 * Runs the hybrid statement; the caller provides the workspace scope (and embeds outside the transaction).
 * Migration 0005 sets `hnsw.iterative_scan` for the database, so no per-search setting is needed.
 */
export const runHybrid = (
  sql: SqlClient.SqlClient,
  embedder: EmbedderShape,
  request: SearchRequest,
  vector: ReadonlyArray<number> | undefined
) => hybridRows(hybridFor(sql, embedder, request, vector))

/** Provides a routed embedder, so queries embed with the workspace's `embeddings` route, as Harvest indexes with it. */
export const layer = Layer.effect(
  Search,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope
    const embedderNow = yield* resolveEmbedder(yield* Embedder)
    const notes = yield* Notes
    const graph = yield* Graph

    const search = (request: SearchRequest) =>
      Effect.flatMap(embedderNow, (embedder) =>
        embedQuery(embedder, request.query).pipe(
          Effect.flatMap((vector) => hybridRows(rls.rows(hybridFor(sql, embedder, request, vector))))
        )
      ).pipe(
        Effect.map((rows) => rows.map(toResult)),
        Effect.withSpan("Search.search")
      )

    const logEntries = Effect.fn("Search.logEntries")(function* (filter: LogEntryFilter) {
      const names =
        filter.entity === undefined
          ? []
          : yield* Effect.map(graph.resolveEntity(filter.entity), (entity) => [entity.name, ...entity.aliases])
      const days = yield* notes.inRange({ from: filter.from, to: filter.to })
      return matchingEntries(days, filter, names)
    })

    const route = Effect.fn("Search.route")(function* (
      query: string,
      limit?: number,
      anchors: ReadonlyArray<string> = []
    ) {
      const anchored = yield* Effect.forEach(anchors, graph.resolveEntity)
      const [entity] = anchored.length > 0 ? anchored : yield* graph.candidatesIn(query, { limit: 1 })
      const chosen = routeQuery(query, entity !== undefined)
      if (chosen === "graph") {
        return { route: chosen, graph: yield* graph.walk(entity!.id, { depth: 2, minConfidence: 0 }) } satisfies Routed
      }
      if (chosen === "metadata") {
        const filter = metadataFromQuery(query)
        const entries =
          anchored.length === 0
            ? yield* logEntries({ ...filter, limit: limit ?? 20 })
            : matchingEntries(
                yield* notes.inRange({ from: filter.from, to: filter.to }),
                { ...filter, limit: limit ?? 20 },
                anchored.flatMap((anchor) => [anchor.name, ...anchor.aliases])
              )
        return { route: chosen, filter, entries } satisfies Routed
      }
      return { route: chosen, results: yield* search({ query, limit: limit ?? 5 }) } satisfies Routed
    })

    const verify = Effect.fn("Search.verify")(function* (claim: string, limit: number) {
      const results = yield* search({ query: claim, limit })
      return judge(
        claim,
        results.map((result) => ({ id: result.id, kind: result.kind, title: result.title, snippet: result.snippet }))
      )
    })

    return { search, logEntries, route, verify } satisfies SearchShape
  })
).pipe(Layer.provide([embedderLayer, routedEmbedderLayer, notesLayer, graphLayer]))
