// The MCP endpoint's request guard (DNS rebinding); the search rules the tools use are tested in test/search.
import { describe, expect, it } from "@effect/vitest"
import { checkRequest } from "../../src/mcp/McpGuard"

describe("MCP DNS-rebinding guard", () => {
  const config = {
    allowedOrigins: ["http://desk.local:5173"],
    names: { hosts: ["carabase.example"], origins: [], machine: "box" }
  }

  it("refuses a foreign Origin and a Host this machine does not answer to", () => {
    expect(checkRequest(config, { origin: "http://evil.example", host: "127.0.0.1:3000" }).ok).toBe(false)
    expect(checkRequest(config, { host: "evil.example:3000" }).ok).toBe(false)
    expect(checkRequest(config, { host: "box.evil.example:3000" }).ok).toBe(false)
  })

  it("allows no Origin, an allowed Origin, IP literals, localhost and the machine's own names", () => {
    for (const host of [
      "127.0.0.1:3000",
      "[::1]:3000",
      "100.101.102.103:3000",
      "localhost:3000",
      "box:3000",
      "box.tail1234.ts.net:3000",
      "carabase.example"
    ]) {
      expect(checkRequest(config, { host }), host).toEqual({ ok: true })
    }
    expect(checkRequest(config, { origin: "http://desk.local:5173", host: "box:3000" })).toEqual({ ok: true })
  })
})
