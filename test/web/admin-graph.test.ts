// The graph page in Chromium against a real host process: a note is written over HTTP, entity extraction links its
// entities, and the entity's page draws its neighbourhood as a force-directed picture. A line, reached with the
// keyboard alone, lists the note naming both its ends and leads to that day; an entity in the picture leads to its own
// page with its mentions; the same neighbourhood is there as a plain list.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser } from "playwright-core"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { call, createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"
import { launch, openPage, screenshot } from "./browser"

let db: TestDatabase
let host: HostProcess
let browser: Browser
let base: string

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_graph")
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, {}) })
  await host.ready()
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await db?.drop()
})

const created = async (workspace: string, name: string, type: string) => {
  const answer = await call(base, "POST", "/entities", { workspace, body: { name, type } })
  expect(answer.status, JSON.stringify(answer.body)).toBe(201)
  return answer.body.entity.id as string
}

describe("the graph page", () => {
  it("draws an entity's neighbourhood; a line lists the notes naming both ends, a node opens that entity", async () => {
    const workspace = await createWorkspace(base, "Graph picture")
    const alice = await created(workspace, "Alice Chen", "person")
    const atlas = await created(workspace, "Atlas", "project")
    await created(workspace, "Postgres", "tool")
    const card = (text: string) => ({
      type: "logCard",
      attrs: {
        timestamp: "09:00 AM",
        visibility: "PRIVATE",
        tags: "[]",
        folios: "[]",
        customers: "[]",
        abandoned: "false"
      },
      content: [{ type: "paragraph", content: [{ type: "text", text }] }]
    })
    const written = await call(base, "PATCH", "/daily-notes/2026-03-02", {
      workspace,
      body: { documentState: [card("Lunch, nothing to note."), card("Met Alice Chen about Atlas and Postgres.")] }
    })
    expect(written.status, JSON.stringify(written.body)).toBe(200)
    await expect
      .poll(
        async () => (await call(base, "GET", `/entities/${alice}/mentions`, { workspace })).body.mentions?.length ?? 0,
        { timeout: 30_000, interval: 200 }
      )
      .toBe(1)

    const { context, page, errors } = await openPage(browser, { workspaceId: workspace })
    try {
      await page.goto(`${base}/admin/graph/${alice}`)
      const picture = page.getByRole("group", { name: "Neighbourhood of Alice Chen: 2 linked entities" })
      await expect.poll(() => picture.isVisible()).toBe(true)
      const list = page.getByRole("list", { name: "neighbourhood" })
      await expect.poll(async () => (await list.getByRole("listitem").allInnerTexts()).join("\n")).toMatch(/Atlas/)
      expect(await list.getByRole("listitem").count()).toBe(2)
      expect(await page.getByRole("list", { name: "mentions" }).innerText()).toContain("2026-03-02")
      // Every node and line has a place in the picture.
      const placed = await page.$$eval(".graph-node circle", (circles) =>
        circles.map((circle) => [Number(circle.getAttribute("cx")), Number(circle.getAttribute("cy"))])
      )
      expect(placed).toHaveLength(3)
      for (const [x, y] of placed) expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true)
      await screenshot(page, "admin-graph-neighbourhood")

      // Keyboard only: Tab to the line between Alice Chen and Atlas, Enter, then follow the note it lists.
      const target = /^Notes naming (Alice Chen and Atlas|Atlas and Alice Chen)/
      let reached = false
      for (let i = 0; i < 60 && !reached; i++) {
        await page.keyboard.press("Tab")
        reached = target.test((await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))) ?? "")
      }
      expect(reached).toBe(true)
      await page.keyboard.press("Enter")
      const notes = page.getByRole("list", { name: /^notes naming/ })
      await expect.poll(async () => (await notes.innerText()).trim()).toMatch(/^2026-03-02\s+entry 1$/)
      await notes.getByRole("link", { name: "2026-03-02" }).click()
      await expect.poll(() => new URL(page.url()).pathname).toBe("/admin/today/2026-03-02")
      await expect.poll(() => page.getByText("Met Alice Chen about Atlas and Postgres.").isVisible()).toBe(true)

      // A node is a link to its entity's page, which shows where it is mentioned.
      await page.goto(`${base}/admin/graph/${alice}`)
      await page.getByRole("link", { name: "Atlas (project)" }).click()
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/admin/graph/${atlas}`)
      await expect
        .poll(async () => page.getByRole("list", { name: "mentions" }).innerText())
        .toMatch(/2026-03-02\s+entry 1\s+“Atlas”/)
      await expect
        .poll(() => page.getByRole("group", { name: "Neighbourhood of Atlas: 2 linked entities" }).isVisible())
        .toBe(true)
      expect(errors.join("\n")).toBe("")
    } finally {
      await context.close()
    }
  })
})
