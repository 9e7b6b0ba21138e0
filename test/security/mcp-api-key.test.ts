// API-key mode covers MCP: with CARABASE_API_KEYS_REQUIRED=true, /mcp, /mcp/sse and /mcp/messages answer 401 without
// a live key (so a lone workspace no longer binds itself to whoever asks), and the SDK's own client with the key in
// its headers works over both transports.
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { hostEnv, runCli, scratchDir } from "../support/hostProcess"
import { hostSuite } from "../support/hostSuite"

const suite = hostSuite("security_mcp_key", { CARABASE_API_KEYS_REQUIRED: "true" })
let key: string

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "probe", version: "1" } }
})

beforeAll(async () => {
  const created = await runCli(["api-keys:create", "--name", "agent"], { cwd: scratchDir(), env: hostEnv(suite.db, 0) })
  expect(created.status, created.stderr).toBe(0)
  key = created.stdout.trim()
  const workspace = await fetch(`${suite.base}/api/v1/workspaces`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ name: "Only one" })
  })
  expect(workspace.status).toBe(201)
})

describe("MCP in API-key mode", () => {
  it("refuses every MCP endpoint without a key, or with a wrong one, with 401", async () => {
    for (const authorization of [undefined, "Bearer cbk_" + "A".repeat(43), "Basic Zm9vOmJhcg=="]) {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization }
      const initialize = await fetch(`${suite.base}/mcp`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: INITIALIZE
      })
      expect(initialize.status).toBe(401)
      expect(initialize.headers.get("mcp-session-id")).toBeNull()
      const sse = await fetch(`${suite.base}/mcp/sse`, { headers: { ...headers, accept: "text/event-stream" } })
      expect(sse.status).toBe(401)
      await sse.body?.cancel()
      const message = await fetch(`${suite.base}/mcp/messages?sessionId=x`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" })
      })
      expect(message.status).toBe(401)
    }
  })

  it("serves the SDK client that sends the key, over Streamable HTTP and HTTP+SSE", async () => {
    const headers = { authorization: `Bearer ${key}` }
    for (const transport of [
      new StreamableHTTPClientTransport(new URL(`${suite.base}/mcp`), { requestInit: { headers } }),
      new SSEClientTransport(new URL(`${suite.base}/mcp/sse`), {
        requestInit: { headers },
        eventSourceInit: {
          fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as object), ...headers } })
        }
      })
    ]) {
      const client = new Client({ name: "keyed-agent", version: "1.0.0" })
      await client.connect(transport)
      const { tools } = await client.listTools()
      expect(tools.map((tool) => tool.name)).toContain("search_semantic")
      await client.close()
    }
  })
})
