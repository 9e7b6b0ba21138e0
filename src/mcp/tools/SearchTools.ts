// MCP tools for finding things: hybrid search, memories, artifacts, the metadata of log entries, query routing and
// hypothesis checking. They call the Search, Memories and Artifacts services.
import { Effect, Schema } from "effect"
import { Artifacts } from "../../artifacts/Artifacts"
import { ArtifactId } from "../../artifacts/ArtifactsApi"
import { Memories } from "../../memories/Memories"
import { RULE } from "../../search/Hypothesis"
import type { LogEntryFilter } from "../../search/LogEntries"
import { ROUTING_RULE } from "../../search/QueryRouter"
import { Search } from "../../search/Search"
import { ADDITIVE, READ_ONLY, tool } from "../Tool"
import { dayArg, textArg } from "./Arguments"
import { failWith } from "./Resolve"

const queryArg = (argument: string) => textArg(argument).pipe(Schema.minLength(1), Schema.maxLength(1000))
const Limit = Schema.optional(Schema.Int.pipe(Schema.between(1, 20)))

const hybrid = (query: string, limit: number) => Effect.flatMap(Search, (search) => search.search({ query, limit }))

/** The metadata route's filter as the tool has always named it (the tool's own argument names). */
const filterArgs = (filter: Omit<LogEntryFilter, "entity" | "limit">) => ({
  ...(filter.from !== undefined ? { date_from: filter.from, date_to: filter.to } : {}),
  ...(filter.folio !== undefined ? { folio: filter.folio } : {}),
  ...(filter.tag !== undefined ? { tag: filter.tag } : {})
})

export const searchTools = [
  tool({
    name: "search_semantic",
    title: "Search everything",
    description:
      "Hybrid search (full text + vector, fused by reciprocal rank) over notes, memories, folio commits and artifacts.",
    input: Schema.Struct({ query: queryArg("query"), limit: Limit }),
    annotations: READ_ONLY,
    run: ({ query, limit }) => Effect.map(hybrid(query, limit ?? 5), (results) => ({ results }))
  }),
  tool({
    name: "carabase_search_semantic",
    title: "Search by meaning",
    description:
      "Hybrid search returning the top `k` hits; `min_similarity` (0-1) keeps only hits whose vector similarity to the query reaches it (hits found only by full text have none and are dropped when it is set).",
    input: Schema.Struct({
      query: queryArg("query"),
      k: Limit,
      min_similarity: Schema.optional(Schema.Number.pipe(Schema.between(0, 1)))
    }),
    annotations: READ_ONLY,
    run: ({ query, k, min_similarity }) =>
      Effect.map(hybrid(query, k ?? 5), (results) => ({
        results:
          min_similarity === undefined
            ? results
            : results.filter((result) => (result.similarity ?? -1) >= min_similarity)
      }))
  }),
  tool({
    name: "search_memories",
    title: "Search memories",
    description: "Finds memories (short durable facts) relevant to the query.",
    input: Schema.Struct({ query: queryArg("query"), limit: Limit }),
    annotations: READ_ONLY,
    run: ({ query, limit }) =>
      Effect.flatMap(Memories, (memories) =>
        Effect.map(memories.list({ search: query, limit: limit ?? 10 }), (list) => ({ memories: list }))
      )
  }),
  tool({
    name: "create_memory",
    title: "Remember a fact",
    description: "Stores a short durable fact as a memory, indexed for search. Calling it twice stores it twice.",
    input: Schema.Struct({
      content: textArg("content").pipe(Schema.minLength(1), Schema.maxLength(10_000)),
      source: Schema.optional(textArg("source").pipe(Schema.maxLength(500)))
    }),
    annotations: ADDITIVE,
    run: (args) => Effect.flatMap(Memories, (memories) => Effect.map(memories.create(args), (memory) => ({ memory })))
  }),
  tool({
    name: "read_artifact",
    title: "Read an artifact",
    description: "Returns an uploaded or harvested document's extracted text, cut to `max_tokens` (default 8000).",
    input: Schema.Struct({
      id: ArtifactId,
      max_tokens: Schema.optional(Schema.Int.pipe(Schema.between(1, 1_000_000)))
    }),
    annotations: READ_ONLY,
    run: ({ id, max_tokens }) =>
      Effect.flatMap(Artifacts, (artifacts) => failWith(artifacts.content(id, max_tokens ?? 8000)))
  }),
  tool({
    name: "carabase_query_metadata",
    title: "Find log entries by entity, folio, tag or date",
    description:
      "Log entries from daily notes matching every given filter: an entity (id or name; the entry's text mentions it or an alias), a folio, a tag, a date range. Newest first.",
    input: Schema.Struct({
      entity: Schema.optional(textArg("entity")),
      folio: Schema.optional(textArg("folio")),
      tag: Schema.optional(textArg("tag")),
      date_from: Schema.optional(dayArg("date_from")),
      date_to: Schema.optional(dayArg("date_to")),
      limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 200)))
    }),
    annotations: READ_ONLY,
    run: ({ date_from, date_to, entity, folio, limit, tag }) =>
      Effect.flatMap(Search, (search) =>
        Effect.map(
          failWith(search.logEntries({ entity, folio, tag, from: date_from, to: date_to, limit })),
          (entries) => ({
            entries
          })
        )
      )
  }),
  tool({
    name: "carabase_route_and_execute",
    title: "Answer a question with the right kind of search",
    description: `Picks one search for the query and runs it. Rule: ${ROUTING_RULE}. The answer names the route taken.`,
    input: Schema.Struct({ query: queryArg("query"), limit: Limit }),
    annotations: READ_ONLY,
    run: ({ query, limit }) =>
      Effect.flatMap(Search, (search) =>
        Effect.map(failWith(search.route(query, limit)), (routed) =>
          routed.route === "graph"
            ? { route: routed.route, rule: ROUTING_RULE, graph: routed.graph }
            : routed.route === "metadata"
              ? { route: routed.route, rule: ROUTING_RULE, filter: filterArgs(routed.filter), entries: routed.entries }
              : { route: routed.route, rule: ROUTING_RULE, results: routed.results }
        )
      )
  }),
  tool({
    name: "carabase_verify_hypothesis",
    title: "Check a claim against the notes",
    description: `Searches for evidence about a claim and gives a deterministic verdict (corroborated, contradicted, mixed or inconclusive) with the evidence on each side. Rule: ${RULE}.`,
    input: Schema.Struct({ claim: queryArg("claim"), limit: Limit }),
    annotations: READ_ONLY,
    run: ({ claim, limit }) =>
      Effect.flatMap(Search, (search) =>
        Effect.map(search.verify(claim, limit ?? 10), (judgement) => ({ claim, ...judgement }))
      )
  })
]
