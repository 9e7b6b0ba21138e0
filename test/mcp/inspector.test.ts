// The MCP Inspector's own CLI (an independent client) lists the tools and calls one over Streamable HTTP.
import { execFile } from "node:child_process"
import { createRequire } from "node:module"
import * as path from "node:path"
import { promisify } from "node:util"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"

const run = promisify(execFile)
const inspector = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@modelcontextprotocol/inspector/package.json")),
  "cli",
  "build",
  "cli.js"
)

const suite = hostSuite("inspector")
let workspace: string

beforeAll(async () => {
  workspace = await createWorkspace(suite.base, "Inspected")
  await call(suite.base, "POST", "/folios", { workspace, body: { name: "Observatory" } })
})

const cli = async (...args: Array<string>) => {
  const { stdout } = await run(
    process.execPath,
    [
      inspector,
      "--cli",
      `${suite.base}/mcp`,
      "--transport",
      "http",
      "--header",
      `x-workspace-id: ${workspace}`,
      ...args
    ],
    { timeout: 30_000 }
  ).catch((error: { stderr?: string; stdout?: string; message: string }) => {
    throw new Error(`inspector failed: ${error.stderr ?? ""} ${error.stdout ?? ""} ${error.message}`)
  })
  return JSON.parse(stdout)
}

describe("the MCP Inspector CLI", () => {
  it("lists the 21 tools", async () => {
    const listed = await cli("--method", "tools/list")
    expect(listed.tools).toHaveLength(21)
    expect(listed.tools.map((tool: { name: string }) => tool.name)).toContain("carabase_verify_hypothesis")
  })

  it("calls list_folios and gets this workspace's folio", async () => {
    const result = await cli("--method", "tools/call", "--tool-name", "list_folios")
    expect(result.isError ?? false).toBe(false)
    expect(result.structuredContent.folios.map((folio: { name: string }) => folio.name)).toEqual(["Observatory"])
  })
})
