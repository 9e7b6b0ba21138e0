// Pages other than Today arrive as chunks on their first visit (issue 29's budget), in Chromium against the built host:
// a cold load of Today fetches one script and no page's chunk, another page's chunk comes when it is opened and its
// title then takes focus as on any move, and a chunk that cannot be fetched (a host updated under an open tab) says so
// with a Reload button while the menu keeps working.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser } from "playwright-core"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { launch, openPage } from "./browser"

let db: TestDatabase
let host: HostProcess
let browser: Browser
let base: string
let ws: string

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_lazy")
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
  await host.ready()
  ws = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Lazy" } }))).workspace.id
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await db?.drop()
})

const scripts = (urls: ReadonlyArray<string>) =>
  urls.filter((url) => /\/admin\/assets\/[^/]+\.js$/.test(url)).map((url) => url.slice(url.lastIndexOf("/") + 1))

describe("pages loaded on their first visit", () => {
  it("a cold load of Today fetches only the entry script; Graph's chunk comes when Graph opens, and its title takes focus", async () => {
    const { context, page, errors } = await openPage(browser, { workspaceId: ws })
    try {
      const fetched: Array<string> = []
      page.on("request", (request) => fetched.push(request.url()))
      await page.goto(`${base}/admin/today`)
      await page.getByRole("button", { name: "Add entry" }).waitFor()
      await page.getByRole("region", { name: "daily note" }).getByText("Nothing written on this day yet.").waitFor()
      const atToday = scripts(fetched)
      expect(atToday).toHaveLength(1)
      expect(atToday[0]).toMatch(/^index-/)

      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Graph" }).click()
      await page.getByRole("heading", { level: 1, name: "Graph" }).waitFor()
      expect(scripts(fetched).some((name) => name.startsWith("Graph-"))).toBe(true)
      await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: 5_000 }).toBe("page-title")
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Graph")
      expect(errors.join("\n")).toBe("")
    } finally {
      await context.close()
    }
  })

  it("a page whose chunk cannot be fetched says so and offers Reload; the menu still leads back to Today", async () => {
    const { context, page } = await openPage(browser, { workspaceId: ws })
    try {
      await page.route(/\/admin\/assets\/Search-[^/]+\.js$/, (route) => route.abort("connectionrefused"))
      await page.goto(`${base}/admin/today`)
      await page.getByRole("button", { name: "Add entry" }).waitFor()
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click()
      await page.getByRole("heading", { level: 1, name: "This page could not be shown" }).waitFor()
      expect(await page.getByRole("alert").textContent()).not.toBe("")
      await page.getByRole("button", { name: "Reload" }).waitFor()
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Today" }).click()
      await page.getByRole("button", { name: "Add entry" }).waitFor()
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Today")
    } finally {
      await context.close()
    }
  })
})
