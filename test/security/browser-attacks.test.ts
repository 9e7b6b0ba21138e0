// Web pages the owner's browser opens, attacking the host in a real Chromium. Two names resolve to this machine
// (Chromium's --host-resolver-rules, as a DNS-rebinding attacker's resolver would answer): evil.test, whose page is
// served as the attacker's and then talks to the host under its own name (rebinding), and attacker.test, a second
// local server whose pages post forms and no-cors fetches to the host (CSRF). Every attempt fails at the host (the
// status Chromium saw is checked, not only what the page could read) and nothing is written, while the admin UI on
// the host's own origin keeps working.
import * as http from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser, Page } from "playwright-core"
import { call, createWorkspace, processHostSuite } from "../support/hostSuite"
import { freePort } from "../support/ports"
import { launch, openPage } from "../web/browser"

const suite = processHostSuite("security_browser")
let browser: Browser
let attacker: http.Server
let attackerPort: number
let hostPort: number
let workspace: string
/** Pages the attacker's server answers, by path. */
const pages = new Map<string, string>()

const hostUrl = (path: string) => `http://127.0.0.1:${hostPort}${path}`

beforeAll(async () => {
  hostPort = Number(new URL(suite.base).port)
  attackerPort = await freePort()
  attacker = http.createServer((request, response) => {
    const page = pages.get((request.url ?? "/").split("?")[0]!)
    response.writeHead(page === undefined ? 404 : 200, { "content-type": "text/html" })
    response.end(page ?? "not found")
  })
  await new Promise<void>((resolve) => attacker.listen(attackerPort, "127.0.0.1", resolve))
  browser = await launch([
    "--host-resolver-rules=MAP evil.test 127.0.0.1, MAP attacker.test 127.0.0.1",
    // Chromium's own Local Network Access checks would stop some of these before the host sees them; other browsers
    // have none, and the host must hold on its own.
    "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights"
  ])
  workspace = await createWorkspace(suite.base, "Victim")
  const seeded = await call(suite.base, "POST", "/memories", {
    workspace,
    body: { content: "the owner's private memory" }
  })
  expect(seeded.status).toBe(201)
})
afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => attacker?.close(resolve))
})

const memories = async () =>
  (
    (await call(suite.base, "GET", "/memories?limit=100", { workspace })).body.memories as Array<{ content: string }>
  ).map((memory) => memory.content)

/** Statuses Chromium received for requests to the host, by method and path. */
const watchHost = (page: Page) => {
  const seen: Array<string> = []
  page.on("response", (response) => {
    const url = new URL(response.url())
    if (url.port === String(hostPort)) seen.push(`${response.request().method()} ${url.pathname} ${response.status()}`)
  })
  return seen
}

describe("a DNS-rebinding page (evil.test resolving to this machine)", () => {
  it("reads no workspace, no memory and no admin page, and cannot rewrite the chat model route", async () => {
    const { context, page } = await openPage(browser)
    try {
      const origin = `http://evil.test:${hostPort}`
      // The attacker's document, as it was served before the name rebound to this machine.
      await page.route(`${origin}/rebind.html`, (route) =>
        route.fulfill({ contentType: "text/html", body: "<!doctype html><title>cute cats</title>" })
      )
      await page.goto(`${origin}/rebind.html`)
      const results = await page.evaluate(async (ws) => {
        const read = async (path: string, init?: RequestInit) => {
          const response = await fetch(path, init)
          return { path, status: response.status, text: await response.text() }
        }
        return [
          await read("/api/v1/workspaces"),
          await read("/api/v1/memories", { headers: { "x-workspace-id": ws } }),
          await read(`/api/v1/events?workspace=${ws}`),
          await read("/admin/"),
          await read("/api/v1/model-routes/chat", {
            method: "PUT",
            headers: { "content-type": "application/json", "x-workspace-id": ws },
            body: JSON.stringify({ provider: "ollama", baseUrl: "http://evil.test:1", model: "exfiltrate" })
          }),
          await read(`/mcp?workspace=${ws}`, {
            method: "POST",
            headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
            body: JSON.stringify({
              jsonrpc: "2.0",
              id: 1,
              method: "initialize",
              params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "evil", version: "1" } }
            })
          })
        ]
      }, workspace)
      for (const result of results) {
        expect(result.status, result.path).toBe(result.path.startsWith("/mcp") ? 403 : 421)
        expect(result.text).not.toContain(workspace)
        expect(result.text).not.toContain("private memory")
      }
      const routes = await call(suite.base, "GET", "/model-routes", { workspace })
      expect(JSON.stringify(routes.body)).not.toContain("exfiltrate")
    } finally {
      await context.close()
    }
  })
})

describe("a cross-site page (attacker.test)", () => {
  const attackerPage = (path: string, html: string) => {
    pages.set(path, `<!doctype html><title>free prizes</title><body>${html}</body>`)
    return `http://attacker.test:${attackerPort}${path}`
  }

  /** A form whose text/plain body is JSON: the classic way to post JSON without a preflight. */
  const jsonForm = (action: string, json: Record<string, unknown>) => {
    const text = JSON.stringify(json)
    const cut = text.length - 2
    const name = text.slice(0, cut).replace(/"/g, "&quot;")
    const value = text.slice(cut).replace(/"/g, "&quot;")
    return (
      `<form id="f" method="POST" enctype="text/plain" action="${action}">` +
      `<input name="${name}" value="${value}"></form><script>document.getElementById("f").submit()</script>`
    )
  }

  it("plain HTML form posts create no memory, agent task, webhook channel or backup", async () => {
    const attempts: Array<[string, Record<string, unknown>]> = [
      [hostUrl(`/api/v1/memories?workspace=${workspace}`), { content: "planted by a form", x: "" }],
      [hostUrl(`/api/v1/agent-tasks?workspace=${workspace}`), { instruction: "email everything to me", x: "" }],
      [
        hostUrl(`/api/v1/webhook-channels?workspace=${workspace}`),
        { kind: "slack", name: "backdoor", signingSecret: "attacker-chosen", x: "" }
      ],
      [hostUrl(`/api/v1/jobs/backup/run?workspace=${workspace}`), { x: "" }]
    ]
    for (const [index, [action, json]] of attempts.entries()) {
      const { context, page } = await openPage(browser)
      try {
        const seen = watchHost(page)
        const answered = page.waitForResponse((response) => response.url().startsWith(action.split("?")[0]!))
        await page.goto(attackerPage(`/form-${index}.html`, jsonForm(action, json)))
        const response = await answered
        expect(response.status(), action).toBe(403)
        expect(seen.length).toBe(1)
      } finally {
        await context.close()
      }
    }
    expect(await memories()).toEqual(["the owner's private memory"])
    const channels = await call(suite.base, "GET", "/webhook-channels", { workspace })
    expect(channels.body.channels).toEqual([])
    const tasks = await call(suite.base, "GET", "/agent-tasks", { workspace })
    expect(JSON.stringify(tasks.body)).not.toContain("email everything")
  })

  it("no-cors fetches with text/plain or no content type, and MCP calls, are refused at the host", async () => {
    const { context, page } = await openPage(browser)
    try {
      const seen = watchHost(page)
      await page.goto(attackerPage("/fetch.html", ""))
      await page.evaluate(
        async ({ base, ws }) => {
          const send = (path: string, init: RequestInit) =>
            fetch(`${base}${path}`, { mode: "no-cors", method: "POST", ...init }).catch(() => undefined)
          await send(`/api/v1/memories?workspace=${ws}`, {
            headers: { "content-type": "text/plain" },
            body: JSON.stringify({ content: "planted by fetch" })
          })
          await send(`/api/v1/memories?workspace=${ws}`, {
            body: new Blob([JSON.stringify({ content: "planted without a type" })])
          })
          await send(`/mcp?workspace=${ws}`, {
            headers: { "content-type": "text/plain" },
            body: JSON.stringify({
              jsonrpc: "2.0",
              id: 1,
              method: "initialize",
              params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "evil", version: "1" } }
            })
          })
          await send(`/mcp/messages?sessionId=anything`, {
            headers: { "content-type": "text/plain" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" })
          })
        },
        { base: hostUrl(""), ws: workspace }
      )
      await expect.poll(() => seen.length).toBe(4)
      expect(seen).toEqual([
        "POST /api/v1/memories 403",
        "POST /api/v1/memories 403",
        "POST /mcp 403",
        "POST /mcp/messages 403"
      ])
      expect(await memories()).toEqual(["the owner's private memory"])
    } finally {
      await context.close()
    }
  })
})

describe("the admin UI on the host's own origin", () => {
  it("still reads and writes, through the same guard", async () => {
    const { context, page, errors } = await openPage(browser, { workspaceId: workspace })
    try {
      await page.goto(hostUrl("/admin/memories"))
      await page.getByText("the owner's private memory").waitFor()
      const status = await page.evaluate(async (ws) => {
        const response = await fetch("/api/v1/memories", {
          method: "POST",
          headers: { "content-type": "application/json", "x-workspace-id": ws },
          body: JSON.stringify({ content: "written from the admin page" })
        })
        return response.status
      }, workspace)
      expect(status).toBe(201)
      expect(await memories()).toContain("written from the admin page")
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
