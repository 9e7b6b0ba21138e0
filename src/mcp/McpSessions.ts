// MCP sessions: one SDK Server per connection, bound to one workspace, answering tools/list and tools/call from the
// tool catalog. Tools run through the host's own services inside the workspace's RLS scope; a tool's failure is an
// MCP tool error (isError) and the session survives it, as is an argument given under two spellings that disagree.
// Arguments are strict (src/schema/StrictInput): an unknown one is a tool error naming it and listing the accepted
// ones, never silently dropped.
import type { Server } from "@modelcontextprotocol/sdk/server/index.js"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { Cause, Effect, Exit, ParseResult, Runtime, Schema } from "effect"
import { HOST_VERSION } from "../meta/Version"
import { CurrentWorkspace, type WorkspaceId } from "../platform/CurrentWorkspace"
import { Writer } from "../platform/Writer"
import { STRICT, unknownKeys } from "../schema/StrictInput"
import { ResourceMissing, type ResourceCatalog } from "./ArtifactResources"
import type { McpSdk } from "./McpSdk"
import { inputJsonSchema, isOn, ToolFailure, type ToolDefinition } from "./Tool"
import { artifactUri, ToolReply } from "./ToolReply"
import { DISAGREE } from "./tools/Aliases"

export interface ToolAvailability {
  /** The workspace's tool switches (tool name to its `mcp_tools` value); `isOn` reads them. */
  readonly switches: (workspaceId: WorkspaceId) => Effect.Effect<ReadonlyMap<string, unknown>>
}

const jsonText = (value: unknown) => JSON.stringify(value, null, 2)

/** MCP's code for a resource the server does not have. */
const RESOURCE_NOT_FOUND = -32002

/** A tool's answer as content: its JSON (then its trailer, if any) as text, and one resource link per artifact. */
const toolResult = (value: unknown): CallToolResult => {
  if (value instanceof ToolReply) {
    const text = [jsonText(value.value), ...value.trailer].join("\n")
    return {
      content: [
        { type: "text", text },
        ...value.links.map((link) => ({
          type: "resource_link" as const,
          uri: artifactUri(link.id),
          name: link.title,
          mimeType: "text/plain"
        }))
      ],
      structuredContent: value.value
    }
  }
  return {
    content: [{ type: "text", text: typeof value === "string" ? value : jsonText(value) }],
    ...(typeof value === "object" && value !== null && !Array.isArray(value)
      ? { structuredContent: value as Record<string, unknown> }
      : {})
  }
}

/** A session's server; `sdk` is the MCP SDK (McpSdk, loaded with the first MCP request). */
export const makeMcpServer = <R>(
  sdk: McpSdk,
  options: {
    readonly workspaceId: WorkspaceId
    readonly tools: ReadonlyArray<ToolDefinition<R>>
    readonly availability: ToolAvailability
    readonly runtime: Runtime.Runtime<R>
    readonly resources: ResourceCatalog<R>
  }
): Server => {
  const {
    CallToolRequestSchema,
    ErrorCode,
    ListResourcesRequestSchema,
    ListResourceTemplatesRequestSchema,
    ListToolsRequestSchema,
    McpError,
    ReadResourceRequestSchema
  } = sdk
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

  const server = new sdk.Server(
    { name: "carabase", title: "Carabase", version: HOST_VERSION },
    {
      capabilities: { tools: { listChanged: false }, resources: { listChanged: false } },
      instructions:
        "Carabase is the owner's second brain: daily notes, tasks, folios, a knowledge graph, memories and artifacts. " +
        "Artifacts are resources (carabase://artifact/<id>, add ?max_tokens=N to cut the text): the retrieval tools link them and resources/read answers their text. " +
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
      // Two spellings of one argument (the tool's and the skills') that disagree, or an unknown argument: the agent can
      // correct either from the answer itself, so each is a tool error it reads and acts on.
      if (message.includes(DISAGREE)) return { content: [{ type: "text", text: message }], isError: true }
      if (unknownKeys(decoded.left).length > 0) return { content: [{ type: "text", text: message }], isError: true }
      throw new McpError(ErrorCode.InvalidParams, message)
    }
    const exit = await run(definition.run(decoded.right).pipe(Writer.as("mcp", definition.name)))
    if (Exit.isSuccess(exit)) return toolResult(exit.value)
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

  const resourceCall = async <A>(effect: Effect.Effect<A, ToolFailure | ResourceMissing, R | CurrentWorkspace>) => {
    const exit = await run(effect)
    if (Exit.isSuccess(exit)) return exit.value
    const failure = Cause.failureOption(exit.cause)
    if (failure._tag === "Some") {
      const code = failure.value instanceof ResourceMissing ? RESOURCE_NOT_FOUND : ErrorCode.InvalidParams
      throw new McpError(code, failure.value.message)
    }
    await run(Effect.logError("a resource request failed unexpectedly", exit.cause))
    throw new McpError(
      ErrorCode.InternalError,
      "the resource request failed inside the host; details are in the host's log"
    )
  }

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [{ ...options.resources.template, mimeType: "text/plain" }]
  }))

  server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    const page = await resourceCall(options.resources.list(request.params?.cursor))
    return { resources: [...page.resources], ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) }
  })

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const read = await resourceCall(options.resources.read(request.params.uri))
    return { contents: [...read.contents] }
  })

  return server
}
