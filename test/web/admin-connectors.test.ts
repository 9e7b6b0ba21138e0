// The connector pages in Chromium against a real host pointed at the local OAuth authorization server: OAuth apps
// (validated before sending, the secret never shown again, delete), and connections (empty state, the Connect button
// going through the real redirect flow, the account listed with its token status, disconnect with purge after a
// confirm step).
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser, Page } from "playwright-core"
import { runClient } from "../support/apiClient"
import { CLIENT, connectorSuite } from "../connectors/suite"
import { launch, openPage, screenshot } from "./browser"

const suite = connectorSuite("admin_connectors")
let browser: Browser

beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const withPage = async (use: (page: Page) => Promise<void>, options: { phone?: boolean } = {}) => {
  const { context, page, errors } = await openPage(browser, { workspaceId: suite.workspace, ...options })
  try {
    await use(page)
    expect(errors.join("\n")).toBe("")
  } finally {
    await context.close()
  }
}

const apps = () => runClient(suite.base, (api) => api.oauthApps.list(), suite.workspace)
const connections = () => runClient(suite.base, (api) => api.connections.list(), suite.workspace)

describe("connector pages in Chromium", () => {
  it("OAuth apps: validates before sending, adds apps without ever showing the secret, shows a conflict's message, deletes", async () => {
    suite.oauth.registerClient(CLIENT.clientId, CLIENT.clientSecret)
    await withPage(async (page) => {
      await page.goto(`${suite.base}/admin/oauth-apps`)
      await page.getByText("No OAuth apps yet.").waitFor()
      await page.getByLabel("Client id").fill(CLIENT.clientId)
      await page.getByRole("button", { name: "Add OAuth app" }).click()
      expect(await page.getByRole("alert").textContent()).toContain("clientSecret must not be empty")
      expect((await apps()).oauthApps).toEqual([])

      for (const provider of ["github", "google"] as const) {
        await page.getByLabel("Provider", { exact: true }).selectOption(provider)
        await page.getByLabel("Client id").fill(CLIENT.clientId)
        await page.getByLabel("Client secret").fill(CLIENT.clientSecret)
        await page.getByRole("button", { name: "Add OAuth app" }).click()
        await page.getByRole("button", { name: `Delete ${provider} app` }).waitFor()
        expect(await page.getByLabel("Client secret").inputValue()).toBe("")
      }
      await page
        .getByRole("status")
        .filter({ hasText: `ends in ${CLIENT.clientSecret.slice(-4)}` })
        .waitFor()
      expect(await page.content()).not.toContain(CLIENT.clientSecret)

      await page.getByLabel("Provider", { exact: true }).selectOption("google")
      await page.getByLabel("Client id").fill("other")
      await page.getByLabel("Client secret").fill("other-secret")
      await page.getByRole("button", { name: "Add OAuth app" }).click()
      expect(await page.getByRole("alert").textContent()).toContain("already has an OAuth app for google")

      await page.getByRole("button", { name: "Delete google app" }).click()
      // Deleting asks first.
      await page
        .getByRole("dialog", { name: "Delete the google OAuth app?" })
        .getByRole("button", { name: "Delete OAuth app" })
        .click()
      await page.getByRole("button", { name: "Delete google app" }).waitFor({ state: "detached" })
      expect((await apps()).oauthApps.map((app) => app.provider)).toEqual(["github"])
      await screenshot(page, "oauth-apps")
    })
  })

  it("connections: empty, then Connect goes through the provider and back, the account is listed, disconnect with purge asks first", async () => {
    await withPage(async (page) => {
      await page.goto(`${suite.base}/admin/connections`)
      await page.getByText("No accounts connected yet.").waitFor()
      const connect = page.getByRole("link", { name: "Connect github" })
      expect(await connect.getAttribute("href")).toBe(`/api/v1/auth/github/start?workspace=${suite.workspace}`)

      // The local authorization server has no sign-in page: the test signs in as alice by adding login= to the
      // consent URL the host's start answers (the page asks POST start for it, then goes there).
      const starts: Array<string> = []
      await page.route(
        (url) => url.pathname === "/api/v1/auth/github/start",
        async (route) => {
          starts.push(route.request().method())
          const start = await route.fetch()
          const body = (await start.json()) as { url: string }
          const consent = new URL(body.url)
          consent.searchParams.set("login", "alice")
          await route.fulfill({ response: start, json: { url: consent.toString() } })
        }
      )
      await connect.click()
      // The callback sends the browser back to this page with the outcome, not to a page of JSON.
      await page.waitForURL(`${suite.base}/admin/connections**`)
      await page.getByRole("status").filter({ hasText: "Connected alice (github)." }).waitFor()
      expect(new URL(page.url()).search).toBe("")
      expect((await connections()).connections.map((c) => c.accountLabel)).toEqual(["alice"])
      expect(starts).toEqual(["POST"])

      await page.goto(`${suite.base}/admin/connections`)
      const row = page.getByRole("row").filter({ hasText: "alice" })
      await row.getByText("active").waitFor()
      expect(await row.textContent()).toContain("github")
      await screenshot(page, "connections")

      await page.getByRole("button", { name: "Disconnect alice" }).click()
      const dialog = page.getByRole("dialog", { name: "confirm disconnect" })
      await dialog.getByRole("button", { name: "Cancel" }).click()
      await dialog.waitFor({ state: "detached" })
      expect((await connections()).connections).toHaveLength(1)

      await page.getByRole("button", { name: "Disconnect alice" }).click()
      await dialog.getByLabel("Also delete the data harvested from this account").check()
      await dialog.getByRole("button", { name: "Confirm disconnect" }).click()
      await page
        .getByRole("status")
        .filter({ hasText: "alice (github) disconnected, harvested data deleted" })
        .waitFor()
      await page.getByText("No accounts connected yet.").waitFor()
      expect((await connections()).connections).toEqual([])
    })
  })

  it("connections: a failed callback comes back to the page with its reason, and a missing OAuth app is a link to add one", async () => {
    for (const phone of [false, true]) {
      await withPage(
        async (page) => {
          // A browser arriving with a stale state (an old tab, a replayed link): the page says why, no JSON.
          await page.goto(`${suite.base}/api/v1/auth/github/callback?code=stale&state=${"s".repeat(43)}`)
          await page.waitForURL(`${suite.base}/admin/connections**`)
          const alert = page.getByRole("alert").filter({ hasText: "Connecting github failed" })
          await alert.waitFor()
          expect(await alert.textContent()).toMatch(/state/)
          // No OAuth app for google (deleted above): the message links to the page that registers one.
          await page.getByRole("link", { name: "Connect google" }).click()
          const missing = page.getByRole("alert").filter({ hasText: "no OAuth app for google" })
          await missing.waitFor()
          expect(await missing.textContent()).not.toContain("POST /api/v1/oauth-apps")
          await missing.getByRole("link", { name: "Register one on the OAuth apps page" }).click()
          await page.getByRole("heading", { name: "OAuth apps", level: 1 }).waitFor()
          await screenshot(page, `connections-outcome${phone ? "-phone" : ""}`)
        },
        { phone }
      )
    }
  })

  it("harvester devices: validates, shows a pairing code with its expiry, lists the device once it claims it, revokes it", async () => {
    await withPage(async (page) => {
      await page.goto(`${suite.base}/admin/devices`)
      await page.getByText("No devices paired yet.").waitFor()
      await page.getByLabel("Device name").fill("Laptop")
      await page.getByRole("button", { name: "Create pairing code" }).click()
      expect(await page.getByRole("alert").textContent()).toContain("connector must not be empty")

      await page.getByLabel("Connector").fill("browser-history")
      await page.getByRole("button", { name: "Create pairing code" }).click()
      const shown = page.getByRole("status", { name: "pairing code" })
      await shown.getByText("Pairing code for Laptop").waitFor()
      const code = (await shown.locator("code").textContent()) ?? ""
      expect(code).toMatch(/^[A-Z]{4}-[0-9]{4}$/)
      expect(await shown.textContent()).toMatch(/Enter it on the device before .+\d/)
      await screenshot(page, "devices-pairing")

      const claim = await fetch(`${suite.base}/api/v1/harvester-devices/claim`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code })
      })
      expect(claim.status).toBeLessThan(300)
      await page.reload()
      const device = page.getByRole("list", { name: "devices" }).getByRole("listitem").filter({ hasText: "Laptop" })
      await device.getByText("active").waitFor()
      await device.getByRole("button", { name: "Revoke Laptop" }).click()
      await device.getByText("revoked", { exact: true }).waitFor()
      const { devices } = await runClient(suite.base, (api) => api.harvesterDevices.list(), suite.workspace)
      expect(devices.map((d) => [d.name, d.revokedAt === null])).toEqual([["Laptop", false]])
      await screenshot(page, "devices")
    })
  })

  it("sync rules: a form generated from the rule schema, validated before sending, saved and loaded again", async () => {
    await withPage(async (page) => {
      await page.goto(`${suite.base}/admin/sync-rules`)
      await page.getByText("No rules: every item is harvested without routing.").waitFor()
      await page.getByRole("button", { name: "Add a rule" }).click()
      await page.getByLabel("Rule 1 name", { exact: true }).fill("Work repos")
      await page.getByRole("group", { name: "Rule 1 match kinds" }).getByLabel("issue").check()
      await page.getByLabel("Rule 1 match repositories (comma-separated)").fill("acme/roof, acme/house")
      await page.getByLabel("Rule 1 match title contains").fill("   ")
      await page.getByLabel("Rule 1 folios (comma-separated)").fill("Work")
      await page.getByLabel("Rule 1 harvest to graph").selectOption("true")
      await page.getByRole("button", { name: "Save rules" }).click()
      expect(await page.getByRole("alert").textContent()).toContain("titleContains must not be empty")
      const before = await runClient(
        suite.base,
        (api) => api.syncRules.get({ path: { integration: "github" } }),
        suite.workspace
      )
      expect(before.rules).toEqual([])

      await page.getByLabel("Rule 1 match title contains").fill("")
      await page.getByRole("button", { name: "Save rules" }).click()
      await page.getByRole("status").filter({ hasText: "Saved 1 rule for github" }).waitFor()
      const after = await runClient(
        suite.base,
        (api) => api.syncRules.get({ path: { integration: "github" } }),
        suite.workspace
      )
      expect(after.rules).toEqual([
        {
          name: "Work repos",
          match: { kinds: ["issue"], repositories: ["acme/roof", "acme/house"] },
          folios: ["Work"],
          harvestToGraph: true
        }
      ])
      await screenshot(page, "sync-rules")

      await page.reload()
      expect(await page.getByLabel("Rule 1 name", { exact: true }).inputValue()).toBe("Work repos")
      expect(await page.getByLabel("Rule 1 match repositories (comma-separated)").inputValue()).toBe(
        "acme/roof, acme/house"
      )
      await page.getByLabel("Integration", { exact: true }).selectOption("browser-history")
      await page.getByText("No rules: every item is harvested without routing.").waitFor()
    })
  })

  it("at phone width each page fits, focus lands on its heading and the next Tab reaches a control with visible focus", async () => {
    await withPage(
      async (page) => {
        for (const [path, title] of [
          ["oauth-apps", "OAuth apps"],
          ["connections", "Connections"],
          ["devices", "Harvester devices"],
          ["sync-rules", "Sync rules"]
        ] as const) {
          await page.goto(`${suite.base}/admin/${path}`)
          await page.getByRole("heading", { name: title, level: 1 }).waitFor()
          await page.waitForLoadState("networkidle")
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
          expect(overflow, path).toBeLessThanOrEqual(0)
          expect(await page.evaluate(() => document.activeElement?.id), path).toBe("page-title")
          await page.keyboard.press("Tab")
          const focused = await page.evaluate(() => {
            const element = document.activeElement as HTMLElement
            return { tag: element.tagName, outline: getComputedStyle(element).outlineStyle }
          })
          expect(["A", "INPUT", "SELECT", "BUTTON"], path).toContain(focused.tag)
          expect(focused.outline, path).toBe("solid")
          await screenshot(page, `phone-${path}`)
        }
      },
      { phone: true }
    )
  })
})
