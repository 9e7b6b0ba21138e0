// MCP tools over the knowledge graph, calling the Graph service.
import { Effect, Schema } from "effect"
import { fold } from "../../curation/AliasMatching"
import { Graph } from "../../graph/Graph"
import { EntityType, SourceKind, type EntityEdge } from "../../graph/GraphApi"
import { READ_ONLY, tool } from "../Tool"
import { textArg } from "./Arguments"
import { entityByReference, failWith } from "./Resolve"

const entityRef = (argument: string) =>
  textArg(argument).pipe(Schema.minLength(1)).annotations({ description: "an entity's id or name" })

interface Node {
  readonly id: string
  readonly name: string
  readonly type: string
  readonly depth: number
}

const MAX_NODES = 200

/** Breadth-first walk from an entity over edges that pass the filters. */
export const walkGraph = (
  start: string,
  depth: number,
  minConfidence: number,
  kinds: ReadonlyArray<string> | undefined
) =>
  Effect.gen(function* () {
    const graph = yield* Graph
    const origin = yield* entityByReference(start)
    const nodes = new Map<string, Node>([
      [origin.id, { id: origin.id, name: origin.name, type: origin.type, depth: 0 }]
    ])
    const edges = new Map<string, EntityEdge>()
    let frontier = [origin]
    for (let level = 1; level <= depth && frontier.length > 0; level++) {
      const next: Array<typeof origin> = []
      for (const entity of frontier) {
        for (const edge of entity.edges) {
          if (edge.confidence < minConfidence || (kinds !== undefined && !kinds.includes(edge.sourceKind))) continue
          edges.set(edge.id, edge)
          const other = edge.direction === "outgoing" ? edge.targetId : edge.sourceId
          if (nodes.has(other) || nodes.size >= MAX_NODES) continue
          const detail = yield* failWith(graph.getEntity(other))
          nodes.set(other, { id: other, name: detail.name, type: detail.type, depth: level })
          next.push(detail)
        }
      }
      frontier = next
    }
    return {
      start: { id: origin.id, name: origin.name, type: origin.type },
      nodes: [...nodes.values()],
      edges: [...edges.values()].map((edge) => ({
        id: edge.id,
        sourceId: edge.sourceId,
        targetId: edge.targetId,
        type: edge.type,
        sourceKind: edge.sourceKind,
        confidence: edge.confidence
      }))
    }
  })

/** Entities named in a text: whole-word matches of a name (1) or an alias (0.9), or of a surname alone (0.5). */
export const entityCandidates = (text: string, type: EntityType | undefined, limit: number) =>
  Effect.gen(function* () {
    const graph = yield* Graph
    const haystack = ` ${fold(text)} `
    const contains = (needle: string) => needle !== "" && haystack.includes(` ${fold(needle)} `)
    const entities = yield* graph.listEntities({ type, limit: 500 })
    return entities
      .map((entity) => {
        const surname = entity.name.trim().split(/\s+/).length > 1 ? entity.name.trim().split(/\s+/).at(-1)! : ""
        const score = contains(entity.name)
          ? 1
          : entity.aliases.some(contains)
            ? 0.9
            : surname.length > 2 && contains(surname)
              ? 0.5
              : 0
        return { id: entity.id, name: entity.name, type: entity.type, aliases: entity.aliases, score }
      })
      .filter((candidate) => candidate.score > 0)
      .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
      .slice(0, limit)
  })

export const graphTools = [
  tool({
    name: "list_entities",
    title: "List entities",
    description:
      "Lists knowledge-graph entities (person, project, concept, organization, tool, topic, event); `search` matches names and aliases ignoring case and accents.",
    input: Schema.Struct({
      search: Schema.optional(textArg("search")),
      type: Schema.optional(EntityType),
      limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 500)))
    }),
    annotations: READ_ONLY,
    run: (args) => Effect.flatMap(Graph, (graph) => Effect.map(graph.listEntities(args), (entities) => ({ entities })))
  }),
  tool({
    name: "query_graph",
    title: "Look up an entity and its relations",
    description: "Returns an entity (by id or name) with its edges: what it is related to, how, and how sure.",
    input: Schema.Struct({ entity: entityRef("entity") }),
    annotations: READ_ONLY,
    run: ({ entity }) => Effect.map(entityByReference(entity), (found) => ({ entity: found }))
  }),
  tool({
    name: "carabase_search_graph",
    title: "Walk the knowledge graph",
    description:
      "Breadth-first walk from `start_entity` up to `depth` hops (1-3), following only edges with confidence >= `min_confidence` and, if given, of the listed `source_kinds` (extracted, inferred, ambiguous).",
    input: Schema.Struct({
      start_entity: entityRef("start_entity"),
      depth: Schema.optional(Schema.Int.pipe(Schema.between(1, 3))),
      min_confidence: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
      source_kinds: Schema.optional(Schema.Array(SourceKind))
    }),
    annotations: READ_ONLY,
    run: (args) => walkGraph(args.start_entity, args.depth ?? 2, args.min_confidence ?? 0, args.source_kinds)
  }),
  tool({
    name: "carabase_find_entity_candidates",
    title: "Find entities mentioned in a text",
    description:
      "Finds known entities a text mentions: by full name (score 1), alias (0.9) or surname alone (0.5), ignoring case and accents. `hints.type` narrows to one entity type.",
    input: Schema.Struct({
      text: textArg("text").pipe(Schema.minLength(1)),
      hints: Schema.optional(
        Schema.Struct({
          type: Schema.optional(EntityType),
          limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 100)))
        })
      )
    }),
    annotations: READ_ONLY,
    run: ({ text, hints }) =>
      Effect.map(entityCandidates(text, hints?.type, hints?.limit ?? 10), (candidates) => ({ candidates }))
  })
]
