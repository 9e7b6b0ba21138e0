// The 21 MCP tools by their existing names, the opt-in destructive ones (off until a workspace turns them on), and
// the layer that hands them, with the services they call, to the MCP endpoints. Every tool goes through the same
// services as the REST routes, inside the session's workspace scope.
import { Effect, Layer, type Runtime } from "effect"
import { layer as artifactsLayer, type Artifacts } from "../artifacts/Artifacts"
import { layer as foliosLayer, type Folios } from "../folios/Folios"
import { layer as graphLayer, type Graph } from "../graph/Graph"
import { layer as memoriesLayer, type Memories } from "../memories/Memories"
import { layer as notesLayer, type Notes } from "../notes/Notes"
import { layer as searchLayer, type Search } from "../search/Search"
import { layer as tasksLayer, type Tasks } from "../tasks/Tasks"
import { artifactResources, type ResourceCatalog } from "./ArtifactResources"
import { McpTools } from "./McpTools"
import type { ToolDefinition } from "./Tool"
import { folioTools } from "./tools/FolioTools"
import { graphTools } from "./tools/GraphTools"
import { memoryTools } from "./tools/MemoryTools"
import { noteTools } from "./tools/NoteTools"
import { searchTools } from "./tools/SearchTools"

type ToolServices = Notes | Tasks | Folios | Graph | Memories | Artifacts | Search

/** API.md's order: the original tools, then the newer carabase_* read tools. */
export const TOOL_NAMES = [
  "search_semantic",
  "query_graph",
  "commit_to_folio",
  "read_artifact",
  "read_folio_map",
  "read_daily_note",
  "create_log_entry",
  "create_task",
  "list_tasks",
  "toggle_task",
  "list_folios",
  "list_entities",
  "search_memories",
  "create_memory",
  "update_folio_section",
  "carabase_search_semantic",
  "carabase_search_graph",
  "carabase_query_metadata",
  "carabase_find_entity_candidates",
  "carabase_route_and_execute",
  "carabase_verify_hypothesis"
] as const

/** Destructive tools, off in a workspace unless its `mcp_tools` setting maps them to true. */
export const OPT_IN_TOOL_NAMES = ["update_memory", "delete_memory", "remove_log_entry"] as const

const defined: ReadonlyArray<ToolDefinition<ToolServices>> = [
  ...noteTools,
  ...folioTools,
  ...graphTools,
  ...searchTools,
  ...memoryTools
]

export const catalog: ReadonlyArray<ToolDefinition<ToolServices>> = [...TOOL_NAMES, ...OPT_IN_TOOL_NAMES].map(
  (name) => {
    const definition = defined.find((candidate) => candidate.name === name)
    if (definition === undefined) throw new Error(`MCP tool ${name} has no definition`)
    if ((definition.optIn === true) !== (OPT_IN_TOOL_NAMES as ReadonlyArray<string>).includes(name)) {
      throw new Error(`MCP tool ${name} is listed with the wrong availability`)
    }
    return definition
  }
)

export const layer = Layer.effect(
  McpTools,
  Effect.map(Effect.runtime<ToolServices>(), (runtime) => ({
    tools: catalog as ReadonlyArray<ToolDefinition<never>>,
    resources: artifactResources as ResourceCatalog<never>,
    runtime: runtime as unknown as Runtime.Runtime<never>
  }))
).pipe(Layer.provide([notesLayer, tasksLayer, foliosLayer, graphLayer, memoriesLayer, artifactsLayer, searchLayer]))
