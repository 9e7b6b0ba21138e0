// MCP tools over the knowledge graph, calling the Graph service.
import { Effect, Schema } from "effect"
import { Graph } from "../../graph/Graph"
import { EntityType, SourceKind } from "../../graph/GraphApi"
import { READ_ONLY, tool } from "../Tool"
import { textArg } from "./Arguments"
import { entityByReference, failWith } from "./Resolve"

const entityRef = (argument: string) =>
  textArg(argument).pipe(Schema.minLength(1)).annotations({ description: "an entity's id or name" })

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
    run: ({ depth, min_confidence, source_kinds, start_entity }) =>
      Effect.flatMap(Graph, (graph) =>
        failWith(
          Effect.flatMap(graph.entityIdOf(start_entity), (id) =>
            graph.walk(id, { depth: depth ?? 2, minConfidence: min_confidence ?? 0, sourceKinds: source_kinds })
          )
        )
      )
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
      Effect.flatMap(Graph, (graph) =>
        Effect.map(graph.candidatesIn(text, { type: hints?.type, limit: hints?.limit ?? 10 }), (candidates) => ({
          candidates
        }))
      )
  })
]
