// The public webhook listener (CARABASE_WEBHOOK_PORT) against a real host: the one port an owner publishes to the
// internet answers signed platform deliveries and nothing else (no API route, admin page, OpenAPI document or MCP
// endpoint, however the path is dressed up), and channels hand out CARABASE_WEBHOOK_PUBLIC_URL as their webhook URL.
import * as http from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { canConnect, freePort } from "../support/ports"
import { slackHeaders } from "../webhooks/signer"
import { createWorkspace } from "../support/hostSuite"
import { createChannel, send, storedEvents } from "../webhooks/suite"

const PUBLIC_URL = "https://carabase-hooks.example-funnel.ts.net"
let db: TestDatabase
let host: HostProcess
let base: string
let publicBase: string
let workspace: string

beforeAll(async () => {
  db = await createDatabase("security_webhook_listener")
  const port = await freePort()
  const webhookPort = await freePort()
  base = `http://127.0.0.1:${port}`
  publicBase = `http://127.0.0.1:${webhookPort}`
  host = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, port, { CARABASE_WEBHOOK_PORT: String(webhookPort), CARABASE_WEBHOOK_PUBLIC_URL: PUBLIC_URL })
  })
  await host.ready()
  expect(await canConnect(webhookPort)).toBe(true)
  workspace = await createWorkspace(base, "Funnel")
})
afterAll(async () => {
  await host?.stop()
  await db?.drop()
})

describe("the public webhook listener", () => {
  it("answers no API, admin, OpenAPI or MCP path, whatever the method or disguise", async () => {
    const paths = [
      "/api/v1/health",
      "/api/v1/workspaces",
      `/api/v1/memories?workspace=${workspace}`,
      "/api/openapi.json",
      "/admin/",
      "/admin/memories",
      "/mcp",
      "/mcp/sse",
      "/mcp/messages?sessionId=x",
      "/api/v1/webhooksX/slack/1",
      "/"
    ]
    for (const path of paths) {
      for (const method of ["GET", "POST"]) {
        const reply = await send(publicBase, method, path, method === "POST" ? "{}" : undefined, {
          "x-workspace-id": workspace
        })
        expect(reply.status, `${method} ${path}`).toBe(404)
        expect(reply.text, `${method} ${path}`).not.toContain(workspace)
      }
    }
  })

  it("does not resolve dot segments into other routes", async () => {
    for (const path of [
      "/api/v1/webhooks/../workspaces",
      "/api/v1/webhooks/./../../admin/",
      "/api/v1/webhooks/%2e%2e/workspaces"
    ]) {
      const status = await new Promise<number>((resolve, reject) => {
        const url = new URL(publicBase)
        http
          .request(
            { host: url.hostname, port: url.port, path, method: "GET", headers: { "x-workspace-id": workspace } },
            (response) => {
              response.resume()
              resolve(response.statusCode!)
            }
          )
          .on("error", reject)
          .end()
      })
      expect(status, path).toBe(404)
    }
  })

  it("takes a signed Slack delivery and stores it; the channel's webhookUrl is the public URL", async () => {
    const secret = "8f742231b10e8888abcd99yyyzzz85a5"
    const channel = await createChannel({ base, db, workspace }, { kind: "slack", name: "Team", signingSecret: secret })
    expect(channel.webhookUrl).toBe(`${PUBLIC_URL}/api/v1/webhooks/slack/${channel.id}`)
    const body = JSON.stringify({
      type: "event_callback",
      event_id: "Ev0PUBLIC",
      event: { type: "message", channel: "C1", user: "U1", text: "through the funnel", ts: "1.1" }
    })
    const reply = await send(publicBase, "POST", `/api/v1/webhooks/slack/${channel.id}`, body, {
      ...slackHeaders(secret, body)
    })
    expect(reply.status).toBe(200)
    expect((await storedEvents(db, channel.id)).map((event) => event.external_id)).toEqual(["Ev0PUBLIC"])
    const forged = await send(publicBase, "POST", `/api/v1/webhooks/slack/${channel.id}`, body, {
      ...slackHeaders("not-the-secret", body)
    })
    expect(forged.status).toBe(401)
  })

  it("leaves the private listener serving everything as before", async () => {
    const reply = await send(base, "GET", "/api/v1/workspaces", undefined)
    expect(reply.status).toBe(200)
    expect(reply.text).toContain(workspace)
  })

  it("refuses to boot, naming the variable, when its port is taken", async () => {
    const taken = http.createServer()
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve))
    const takenPort = (taken.address() as { port: number }).port
    try {
      const other = startHost({
        cwd: scratchDir(),
        env: hostEnv(db, await freePort(), { HOST: "127.0.0.1", CARABASE_WEBHOOK_PORT: String(takenPort) })
      })
      const exit = await other.exited
      expect(exit.code).not.toBe(0)
      expect(other.stderr()).toContain("CARABASE_WEBHOOK_PORT")
      expect(other.stderr()).toContain("EADDRINUSE")
    } finally {
      taken.close()
    }
  })
})
