// The admin pages the required scenarios do not cover, each exercised once in Chromium against a real host: memories,
// folios (about, commits), graph entities and an edge, curation, model routing (a key shown only as its last four
// characters), jobs (run now) and the doctor page; plus the server's message on a failed form and a deep link.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser, Page } from "playwright-core"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { launch, openPage, screenshot } from "./browser"

let db: TestDatabase
let host: HostProcess
let browser: Browser
let base: string
let ws: string

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_pages")
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
  await host.ready()
  ws = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Pages" } }))).workspace.id
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await db?.drop()
})

const withPage = async (use: (page: Page) => Promise<void>, workspaceId = ws) => {
  const { context, page, errors } = await openPage(browser, { workspaceId })
  try {
    await use(page)
    expect(errors.join("\n")).toBe("")
  } finally {
    await context.close()
  }
}

describe("admin pages in Chromium", () => {
  it("memories: adds one and lists it", async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/admin/memories`)
      await page.getByLabel("Memory", { exact: true }).fill("Ana prefers green tea")
      await page.getByRole("button", { name: "Add memory" }).click()
      await page.getByRole("list", { name: "memories" }).getByText("Ana prefers green tea").waitFor()
      await screenshot(page, "memories")
    })
  })

  it("folios: creates one, opens it by a deep link, saves its about and adds a commit; a taken name shows the server's message", async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/admin/folios`)
      await page.getByLabel("Folio name").fill("House")
      await page.getByRole("button", { name: "Create folio" }).click()
      await page.getByRole("link", { name: "House" }).waitFor()
      await page.getByLabel("Folio name").fill("House")
      await page.getByRole("button", { name: "Create folio" }).click()
      const taken = await page.getByRole("alert").textContent()
      const { folios } = await runClient(base, (api) => api.folios.list({ urlParams: {} }), ws)
      expect(taken).toMatch(/House/)
      expect(folios).toHaveLength(1)

      await page.goto(`${base}/admin/folios/${folios[0]!.id}`)
      await page.getByRole("heading", { name: "House", level: 1 }).waitFor()
      await page.getByLabel("About", { exact: true }).fill("Everything about the house")
      await page.getByRole("button", { name: "Save about" }).click()
      await page.getByLabel("Commit message").fill("Roof repaired")
      await page.getByRole("button", { name: "Add commit" }).click()
      await page.getByRole("list", { name: "commits" }).getByText("Roof repaired").waitFor()
      const { folio } = await runClient(base, (api) => api.folios.get({ path: { id: folios[0]!.id } }), ws)
      expect(folio.about).toBe("Everything about the house")
      await screenshot(page, "folio")
    })
  })

  it("graph: creates two entities and an edge between them, shown on the entity's page", async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/admin/graph`)
      for (const [name, type] of [
        ["Ana", "person"],
        ["Roof", "project"]
      ] as const) {
        await page.getByLabel("Entity name").fill(name)
        await page.getByLabel("Entity type").selectOption(type)
        await page.getByRole("button", { name: "Create entity" }).click()
        await page.getByRole("list", { name: "entities" }).getByRole("link", { name }).waitFor()
      }
      await page.getByRole("link", { name: "Ana" }).click()
      await page.getByRole("heading", { name: "Ana", level: 1 }).waitFor()
      await page.getByLabel("Points to").selectOption({ label: "Roof (project)" })
      await page.getByLabel("Relation (e.g. works_on)").fill("works_on")
      await page.getByRole("button", { name: "Add edge" }).click()
      await page.getByRole("list", { name: "edges" }).getByText("works_on").waitFor()
      await screenshot(page, "graph-entity")
    })
  })

  it("curation: lists pending suggestions (none on a fresh workspace)", async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/admin/curation`)
      await page.getByText("No pending suggestions.").waitFor()
    })
  })

  it("model routing: saves a route with an API key and shows only that it is set and its last four characters", async () => {
    const key = "sk-test-key-SECRET-wxyz"
    await withPage(async (page) => {
      await page.goto(`${base}/admin/models`)
      await page.getByLabel("Role", { exact: true }).selectOption("utility")
      await page.getByLabel("Provider", { exact: true }).selectOption("openai-compatible")
      await page.getByLabel("Model", { exact: true }).fill("gpt-test")
      await page.getByLabel("Base URL (empty: provider default)").fill("http://127.0.0.1:9/v1")
      await page.getByLabel("API key (empty: keep the stored one)").fill(key)
      await page.getByRole("button", { name: "Save route" }).click()
      await page.getByRole("cell", { name: "set, ends in wxyz" }).waitFor()
      expect(await page.content()).not.toContain(key)
      expect(await page.getByLabel("API key (empty: keep the stored one)").inputValue()).toBe("")
      await screenshot(page, "model-routes")
    })
  })

  it("jobs: lists the schedules with their next run and queues one on demand", async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/admin/jobs`)
      await page.getByRole("cell", { name: "corpus-curation", exact: true }).waitFor()
      await page.getByRole("button", { name: "Run corpus-curation now" }).click()
      await page.getByRole("status").filter({ hasText: "corpus-curation queued" }).waitFor()
      await screenshot(page, "jobs")
    })
  })

  it("doctor and an unknown page: the doctor's checks shown, and a path the UI does not know says so", async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/admin/doctor`)
      await page.getByRole("list", { name: "doctor checks" }).getByText("master key", { exact: true }).waitFor()
      await page.goto(`${base}/admin/no/such/page`)
      await page.getByRole("heading", { name: "Not found" }).waitFor()
    })
  })

  it("shows the workspace in use, and forgets a remembered workspace this host does not have", async () => {
    await withPage(async (page) => {
      await page.goto(`${base}/admin/`)
      await page.getByRole("link", { name: "Pages" }).waitFor()
      expect(page.url()).toBe(`${base}/admin/today`)
    })
    await withPage(async (page) => {
      await page.goto(`${base}/admin/today`)
      await page.getByText("No workspace is selected yet.").waitFor()
      expect(await page.evaluate(() => localStorage.getItem("carabase.workspace"))).toBeNull()
    }, "00000000-0000-4000-8000-000000000000")
  })
})
