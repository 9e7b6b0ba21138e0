// MCP tools over the knowledge graph, calling the Graph service. The canonical ones accept the published skills'
// argument names too (`entity`, `name`, `limit`, `query`) and end an unknown entity or an empty answer with a
// Doctor-RAG hint.
import { Effect, Schema } from "effect"
import { Graph } from "../../graph/Graph"
import { EntityType, SourceKind } from "../../graph/GraphApi"
import { READ_ONLY, tool, ToolFailure } from "../Tool"
import { ToolReply } from "../ToolReply"
import { same, withAliases } from "./Aliases"
import { textArg } from "./Arguments"
import { candidatesNoResults, graphUnknownEntity } from "./Hints"
import { entityByReference, failWith } from "./Resolve"

const entityRef = (argument: string) =>
  textArg(argument).pipe(Schema.minLength(1)).annotations({ description: "an entity's id or name" })

export const graphTools = [
  tool({
    name: "list_entities",
    title: "List entities",
    description:
      "Lists knowledge-graph entities (person, project, concept, organization, tool, topic, event); `search` matches names and aliases ignoring case and accents.",
    input: withAliases(
      {
        search: Schema.optional(textArg("search")),
        type: Schema.optional(EntityType),
        limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 500)))
      },
      { query: same("search", textArg("query")) }
    ),
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
      "Breadth-first walk from `start_entity` (or `entity`: an id or name) up to `depth` hops (1-3, default 2), following only edges with confidence >= `min_confidence` and, if given, of the listed `source_kinds` (extracted, inferred, ambiguous). Answers the start `entity` (type, metadata, aliases), the `nodes` reached and the `edges` followed; an unknown entity is a tool error with candidate names and a hint.",
    input: withAliases(
      {
        start_entity: entityRef("start_entity"),
        depth: Schema.optional(Schema.Int.pipe(Schema.between(1, 3))),
        min_confidence: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
        source_kinds: Schema.optional(Schema.Array(SourceKind))
      },
      { entity: same("start_entity", entityRef("entity")) }
    ),
    annotations: READ_ONLY,
    run: ({ depth, min_confidence, source_kinds, start_entity }) =>
      Effect.flatMap(Graph, (graph) =>
        graph.entityIdOf(start_entity).pipe(
          Effect.catchTag("EntityNotFound", () =>
            Effect.flatMap(graph.candidatesIn(start_entity, { limit: 5 }), (candidates) =>
              Effect.fail(
                new ToolFailure({
                  message: graphUnknownEntity(
                    start_entity,
                    candidates.map((candidate) => candidate.name)
                  ).join("\n")
                })
              )
            )
          ),
          Effect.flatMap((id) =>
            failWith(
              Effect.all([
                graph.walk(id, { depth: depth ?? 2, minConfidence: min_confidence ?? 0, sourceKinds: source_kinds }),
                graph.getEntity(id)
              ])
            )
          ),
          Effect.map(([walk, start]) => ({
            ...walk,
            entity: {
              id: start.id,
              name: start.name,
              type: start.type,
              metadata: start.metadata,
              aliases: start.aliases
            }
          }))
        )
      )
  }),
  tool({
    name: "carabase_find_entity_candidates",
    title: "Find entities by name or in a text",
    description:
      "Resolves a name, or finds the known entities a text mentions: by full name (strategy exact, score 1), alias (alias, 0.9), surname alone (surname, 0.5), or the whole text being part of a name or alias (substring, 0.4), ignoring case and accents. `name` is the same as `text`; `limit` the same as `hints.limit`; `hints.type` narrows to one entity type.",
    input: withAliases(
      {
        text: textArg("text").pipe(Schema.minLength(1)),
        hints: Schema.optional(
          Schema.Struct({
            type: Schema.optional(EntityType),
            limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 100)))
          })
        )
      },
      {
        name: same("text", textArg("name").pipe(Schema.minLength(1))),
        limit: same("hints.limit", Schema.Int.pipe(Schema.between(1, 100)))
      }
    ),
    annotations: READ_ONLY,
    run: ({ text, hints }) =>
      Effect.flatMap(Graph, (graph) =>
        Effect.map(
          graph.candidatesIn(text, { type: hints?.type, limit: hints?.limit ?? 10 }),
          (candidates) => new ToolReply({ candidates }, [], candidates.length === 0 ? candidatesNoResults(text) : [])
        )
      )
  })
]
