// The part of OpenClaw's config (~/.openclaw/openclaw.json) that makes it the host's gateway, built from the host's own
// settings: a local gateway on loopback at the port OPENCLAW_GATEWAY_URL names, password auth with the host's
// OPENCLAW_GATEWAY_PASSWORD, the OpenAI-compatible endpoint turned on (it is off by default), and the host's MCP server
// over Streamable HTTP (OpenClaw assumes SSE when `transport` is left out), bound to a workspace by its header.
import { CHAT_COMPLETIONS_KEY } from "./GatewayErrors"

export interface OpenClawSetupInput {
  readonly gatewayUrl: URL
  readonly password: string
  /** The host's own base URL as OpenClaw on this machine reaches it. */
  readonly hostUrl: string
  readonly workspaceId?: string | undefined
}

/** OpenClaw's default gateway port, when OPENCLAW_GATEWAY_URL names none. */
const OPENCLAW_DEFAULT_PORT = 18789

export const openClawConfig = (input: OpenClawSetupInput) => ({
  gateway: {
    mode: "local",
    bind: "loopback",
    port: input.gatewayUrl.port === "" ? OPENCLAW_DEFAULT_PORT : Number(input.gatewayUrl.port),
    auth: { mode: "password", password: input.password },
    http: { endpoints: { chatCompletions: { enabled: true } } }
  },
  mcp: {
    servers: {
      carabase: {
        url: `${input.hostUrl.replace(/\/+$/, "")}/mcp`,
        transport: "streamable-http",
        ...(input.workspaceId === undefined ? {} : { headers: { "x-workspace-id": input.workspaceId } })
      }
    }
  }
})

/** Where OpenClaw on this machine reaches a host listening on `host` (HOST) and `port` (PORT). */
export const localHostUrl = (host: string, port: number) => {
  const bare = host.replace(/^\[|\]$/g, "")
  if (["", "::", "0.0.0.0", "::1", "localhost"].includes(bare) || bare.startsWith("127.")) {
    return `http://127.0.0.1:${port}`
  }
  return bare.includes(":") ? `http://[${bare}]:${port}` : `http://${bare}:${port}`
}

/** What the printed JSON leaves to the owner, one line each. */
export const openClawSetupNotes = (options: { readonly apiKeysRequired: boolean; readonly workspace: boolean }) => [
  "Merge this into OpenClaw's config (~/.openclaw/openclaw.json, or the file OPENCLAW_CONFIG_PATH names), then restart OpenClaw.",
  `${CHAT_COMPLETIONS_KEY}: true turns on the OpenAI-compatible endpoint the host talks to (off by default).`,
  "OpenClaw also reads the password from OPENCLAW_GATEWAY_PASSWORD, the same name the host uses: set it there instead of gateway.auth.password if you prefer.",
  'Add "tools": { "toolSearch": false } to hand the host\'s MCP tools to the model directly instead of behind OpenClaw\'s tool search.',
  ...(options.workspace
    ? []
    : [
        "No --workspace given: the MCP server then uses the only workspace, and refuses when there are several; pass --workspace <id> to bind one."
      ]),
  ...(options.apiKeysRequired
    ? [
        'CARABASE_API_KEYS_REQUIRED is on: add "Authorization": "Bearer <key>" to mcp.servers.carabase.headers (pnpm carabase api-keys:create makes one).'
      ]
    : [])
]
