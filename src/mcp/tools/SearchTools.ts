// MCP tools for finding things: hybrid search, memories, artifacts, the metadata of log entries, query routing and
// hypothesis checking. They call the Search, Memories and Artifacts services. The canonical ones accept the published
// skills' argument names too, link the artifacts they find as `carabase://artifact/<id>` resources, and end an empty
// answer with a Doctor-RAG hint.
import { Effect, Schema } from "effect"
import { Artifacts } from "../../artifacts/Artifacts"
import { ArtifactId } from "../../artifacts/ArtifactsApi"
import { Memories } from "../../memories/Memories"
import { RULE } from "../../search/Hypothesis"
import type { LogEntryFilter } from "../../search/LogEntries"
import { ROUTING_RULE } from "../../search/QueryRouter"
import { Search } from "../../search/Search"
import type { SearchResult } from "../../search/SearchApi"
import { ADDITIVE, READ_ONLY, tool } from "../Tool"
import { artifactLinks, artifactUri, ToolReply } from "../ToolReply"
import { same, withAliases } from "./Aliases"
import { dayArg, textArg } from "./Arguments"
import { metadataNoResults, semanticNoResults } from "./Hints"
import { failWith } from "./Resolve"

const queryArg = (argument: string) => textArg(argument).pipe(Schema.minLength(1), Schema.maxLength(1000))
const Limit = Schema.optional(Schema.Int.pipe(Schema.between(1, 20)))

const hybrid = (query: string, limit: number) => Effect.flatMap(Search, (search) => search.search({ query, limit }))

/** Hits as the canonical tools answer them: an artifact hit carries its resource URI. */
const withUris = (results: ReadonlyArray<SearchResult>) =>
  results.map((result) => (result.kind === "artifact" ? { ...result, uri: artifactUri(result.id) } : result))

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
      "Hybrid search returning the top `k` hits (`limit` is the same); `min_similarity` (0-1) keeps only hits whose vector similarity to the query reaches it (hits found only by full text have none and are dropped when it is set). Artifact hits carry a `carabase://artifact/<id>` resource link; read the body with resources/read.",
    input: withAliases(
      {
        query: queryArg("query"),
        k: Limit,
        min_similarity: Schema.optional(Schema.Number.pipe(Schema.between(0, 1)))
      },
      { limit: same("k", Schema.Int.pipe(Schema.between(1, 20))) }
    ),
    annotations: READ_ONLY,
    run: ({ query, k, min_similarity }) =>
      Effect.map(
        Effect.flatMap(Search, (search) => search.answer({ query, limit: k ?? 5 })),
        (answer) => {
          const results =
            min_similarity === undefined
              ? answer.results
              : answer.results.filter((result) => (result.similarity ?? -1) >= min_similarity)
          // An empty answer also says why (unknown words, a phrase nobody wrote, meaning unavailable), beside the hint.
          const why =
            results.length > 0
              ? undefined
              : (answer.explanation?.message ?? `Every hit was below min_similarity ${min_similarity}.`)
          return new ToolReply(
            { results: withUris(results), ...(why === undefined ? {} : { explanation: why }) },
            artifactLinks(results),
            results.length === 0 ? semanticNoResults(query) : []
          )
        }
      )
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
    input: withAliases(
      {
        id: ArtifactId,
        max_tokens: Schema.optional(Schema.Int.pipe(Schema.between(1, 1_000_000)))
      },
      { artifact_id: same("id", ArtifactId) }
    ),
    annotations: READ_ONLY,
    run: ({ id, max_tokens }) =>
      Effect.flatMap(Artifacts, (artifacts) => failWith(artifacts.content(id, max_tokens ?? 8000)))
  }),
  tool({
    name: "carabase_query_metadata",
    title: "Find log entries by entity, folio, tags or date",
    description:
      "Log entries from daily notes matching every given filter: an entity (`entity` or `entity_name`: id or name; the entry's text mentions it or an alias), a folio, tags (`tags`: every one of them; `tag`: one), a date range (`date_from`/`date_after` to `date_to`/`date_before`, both days included). `source` may only be `daily-note`: log entries are the only source it reads. Newest first.",
    input: withAliases(
      {
        entity: Schema.optional(textArg("entity")),
        folio: Schema.optional(textArg("folio")),
        tags: Schema.optional(Schema.Array(textArg("tags"))),
        date_from: Schema.optional(dayArg("date_from")),
        date_to: Schema.optional(dayArg("date_to")),
        source: Schema.optional(
          Schema.Literal("daily-note").annotations({
            message: () => "source must be daily-note: this tool reads the log entries of daily notes only"
          })
        ),
        limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 200)))
      },
      {
        entity_name: same("entity", textArg("entity_name")),
        tag: { for: "tags", schema: textArg("tag"), map: (tag: string) => [tag] },
        date_after: same("date_from", dayArg("date_after")),
        date_before: same("date_to", dayArg("date_before"))
      }
    ),
    annotations: READ_ONLY,
    run: ({ date_from, date_to, entity, folio, limit, source, tags }) =>
      Effect.flatMap(Search, (search) =>
        Effect.map(
          failWith(search.logEntries({ entity, folio, tags, from: date_from, to: date_to, limit })),
          (entries) =>
            entries.length === 0
              ? new ToolReply(
                  { entries },
                  [],
                  metadataNoResults({
                    entity,
                    folio,
                    tags: tags?.join(", "),
                    date_after: date_from,
                    date_before: date_to,
                    source
                  })
                )
              : { entries }
        )
      )
  }),
  tool({
    name: "carabase_route_and_execute",
    title: "Answer a question with the right kind of search",
    description: `Picks one search for the query and runs it. Rule: ${ROUTING_RULE}. The answer names the route taken.`,
    input: Schema.Struct({
      query: queryArg("query"),
      limit: Limit,
      concept_root_ids: Schema.optional(
        Schema.Array(textArg("concept_root_ids").pipe(Schema.minLength(1))).pipe(Schema.maxItems(10))
      ).annotations({
        description:
          "anchor entities (ids or names): the query counts as naming them, the graph route walks from the first, the metadata route keeps entries mentioning one of them"
      })
    }),
    annotations: READ_ONLY,
    run: ({ concept_root_ids, limit, query }) =>
      Effect.flatMap(Search, (search) =>
        Effect.map(failWith(search.route(query, limit, concept_root_ids)), (routed) =>
          routed.route === "graph"
            ? { route: routed.route, rule: ROUTING_RULE, graph: routed.graph }
            : routed.route === "metadata"
              ? new ToolReply(
                  {
                    route: routed.route,
                    rule: ROUTING_RULE,
                    filter: filterArgs(routed.filter),
                    entries: routed.entries
                  },
                  [],
                  routed.entries.length === 0 ? metadataNoResults(filterArgs(routed.filter)) : []
                )
              : new ToolReply(
                  { route: routed.route, rule: ROUTING_RULE, results: withUris(routed.results) },
                  artifactLinks(routed.results),
                  routed.results.length === 0 ? semanticNoResults(query) : []
                )
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
        Effect.map(
          search.verify(claim, limit ?? 10),
          (judgement) =>
            new ToolReply(
              {
                claim,
                ...judgement,
                corroborated_by: judgement.supporting,
                contradicted_by: judgement.contradicting,
                considered: judgement.supporting.length + judgement.contradicting.length + judgement.unrelated
              },
              artifactLinks([...judgement.supporting, ...judgement.contradicting])
            )
        )
      )
  })
]
