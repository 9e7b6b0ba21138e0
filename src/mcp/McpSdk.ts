// The MCP SDK, loaded with the first MCP request rather than at boot: with zod and its schema tooling it was about a
// second of a loaded machine's boot and some 20 MB resident, and many hosts are never asked for MCP at all. Loaded
// once; every later request reuses it.
import { Effect } from "effect"

const load = () =>
  Promise.all([
    import("@modelcontextprotocol/sdk/server/index.js"),
    import("@modelcontextprotocol/sdk/server/sse.js"),
    import("@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js"),
    import("@modelcontextprotocol/sdk/types.js")
  ]).then(([server, sse, streamable, types]) => ({
    Server: server.Server,
    SSEServerTransport: sse.SSEServerTransport,
    WebStandardStreamableHTTPServerTransport: streamable.WebStandardStreamableHTTPServerTransport,
    CallToolRequestSchema: types.CallToolRequestSchema,
    ErrorCode: types.ErrorCode,
    ListResourcesRequestSchema: types.ListResourcesRequestSchema,
    ListResourceTemplatesRequestSchema: types.ListResourceTemplatesRequestSchema,
    ListToolsRequestSchema: types.ListToolsRequestSchema,
    McpError: types.McpError,
    ReadResourceRequestSchema: types.ReadResourceRequestSchema
  }))

export type McpSdk = Awaited<ReturnType<typeof load>>

let loading: Promise<McpSdk> | undefined

/** The SDK's classes and request schemas; the first call loads them. */
export const mcpSdk: Effect.Effect<McpSdk> = Effect.promise(() => {
  loading ??= load().catch((error: unknown) => {
    loading = undefined
    throw error
  })
  return loading
})
