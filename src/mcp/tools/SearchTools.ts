// MCP tools for finding things: hybrid search, memories, artifacts, the metadata of log entries, query routing and
// hypothesis checking. They call the Search, Memories, Artifacts, Notes and Graph services.
import { Effect, Schema } from "effect"
import { Artifacts } from "../../artifacts/Artifacts"
import { Graph } from "../../graph/Graph"
import { fold } from "../../curation/AliasMatching"
import { plainText } from "../../folios/FolioEntries"
import { Memories } from "../../memories/Memories"
import { logCardMeta } from "../../notes/LogCard"
import { localDate, NoteDate } from "../../notes/NoteDate"
import { Notes } from "../../notes/Notes"
import { Search } from "../../search/Search"
import { judge, RULE } from "../Hypothesis"
import { routeQuery, ROUTING_RULE } from "../QueryRouter"
import { ADDITIVE, READ_ONLY, tool } from "../Tool"
import { dayArg, textArg } from "./Arguments"
import { walkGraph } from "./GraphTools"
import { entityByReference, failWith } from "./Resolve"

const queryArg = (argument: string) => textArg(argument).pipe(Schema.minLength(1), Schema.maxLength(1000))
const Limit = Schema.optional(Schema.Int.pipe(Schema.between(1, 20)))

const hybrid = (query: string, limit: number) => Effect.flatMap(Search, (search) => search.search({ query, limit }))

interface MetadataFilter {
  readonly entity?: string | undefined
  readonly folio?: string | undefined
  readonly tag?: string | undefined
  readonly date_from?: NoteDate | undefined
  readonly date_to?: NoteDate | undefined
  readonly limit?: number | undefined
}

/** Log entries (logCards) of daily notes that match every given filter, newest first. */
export const queryMetadata = (filter: MetadataFilter) =>
  Effect.gen(function* () {
    const notes = yield* Notes
    const names =
      filter.entity === undefined
        ? []
        : yield* Effect.map(entityByReference(filter.entity), (entity) => [entity.name, ...entity.aliases].map(fold))
    const days = yield* notes.inRange({ from: filter.date_from, to: filter.date_to })
    const entries: Array<{
      date: string
      timestamp: string | null
      tags: ReadonlyArray<string>
      folios: ReadonlyArray<string>
      text: string
    }> = []
    for (const day of days) {
      for (const block of day.document) {
        if (block.type !== "logCard") continue
        const meta = logCardMeta(block)
        const text = plainText(block)
        if (filter.folio !== undefined && !meta.folios.some((name) => fold(name) === fold(filter.folio!))) continue
        if (filter.tag !== undefined && !meta.tags.some((tag) => fold(tag) === fold(filter.tag!.replace(/^#/, ""))))
          continue
        if (names.length > 0 && !names.some((name) => ` ${fold(text)} `.includes(` ${name} `))) continue
        entries.push({ date: day.date, timestamp: meta.timestamp, tags: meta.tags, folios: meta.folios, text })
      }
    }
    return entries.slice(0, filter.limit ?? 50)
  })

/** Pulls what route_and_execute's metadata route can read from a free-text query. */
const metadataFromQuery = (query: string): MetadataFilter => {
  const date = /\b(\d{4}-\d{2}-\d{2})\b/.exec(query)?.[1]
  const folio = /\b(?:in folio|folio:)\s*([^\s,.;]+)/i.exec(query)?.[1]
  const tag = /(?:^|\s)#([\p{L}\p{N}_-]+)/u.exec(query)?.[1]
  const relative = /\b(today|yesterday|last week|this week|last month|this month)\b/i.exec(query)?.[1]?.toLowerCase()
  // Relative periods are host-local days, like the notes they select.
  const day = (offset: number) => localDate(Date.now() - offset * 86_400_000)
  const span: Record<string, [number, number]> = {
    today: [0, 0],
    yesterday: [1, 1],
    "this week": [6, 0],
    "last week": [13, 7],
    "this month": [30, 0],
    "last month": [60, 30]
  }
  const range = relative === undefined ? undefined : span[relative]
  return {
    ...(date !== undefined ? { date_from: date as NoteDate, date_to: date as NoteDate } : {}),
    ...(range !== undefined ? { date_from: day(range[0]), date_to: day(range[1]) } : {}),
    ...(folio !== undefined ? { folio } : {}),
    ...(tag !== undefined ? { tag } : {})
  }
}

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
      id: Schema.UUID,
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
    run: (filter) => Effect.map(queryMetadata(filter), (entries) => ({ entries }))
  }),
  tool({
    name: "carabase_route_and_execute",
    title: "Answer a question with the right kind of search",
    description: `Picks one search for the query and runs it. Rule: ${ROUTING_RULE}. The answer names the route taken.`,
    input: Schema.Struct({ query: queryArg("query"), limit: Limit }),
    annotations: READ_ONLY,
    run: ({ query, limit }) =>
      Effect.gen(function* () {
        const [entity] = yield* Effect.flatMap(Graph, (graph) => graph.candidatesIn(query, { limit: 1 }))
        const route = routeQuery(query, entity !== undefined)
        if (route === "graph") {
          return { route, rule: ROUTING_RULE, graph: yield* walkGraph(entity!.id, 2, 0, undefined) }
        }
        if (route === "metadata") {
          const filter = metadataFromQuery(query)
          return { route, rule: ROUTING_RULE, filter, entries: yield* queryMetadata({ ...filter, limit: limit ?? 20 }) }
        }
        return { route, rule: ROUTING_RULE, results: yield* hybrid(query, limit ?? 5) }
      })
  }),
  tool({
    name: "carabase_verify_hypothesis",
    title: "Check a claim against the notes",
    description: `Searches for evidence about a claim and gives a deterministic verdict (corroborated, contradicted, mixed or inconclusive) with the evidence on each side. Rule: ${RULE}.`,
    input: Schema.Struct({ claim: queryArg("claim"), limit: Limit }),
    annotations: READ_ONLY,
    run: ({ claim, limit }) =>
      Effect.map(hybrid(claim, limit ?? 10), (results) => {
        const judgement = judge(
          claim,
          results.map((result) => ({ id: result.id, kind: result.kind, title: result.title, snippet: result.snippet }))
        )
        return { claim, ...judgement }
      })
  })
]
