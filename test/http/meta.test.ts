// Health, version, OpenAPI and JSON errors of the running host, over real HTTP on IPv4 and IPv6.
import * as http from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"

let db: TestDatabase
beforeAll(async () => {
  db = await createDatabase("meta")
})
afterAll(() => db?.drop())

describe("a host with the default HOST", () => {
  let host: HostProcess
  let port: number
  beforeAll(async () => {
    port = await freePort()
    host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
    await host.ready()
  })
  afterAll(() => host.stop())

  for (const [family, origin] of [
    ["IPv4", () => `http://127.0.0.1:${port}`],
    ["IPv6", () => `http://[::1]:${port}`]
  ] as const) {
    it(`answers health over ${family}`, async () => {
      const health = await runClient(origin(), (api) => api.meta.health({ headers: {} }))
      expect(health).toMatchObject({ status: "ok", database: "up", gateway: "unconfigured" })
      expect(health.version).toMatch(/^\d+\.\d+\.\d+/)
    })
  }

  it("reports its version and channel", async () => {
    const version = await runClient(`http://127.0.0.1:${port}`, (api) => api.meta.version())
    expect(version.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(version.channel).toBe("stable")
  })

  it("serves an OpenAPI document derived from the declaration", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/openapi.json`)
    expect(response.status).toBe(200)
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> }
    expect(document.openapi).toMatch(/^3\./)
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/api/v1/health", "/api/v1/version"]))
  })

  it("answers an unknown route with a JSON 404", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/no-such-thing?x=1`)
    expect(response.status).toBe(404)
    expect(response.headers.get("content-type")).toContain("application/json")
    expect(await response.json()).toEqual({ _tag: "RouteNotFound", message: "no route for GET /api/v1/no-such-thing" })
  })
})

describe("shutdown", () => {
  it("on SIGTERM finishes the request in flight, then exits 0", async () => {
    // A gateway that takes its time makes the health check a request that is still running at SIGTERM.
    let probes = 0
    const slowGateway = http.createServer((_request, response) => {
      probes++
      setTimeout(() => response.writeHead(200, { "content-type": "application/json" }).end('{"data":[]}'), 700)
    })
    await new Promise<void>((resolve) => slowGateway.listen(0, "127.0.0.1", resolve))
    const gatewayPort = (slowGateway.address() as { port: number }).port
    const port = await freePort()
    const host = startHost({
      cwd: scratchDir(),
      env: hostEnv(db, port, {
        OPENCLAW_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
        OPENCLAW_GATEWAY_PASSWORD: "ef".repeat(32)
      })
    })
    try {
      await host.ready()
      const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/health`)
      while (probes === 0) await new Promise((resolve) => setTimeout(resolve, 10))
      host.child.kill("SIGTERM")
      const response = await inFlight
      expect(response.status).toBe(200)
      expect(((await response.json()) as { gateway: string }).gateway).toBe("up")
      const exit = await host.exited
      expect(exit).toEqual({ code: 0, signal: null })
    } finally {
      await host.stop()
      slowGateway.close()
    }
  })

  it("on SIGINT with nothing in flight exits 0", async () => {
    const port = await freePort()
    const host = startHost({
      cwd: scratchDir(),
      env: hostEnv(db, port)
    })
    await host.ready()
    host.child.kill("SIGINT")
    expect(await host.exited).toEqual({ code: 0, signal: null })
  })
})
