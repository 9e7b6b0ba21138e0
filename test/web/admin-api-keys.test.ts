// API-key mode in Chromium: a host with CARABASE_API_KEYS_REQUIRED=true answers the UI's first call with 401, the UI
// asks for a key (a wrong one shows the server's message and is not kept), and with a key from `api-keys:create` the
// Today page loads, writes and follows the live stream, and Connect reaches the provider's consent page, the key sent as a
// Bearer header and never shown again.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser } from "playwright-core"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, runCli, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { launch, openPage, screenshot } from "./browser"

let db: TestDatabase
let host: HostProcess
let browser: Browser
let base: string
let key: string
let ws: string
/** Where GitHub's consent page would be; nothing listens there, the browser test answers it itself. */
const CONSENT = "http://127.0.0.1:9/login/oauth/authorize"

const request = async (method: string, path: string, body?: unknown, workspace?: string) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(workspace === undefined ? {} : { "x-workspace-id": workspace }),
      ...(body === undefined ? {} : { "content-type": "application/json" })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`)
  return response.json() as Promise<any>
}

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_api_keys")
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, port, { CARABASE_API_KEYS_REQUIRED: "true", CARABASE_GITHUB_AUTHORIZE_URL: CONSENT })
  })
  await host.ready()
  const created = await runCli(["api-keys:create", "--name", "browser"], { cwd: scratchDir(), env: hostEnv(db, 0) })
  expect(created.status, created.stderr).toBe(0)
  key = created.stdout.trim()
  ws = (await request("POST", "/api/v1/workspaces", { name: "Keyed" })).workspace.id
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await db?.drop()
})

describe("API-key mode in Chromium", () => {
  it("asks for the key, refuses a wrong one with the server's message, then loads Today with live updates", async () => {
    const { context, page, errors } = await openPage(browser, { workspaceId: ws })
    try {
      await page.goto(`${base}/admin/today`)
      const prompt = page.getByRole("form", { name: "API key" })
      await prompt.getByText("This host requires an API key").waitFor()

      await prompt.getByLabel("API key").fill("cbk_not-a-real-key")
      await prompt.getByRole("button", { name: "Use this key" }).click()
      expect(await prompt.getByRole("alert").textContent()).toContain("this host requires an API key")
      expect(await page.evaluate(() => sessionStorage.getItem("carabase.apiKey"))).toBeNull()

      await prompt.getByLabel("API key").fill(key)
      await prompt.getByRole("button", { name: "Use this key" }).click()
      await prompt.waitFor({ state: "detached" })
      await page.getByText("Nothing written on this day yet.").waitFor()
      await page.getByRole("button", { name: "API key: set (forget)" }).waitFor()
      await page.getByRole("link", { name: "Keyed" }).waitFor()

      await page.getByLabel("Log entry", { exact: true }).fill("Written with a key")
      await page.getByRole("button", { name: "Add entry" }).click()
      const note = page.getByRole("region", { name: "daily note" })
      await note.locator(".log-card").filter({ hasText: "Written with a key" }).waitFor()

      // The live stream is read with the key too: a change made elsewhere arrives on the open page.
      await page.waitForFunction(() => document.body.getAttribute("data-live") === "ready")
      await request("POST", "/api/v1/daily-notes/inject", { type: "logCard", content: "From the phone" }, ws)
      await note.locator(".log-card").filter({ hasText: "From the phone" }).waitFor()

      expect(await page.content()).not.toContain(key)
      await screenshot(page, "api-key-today")

      // Connecting an account works with a key too: the page asks POST start (with the key) for the consent URL
      // and goes there, where a navigation to GET start would be refused without one.
      await request(
        "POST",
        "/api/v1/oauth-apps",
        { provider: "github", clientId: "keyed-client", clientSecret: "s3" },
        ws
      )
      await page.route(
        (url) => url.href.startsWith(CONSENT),
        (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<title>GitHub consent</title>" })
      )
      await page.getByRole("link", { name: "Connections" }).click()
      await page.getByText("No accounts connected yet.").waitFor()
      await page.getByRole("link", { name: "Connect github" }).click()
      await page.waitForURL((url) => url.href.startsWith(CONSENT))
      const consent = new URL(page.url())
      expect(consent.searchParams.get("client_id")).toBe("keyed-client")
      expect(consent.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(consent.searchParams.get("redirect_uri")).toBe(`${base}/api/v1/auth/github/callback`)
      await page.goto(`${base}/admin/today`)

      // A reload keeps the key for this tab; forgetting it brings the prompt back.
      await page.reload()
      await note.locator(".log-card").filter({ hasText: "From the phone" }).waitFor()
      await page.getByRole("button", { name: "API key: set (forget)" }).click()
      await prompt.waitFor()
      expect(await page.evaluate(() => sessionStorage.getItem("carabase.apiKey"))).toBeNull()
      expect(errors.join("\n")).toBe("")
    } finally {
      await context.close()
    }
  })
})
