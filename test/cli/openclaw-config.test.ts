// `carabase openclaw-config`: the JSON to merge into OpenClaw's config, built from the host's own settings, with what
// it leaves to the owner on stderr; no password set is a failure that says how to get one.
import { describe, expect, it } from "@effect/vitest"
import { cleanEnv, runCli, scratchDir } from "../support/hostProcess"

const PASSWORD = "oc-" + "4b".repeat(16)
const WORKSPACE = "0b6f4a52-6a0e-4d5c-9a57-3f1c2e8d9b10"

const cli = (args: Array<string>, env: Record<string, string> = {}) =>
  runCli(["openclaw-config", ...args], { cwd: scratchDir(), env: cleanEnv(env) })

describe("carabase openclaw-config", () => {
  it("prints every key OpenClaw needs to serve this host, with the MCP server over streamable-http", async () => {
    const result = await cli(["--workspace", WORKSPACE], {
      OPENCLAW_GATEWAY_PASSWORD: PASSWORD,
      OPENCLAW_GATEWAY_URL: "http://127.0.0.1:28789",
      PORT: "3456"
    })
    expect(result.status, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({
      gateway: {
        mode: "local",
        bind: "loopback",
        port: 28789,
        auth: { mode: "password", password: PASSWORD },
        http: { endpoints: { chatCompletions: { enabled: true } } }
      },
      mcp: {
        servers: {
          carabase: {
            url: "http://127.0.0.1:3456/mcp",
            transport: "streamable-http",
            headers: { "x-workspace-id": WORKSPACE }
          }
        }
      }
    })
    expect(result.stderr).toContain("tools")
    expect(result.stderr).toContain("toolSearch")
    expect(result.stderr).toContain("OPENCLAW_GATEWAY_PASSWORD")
  })

  it("defaults to OpenClaw's port 18789, the host's port 3000 and no workspace header (saying what that means)", async () => {
    const result = await cli([], { OPENCLAW_GATEWAY_PASSWORD: PASSWORD, CARABASE_API_KEYS_REQUIRED: "true" })
    expect(result.status, result.stderr).toBe(0)
    const config = JSON.parse(result.stdout)
    expect(config.gateway.port).toBe(18789)
    expect(config.mcp.servers.carabase).toEqual({ url: "http://127.0.0.1:3000/mcp", transport: "streamable-http" })
    expect(result.stderr).toContain("--workspace")
    expect(result.stderr).toContain("Authorization")
  })

  it("fails without OPENCLAW_GATEWAY_PASSWORD, saying how to get one, and refuses a workspace that is not an id", async () => {
    const missing = await cli([])
    expect(missing.status).toBe(1)
    expect(missing.stdout).toBe("")
    expect(missing.stderr).toContain("OPENCLAW_GATEWAY_PASSWORD is not set")
    expect(missing.stderr).toContain("pnpm bootstrap")
    const bad = await cli(["--workspace", "home"], { OPENCLAW_GATEWAY_PASSWORD: PASSWORD })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain("--workspace")
  })
})
