// A gateway URL off this machine stops the host at boot, before it opens a database connection or binds its port, unless OPENCLAW_ALLOW_REMOTE=true;
// and health reports the gateway as unconfigured without a password.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost } from "../support/hostProcess"
import { canConnect, connectionCounter, freePort } from "../support/ports"

let db: TestDatabase
beforeAll(async () => {
  db = await createDatabase("gateway_boot")
})
afterAll(() => db?.drop())

const bootWatched = async (extra: Record<string, string>) => {
  const port = await freePort()
  // The database is a listener that only counts connections: a refused gateway must stop the boot before it.
  const database = await connectionCounter()
  const host = startHost({
    cwd: scratchDir(),
    env: hostEnv(
      {
        ownerUrl: `postgres://postgres@127.0.0.1:${database.port}/carabase_dev`,
        appUrl: `postgres://carabase_app:pw@127.0.0.1:${database.port}/carabase_dev`
      },
      port,
      { HOST: "127.0.0.1", ...extra }
    )
  })
  let accepted = false
  let done = false
  const watcher = (async () => {
    while (!done) {
      if (await canConnect(port)) accepted = true
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  })()
  const exit = await Promise.race([
    host.exited,
    new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 15_000))
  ])
  done = true
  await watcher
  await host.stop()
  await database.close()
  return { exit, accepted, dbConnections: database.connections(), stderr: host.stderr(), stdout: host.stdout() }
}

describe("boot with a remote OPENCLAW_GATEWAY_URL", () => {
  for (const url of ["http://10.20.30.40:18789", "https://gateway.example.com", "http://[2001:db8::1]:18789"]) {
    it(`refuses ${url} with one line naming OPENCLAW_GATEWAY_URL and OPENCLAW_ALLOW_REMOTE, never listening`, async () => {
      const result = await bootWatched({ OPENCLAW_GATEWAY_URL: url, OPENCLAW_GATEWAY_PASSWORD: "pw-" + "1".repeat(40) })
      expect(result.exit).not.toBe("still running")
      expect(result.exit).toMatchObject({ code: 1 })
      expect(result.accepted).toBe(false)
      expect(result.dbConnections).toBe(0)
      const lines = result.stderr.trim().split("\n")
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain("OPENCLAW_GATEWAY_URL")
      expect(lines[0]).toContain("OPENCLAW_ALLOW_REMOTE=true")
      expect(result.stderr + result.stdout).not.toContain("1".repeat(40))
    })
  }

  it("boots with OPENCLAW_ALLOW_REMOTE=true", async () => {
    const port = await freePort()
    const host = startHost({
      cwd: scratchDir(),
      env: hostEnv(db, port, {
        OPENCLAW_GATEWAY_URL: "http://192.0.2.1:18789",
        OPENCLAW_ALLOW_REMOTE: "true",
        OPENCLAW_GATEWAY_PASSWORD: "pw"
      })
    })
    try {
      await host.ready()
      expect(await canConnect(port)).toBe(true)
    } finally {
      await host.stop()
    }
  })
})

describe("health without a gateway password", () => {
  it("reports the gateway unconfigured, and chat says how to configure it", async () => {
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
    try {
      await host.ready()
      const health = await runClient(base, (api) => api.meta.health({ headers: {} }))
      expect(health.gateway).toBe("unconfigured")
      const ws = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "W" } }))).workspace.id
      const response = await fetch(`${base}/api/v1/chat/stream`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-workspace-id": ws },
        body: JSON.stringify({ message: "hi" })
      })
      expect(response.status).toBe(503)
      const error = (await response.json()) as { _tag: string; message: string }
      expect(error._tag).toBe("GatewayUnconfigured")
      expect(error.message).toContain("OPENCLAW_GATEWAY_PASSWORD")
    } finally {
      await host.stop()
    }
  })
})
