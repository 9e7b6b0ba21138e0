// Hybrid search over search_chunks: a BM25 ranking (the query's terms as LexicalQuery plans them, candidates from
// the GIN index on the stemmed tsvector, each scored by the inner product of its BM25 document weights with the
// query's IDF weights) and a vector ranking (cosine distance over the HNSW index, only vectors of the active model),
// fused by weighted reciprocal rank (k = 60; the offline hashing embedder's vectors weigh 0: they only add hits after
// BM25's) in one SQL statement, best chunk per source. Equal fused scores go to the hit both rankings found, then to a
// lexical hit, then to the more similar vector. Each hit says
// which of the query's words it holds; an empty answer says why (Explanation). Built on it: log entries by entity,
// folio, tag and date, the choice of one search for a question (QueryRouter), and a claim judged against its
// evidence (Hypothesis).
import { type SqlClient, SqlSchema } from "@effect/sql"
import { Context, Effect, Layer, Schema } from "effect"
import { resolveEmbedder } from "../embeddings/ActiveEmbedder"
import {
  Embedder,
  HASHING_MODEL,
  toVectorLiteral,
  type EmbedderShape,
  type EmbeddingError
} from "../embeddings/Embedder"
import { layer as embedderLayer } from "../embeddings/EmbedderLive"
import { Graph, layer as graphLayer } from "../graph/Graph"
import { layer as routedEmbedderLayer } from "../models/RoutedEmbedder"
import type { EntityNotFound, GraphWalk } from "../graph/GraphApi"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { answerOf, type SearchAnswer } from "./Explanation"
import { judge, type Judgement } from "./Hypothesis"
import { analyse, anyTerm, CANDIDATE_BUDGET, parseQuery, type LexicalPlan } from "./LexicalQuery"
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
  /** The same hits with what the query was understood as, and why the answer is empty when it is. */
  readonly answer: (request: SearchRequest) => Effect.Effect<SearchAnswer, never, CurrentWorkspace>
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

/**
 * Weights of the two rankings in the fusion: score = LEXICAL_WEIGHT / (k + lexical rank) + vector weight / (k + vector
 * rank). The offline hashing embedder only sees shared words and word forms, which BM25 ranks better: on SciFact and
 * the short-keyword set, any weight it was given lowered both (0.3: SciFact nDCG@10 0.632 and keywords 0.883, against
 * 0 = BM25 alone: 0.684 and 0.927; test/bench/RESULTS.md). With it the vectors therefore never reorder what words
 * found; their hits come after, by similarity, and answer when no word matches. A real embedding model ranks by
 * meaning, and equal weights let it lead where it agrees with BM25 and rescue what words miss (not measured here: no
 * such model runs offline on this machine).
 */
export const LEXICAL_WEIGHT = 1
export const HASHING_VECTOR_WEIGHT = 0
export const MODEL_VECTOR_WEIGHT = 1

export const vectorWeightFor = (model: string) =>
  model === HASHING_MODEL ? HASHING_VECTOR_WEIGHT : MODEL_VECTOR_WEIGHT

/** Dimensions with an HNSW index in 0005_search_index.sql; other dimensions are searched by exact scan. */
const INDEXED_DIMENSIONS = new Set([384, 768, 1024, 1536])

const SNIPPET_CHARS = 240

export interface HybridParams {
  readonly plan: LexicalPlan
  readonly limit: number
  readonly kinds?: ReadonlyArray<SearchKind> | undefined
  /** The query's vector of the active model, or undefined for lexical only (the embedder failed). */
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
  /** The query's terms the chunk holds (stems). */
  terms: Schema.Array(Schema.String),
  snippet: Schema.String
})
export interface HybridRow extends Schema.Schema.Type<typeof HybridRow> {}

/** The rows of a hybrid statement, decoded; ones that do not decode are a defect of the host. */
const hybridRows = <E, R>(rows: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
  SqlSchema.findAll({ Request: Schema.Void, Result: HybridRow, execute: () => rows })(undefined).pipe(Effect.orDie)

/** How many candidates each ranking contributes to the fusion. */
export const candidatesFor = (limit: number) => Math.max(30, limit * 3)

/**
 * The BM25 ranking: the plan's candidates (GIN on lex), each exact phrase required (GIN on the simple tsv), scored
 * by the inner product of the chunk's BM25 document weights with the query's IDF weights.
 */
const lexicalCte = (sql: SqlClient.SqlClient, params: HybridParams) => {
  const { plan } = params
  if (plan.candidates === undefined && plan.phrases.length === 0) {
    return sql`select null::uuid as id, 0::bigint as rank, 0::float8 as score where false`
  }
  // Written inline (not through a CTE) so the planner sees constants and uses the GIN indexes.
  const conditions = [
    ...(plan.candidates === undefined ? [] : [sql`c.lex @@ ${plan.candidates}::tsquery`]),
    ...plan.phrases.map((phrase) => sql`c.tsv @@ phraseto_tsquery('simple', ${phrase})`),
    ...kindCondition(sql, params.kinds)
  ]
  const terms = plan.terms.map((term) => term.term)
  const weights = plan.terms.map((term) => term.weight)
  return sql`
    select id, row_number() over (order by score desc, id) as rank, score from (
      select m.id, coalesce(-(m.bm25 <#> (
        select ('{' || coalesce(string_agg(dim || ':' || weight, ',' order by dim), '') || '}/1000000000')::sparsevec
        from (
          select carabase_term_dim(t) as dim, sum(w)::real as weight
          from unnest(${terms}::text[], ${weights}::float8[]) q(t, w) group by 1
        ) qv
      )), 0)::float8 as score
      from (
        select c.id, c.bm25 from search_chunks c where ${sql.and(conditions)}
        ${plan.capped ? sql`limit ${CANDIDATE_BUDGET}` : sql``}
      ) m
      order by score desc, m.id
      limit ${candidatesFor(params.limit)}
    ) scored`
}

const kindCondition = (sql: SqlClient.SqlClient, kinds: ReadonlyArray<SearchKind> | undefined) =>
  kinds === undefined || kinds.length === 0 ? [] : [sql`c.source_kind in ${sql.in(kinds)}`]

/** The hybrid statement. Runs inside a workspace scope: RLS keeps it to that workspace's chunks and counts. */
export const hybridStatement = (sql: SqlClient.SqlClient, params: HybridParams) => {
  const candidates = candidatesFor(params.limit)
  const vector = params.vector
  const vectorWeight = vectorWeightFor(params.model)
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
              where ${sql.and([sql`c.embedding_model = ${params.model}`, sql`c.embedding_dims = ${dims}`, ...kindCondition(sql, params.kinds)])}
              order by ${column} <=> ${probe}
              limit ${candidates}
            ) nearest`
        })()
  const terms = params.plan.terms.map((term) => term.term)
  const highlight = anyTerm(params.plan)
  return sql`
    with lexical as (${lexicalCte(sql, params)}),
    vec as (${vectorCte}),
    fused as (
      select id, sum(score)::float8 as score, array_agg(via order by via) as matched_by,
        max(similarity)::float8 as similarity
      from (
        select id, ${LEXICAL_WEIGHT}::float8 / (${RRF_K} + rank) as score, 'text' as via, null::float8 as similarity
        from lexical
        union all
        select id, ${vectorWeight}::float8 / (${RRF_K} + rank), 'vector', 1 - dist from vec
        where dist <> 'NaN'::float8 and 1 - dist >= ${params.minSimilarity}
      ) hits
      group by id
    ),
    best as (
      select distinct on (c.source_kind, c.source_id)
        c.id, c.source_kind, c.source_id, c.ordinal, c.title, c.content, c.lex, f.score, f.matched_by, f.similarity
      from fused f join search_chunks c on c.id = f.id
      order by c.source_kind, c.source_id, f.score desc, f.similarity desc nulls last, c.ordinal
    )
    select b.source_kind, b.source_id, b.ordinal, b.id as chunk_id, b.title, b.score, b.matched_by, b.similarity,
      array(select l from unnest(tsvector_to_array(b.lex)) l where l = any(${terms}::text[]) order by l) as terms,
      ${
        highlight === undefined
          ? sql`left(b.content, ${SNIPPET_CHARS + 40})`
          : sql`case when b.lex @@ ${highlight}::tsquery
        then ts_headline('carabase_english', b.content, ${highlight}::tsquery,
          'MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … ", StartSel="", StopSel=""')
        else left(b.content, ${SNIPPET_CHARS + 40})
      end`
      } as snippet
    from best b
    order by b.score desc, cardinality(b.matched_by) desc, ('text' = any(b.matched_by)) desc,
      b.similarity desc nulls last, b.id
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

/** The words of the query a hit holds (as typed), or "by meaning" when it was found by its vector alone. */
export const matchedFor = (row: HybridRow, plan: LexicalPlan): SearchResult["matched"] => {
  const held = new Set(row.terms)
  const words = plan.terms
    .filter((term) => held.has(term.term))
    .sort((a, b) => a.position - b.position)
    .flatMap((term) => term.words)
  return words.length === 0 ? "by meaning" : { terms: [...new Set(words)] }
}

export const toResult = (row: HybridRow, plan: LexicalPlan): SearchResult => ({
  id: row.sourceId,
  kind: row.sourceKind,
  title: row.title,
  snippet: tidySnippet(row.snippet),
  score: row.score,
  ...(row.similarity === null ? {} : { similarity: row.similarity }),
  matched: matchedFor(row, plan),
  source: {
    kind: row.sourceKind,
    id: row.sourceId,
    ordinal: row.ordinal,
    chunkId: row.chunkId,
    matchedBy: row.matchedBy
  }
})

/**
 * The query's vector (undefined for a query with no features), or, when the embedder fails, why in words safe to show
 * (the kind of failure, never the provider's answer): search then answers from full-text ranking alone.
 */
export const embedQueryOutcome = (
  embedder: EmbedderShape,
  query: string
): Effect.Effect<{ readonly vector: ReadonlyArray<number> | undefined; readonly failure?: string }> =>
  embedder.embed([query]).pipe(
    // A query with no features (only punctuation) embeds to zeros, whose cosine distance is undefined (NaN).
    Effect.map((embeddings) => {
      const vector = embeddings.vectors[0]
      return { vector: vector !== undefined && vector.some((value) => value !== 0) ? vector : undefined }
    }),
    Effect.catchAll((error) =>
      Effect.logWarning("query embedding failed; answering from full-text search only", error).pipe(
        Effect.as({ vector: undefined, failure: failureText(error) })
      )
    )
  )

const failureText = (error: EmbeddingError) => {
  const status = /^HTTP (\d{3})\b/.exec(error.message)?.[1]
  if (status !== undefined) return `answered HTTP ${status}`
  switch (error.failure) {
    case "unreachable":
      return "could not be reached"
    case "timeout":
      return "did not answer in time"
    case "refused":
      return "refused the request"
    default:
      return error.message.startsWith("network:") ? "could not be reached" : "gave no usable answer"
  }
}

/** The query's vector, or undefined when the embedder fails: search then answers from full-text ranking alone. */
export const embedQuery = (embedder: EmbedderShape, query: string) =>
  Effect.map(embedQueryOutcome(embedder, query), (outcome) => outcome.vector)

/**
 * Analyses the query (its terms and their counts) and runs the hybrid statement, in the caller's workspace scope and
 * transaction (the query is embedded before, outside it). Migration 0005 sets `hnsw.iterative_scan` for the
 * database, so no per-search setting is needed.
 */
export const runHybridPlanned = (
  sql: SqlClient.SqlClient,
  embedder: EmbedderShape,
  request: SearchRequest,
  vector: ReadonlyArray<number> | undefined
) =>
  Effect.gen(function* () {
    const plan = yield* analyse(sql, request.query)
    const rows = yield* hybridRows(
      hybridStatement(sql, {
        plan,
        limit: request.limit,
        kinds: request.kinds,
        vector,
        model: embedder.model,
        minSimilarity: embedder.minSimilarity
      })
    )
    return { plan, rows }
  })

/** The hybrid rows alone (memories' search, which answers memories rather than hits). */
export const runHybrid = (
  sql: SqlClient.SqlClient,
  embedder: EmbedderShape,
  request: SearchRequest,
  vector: ReadonlyArray<number> | undefined
) => Effect.map(runHybridPlanned(sql, embedder, request, vector), ({ rows }) => rows)

/** Provides a routed embedder, so queries embed with the workspace's `embeddings` route, as Harvest indexes with it. */
export const layer = Layer.effect(
  Search,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope
    const embedderNow = yield* resolveEmbedder(yield* Embedder)
    const notes = yield* Notes
    const graph = yield* Graph

    const answer = (request: SearchRequest) =>
      Effect.gen(function* () {
        const embedder = yield* embedderNow
        // A quoted phrase or a prefix asks for words as written: neighbours by meaning would only blur that.
        const syntax = parseQuery(request.query)
        const wordsOnly = syntax.phrases.length > 0 || syntax.prefixes.length > 0
        const { failure, vector } = wordsOnly
          ? { vector: undefined, failure: undefined }
          : yield* embedQueryOutcome(embedder, request.query)
        const { plan, rows } = yield* rls.current(runHybridPlanned(sql, embedder, request, vector))
        const results = rows.map((row) => toResult(row, plan))
        const answer = answerOf(
          results,
          plan,
          wordsOnly ? "not used" : vector === undefined ? "unavailable" : "searched"
        )
        return failure === undefined
          ? answer
          : {
              ...answer,
              degraded: {
                reason: `Search by meaning was unavailable: the embedder (this workspace's embeddings route, or the host's default) ${failure}, so these results come from text search alone. The host log has the error; check the embeddings route under Model routing.`
              }
            }
      }).pipe(Effect.withSpan("Search.search"))

    const search = (request: SearchRequest) => Effect.map(answer(request), (found) => found.results)

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

    return { search, answer, logEntries, route, verify } satisfies SearchShape
  })
).pipe(Layer.provide([embedderLayer, routedEmbedderLayer, notesLayer, graphLayer]))
