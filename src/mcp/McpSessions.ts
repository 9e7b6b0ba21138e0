// MCP sessions: one SDK Server per connection, bound to one workspace, answering tools/list and tools/call from the
// tool catalog. Tools run through the host's own services inside the workspace's RLS scope; a tool's failure is an
// MCP tool error (isError) and the session survives it. Arguments are strict (src/schema/StrictInput): an unknown one
// is a tool error naming it and listing the accepted ones, never silently dropped.
import { Server } from "@modelcontextprotocol/sdk/server/index.js"
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult
} from "@modelcontextprotocol/sdk/types.js"
import { Cause, Effect, Exit, ParseResult, Runtime, Schema } from "effect"
import { HOST_VERSION } from "../meta/Version"
import { CurrentWorkspace, type WorkspaceId } from "../platform/CurrentWorkspace"
import { Writer } from "../platform/Writer"
import { STRICT, unknownKeys } from "../schema/StrictInput"
import { inputJsonSchema, isOn, ToolFailure, type ToolDefinition } from "./Tool"

export interface ToolAvailability {
  /** The workspace's tool switches (tool name to its `mcp_tools` value); `isOn` reads them. */
  readonly switches: (workspaceId: WorkspaceId) => Effect.Effect<ReadonlyMap<string, unknown>>
}

const jsonText = (value: unknown) => JSON.stringify(value, null, 2)

export const makeMcpServer = <R>(options: {
  readonly workspaceId: WorkspaceId
  readonly tools: ReadonlyArray<ToolDefinition<R>>
  readonly availability: ToolAvailability
  readonly runtime: Runtime.Runtime<R>
}): Server => {
  const run = <A, E>(effect: Effect.Effect<A, E, R | CurrentWorkspace>) =>
    Runtime.runPromiseExit(options.runtime)(
      effect.pipe(
        Effect.provideService(CurrentWorkspace, options.workspaceId),
        Effect.annotateLogs({ service: "McpServer", workspace: options.workspaceId })
      )
    )
  const byName = new Map(options.tools.map((definition) => [definition.name, definition]))
  const switches = async () => {
    const exit = await run(options.availability.switches(options.workspaceId))
    return Exit.isSuccess(exit) ? exit.value : new Map<string, unknown>()
  }

  const server = new Server(
    { name: "carabase", title: "Carabase", version: HOST_VERSION },
    {
      capabilities: { tools: { listChanged: false } },
      instructions:
        "Carabase is the owner's second brain: daily notes, tasks, folios, a knowledge graph, memories and artifacts. " +
        "Read tools never change anything; write tools add log entries, tasks, memories, folio commits or change a task or a folio's About text. " +
        "Where the owner turned them on, update_memory and delete_memory change or remove a memory, and remove_log_entry takes an entry out of a daily note (removals go to the trash, restorable for 30 days)."
    }
  )

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const current = await switches()
    return {
      tools: options.tools
        .filter((definition) => isOn(definition, current))
        .map((definition) => ({
          name: definition.name,
          title: definition.title,
          description: definition.description,
          inputSchema: inputJsonSchema(definition.input) as { type: "object" },
          annotations: { title: definition.title, ...definition.annotations, openWorldHint: false }
        }))
    }
  })

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const definition = byName.get(request.params.name)
    if (definition === undefined) {
      throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${request.params.name}`)
    }
    if (!isOn(definition, await switches())) {
      throw new McpError(ErrorCode.InvalidParams, `tool ${definition.name} is turned off for this workspace`)
    }
    const decoded = Schema.decodeUnknownEither(definition.input)(request.params.arguments ?? {}, {
      ...STRICT,
      errors: "all"
    })
    if (decoded._tag === "Left") {
      const message = `invalid arguments for ${definition.name}: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`
      // An unknown argument is one the agent can correct from the answer itself: a tool error it reads and acts on.
      if (unknownKeys(decoded.left).length > 0) return { content: [{ type: "text", text: message }], isError: true }
      throw new McpError(ErrorCode.InvalidParams, message)
    }
    const exit = await run(definition.run(decoded.right).pipe(Writer.as("mcp", definition.name)))
    if (Exit.isSuccess(exit)) {
      const value = exit.value
      return {
        content: [{ type: "text", text: typeof value === "string" ? value : jsonText(value) }],
        ...(typeof value === "object" && value !== null && !Array.isArray(value)
          ? { structuredContent: value as Record<string, unknown> }
          : {})
      }
    }
    const failure = Cause.failureOption(exit.cause)
    if (failure._tag === "Some" && failure.value instanceof ToolFailure) {
      return { content: [{ type: "text", text: failure.value.message }], isError: true }
    }
    await run(Effect.logError(`tool ${definition.name} failed unexpectedly`, exit.cause))
    return {
      content: [{ type: "text", text: `${definition.name} failed inside the host; details are in the host's log` }],
      isError: true
    }
  })

  return server
}
