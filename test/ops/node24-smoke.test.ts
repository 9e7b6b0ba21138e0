// The host on Node.js 24 (issue 31 item 3): Node 24 from the npm registry (scripts/node24-install.sh, a git-ignored
// cache), the host and CLI bundles built by esbuild running on it (into a scratch folder under .cache, never dist/),
// then dist/main.js booted on it against a fresh database: health, one API call, one MCP call, and a backup and its
// verify through the CLI on Node 24. Its failures count in `npm test`'s `N passed, N failed` line like any test.
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { promisify } from "node:util"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, repoRoot, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { call } from "../support/hostSuite"
import { freePort } from "../support/ports"

const run = promisify(execFile)
let node24: string
let out: string
let db: TestDatabase
let host: HostProcess | undefined
let base: string
let env: NodeJS.ProcessEnv
const backups = scratchDir("carabase-node24-backups-")

beforeAll(async () => {
  const installed = await run("bash", [path.join(repoRoot, "scripts", "node24-install.sh")], { timeout: 600_000 })
  node24 = installed.stdout.trim()
  fs.mkdirSync(path.join(repoRoot, ".cache", "node24-smoke"), { recursive: true })
  out = fs.mkdtempSync(path.join(repoRoot, ".cache", "node24-smoke", "build-"))
  await run(node24, [path.join(repoRoot, "scripts", "build.mjs")], {
    cwd: repoRoot,
    env: { ...process.env, CARABASE_BUILD_OUTDIR: path.join(out, "dist") }
  })
  db = await createDatabase("node24")
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  env = hostEnv(db, port, { HOST: "127.0.0.1", CARABASE_BACKUP_DIR: backups })
  host = startHost({ cwd: scratchDir(), env, script: path.join(out, "dist", "main.js"), node: node24 })
  await host.ready(60_000)
}, 900_000)

afterAll(async () => {
  await host?.stop()
  await db?.drop()
  if (out !== undefined) fs.rmSync(out, { recursive: true, force: true })
})

describe("the host on Node 24", () => {
  it("runs on the pinned Node 24 release", async () => {
    const { stdout } = await run(node24, ["--version"])
    expect(stdout.trim()).toMatch(/^v24\./)
    expect((await call(base, "GET", "/status")).body.node).toBe(stdout.trim())
  })

  it("answers health, an API call and an MCP call", async () => {
    const health = await call(base, "GET", "/health")
    expect(health).toMatchObject({ status: 200, body: { status: "ok", database: "up" } })

    const created = await call(base, "POST", "/workspaces", { body: { name: "Node 24" } })
    expect(created.status).toBe(201)
    const workspace = created.body.workspace.id as string
    const listed = await call(base, "GET", "/workspaces")
    expect(listed.body.workspaces.map((each: { id: string }) => each.id)).toContain(workspace)

    const client = new Client({ name: "node24-smoke", version: "1.0.0" })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { "x-workspace-id": workspace } }
      })
    )
    try {
      const { tools } = await client.listTools()
      expect(tools.map((tool) => tool.name)).toContain("carabase_search_semantic")
    } finally {
      await client.close()
    }
  })

  it("writes a backup and verifies it with the CLI on Node 24", async () => {
    const cli = path.join(out, "dist", "cli.js")
    const backup = await run(node24, [cli, "backup"], { cwd: scratchDir(), env })
    const file = /backup written and verified: (\S+)/.exec(backup.stdout)?.[1]
    expect(file).toBeDefined()
    const verify = await run(node24, [cli, "backup:verify", file!], { cwd: scratchDir(), env })
    expect(verify.stdout).toMatch(/verifies: a complete dump of \d+ bytes/)
  })
})
