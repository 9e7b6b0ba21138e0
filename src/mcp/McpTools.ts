// The tag under which the tool catalog hands its tools and resources, with the services they need already provided, to the MCP
// endpoints: the catalog provides it and the endpoints read it, so neither imports the other.
import { Context, type Runtime } from "effect"
import type { ResourceCatalog } from "./ArtifactResources"
import type { ToolDefinition } from "./Tool"

/** The tool catalog, with the services its tools need already provided. */
export class McpTools extends Context.Tag("carabase/McpTools")<
  McpTools,
  {
    readonly tools: ReadonlyArray<ToolDefinition<never>>
    readonly resources: ResourceCatalog<never>
    readonly runtime: Runtime.Runtime<never>
  }
>() {}
