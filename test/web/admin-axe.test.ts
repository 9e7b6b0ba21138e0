// The accessibility pass: axe-core (pinned in package.json, injected into the page) on every page of the admin UI and
// its detail views, filled with data, at a laptop's and a phone's size and in light and dark mode; no serious or
// critical violation may remain. The keyboard palette and shortcut overlay are checked open too.
import * as fs from "node:fs"
import { createRequire } from "node:module"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser, Page } from "playwright-core"
import { call, createWorkspace } from "../support/hostSuite"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { VIEWPORTS, launch, openPage } from "./browser"

// Evaluated through the DevTools protocol, which the page's Content-Security-Policy (script-src 'self') does not
// govern: a <script> tag would be refused, and the policy stays as the owner's browser gets it.
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8")

let db: TestDatabase
let host: HostProcess
let browser: Browser
let base: string
let workspace: string
const detail: Record<string, string> = {}

const ok = async (answer: Promise<{ status: number; body: any }>) => {
  const { status, body } = await answer
  expect(status, JSON.stringify(body)).toBeLessThan(300)
  return body
}

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_axe")
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
  await host.ready()
  workspace = await createWorkspace(base, "Accessible")
  await ok(
    call(base, "POST", "/daily-notes/inject", {
      workspace,
      body: {
        type: "logCard",
        date: "2030-05-04",
        content: "Call **Ana** about the roof\n- [ ] send the quote",
        tags: ["home"]
      }
    })
  )
  detail.memory = (
    await ok(call(base, "POST", "/memories", { workspace, body: { content: "Ana likes green tea" } }))
  ).memory.id
  const folio = await ok(call(base, "POST", "/folios", { workspace, body: { name: "House", about: "The house" } }))
  detail.folio = folio.folio.id
  await ok(call(base, "POST", `/folios/${detail.folio}/commits`, { workspace, body: { message: "Roof repaired" } }))
  const ana = await ok(call(base, "POST", "/entities", { workspace, body: { name: "Ana", type: "person" } }))
  const roof = await ok(call(base, "POST", "/entities", { workspace, body: { name: "Roof", type: "project" } }))
  detail.entity = ana.entity.id
  await ok(
    call(base, "POST", "/edges", {
      workspace,
      body: { sourceId: ana.entity.id, targetId: roof.entity.id, type: "works_on" }
    })
  )
  const form = new FormData()
  form.append("file", new Blob(["Roof quote: 4200 EUR"], { type: "text/plain" }), "quote.txt")
  const upload = await fetch(`${base}/api/v1/artifacts/upload`, {
    method: "POST",
    body: form,
    headers: { "x-workspace-id": workspace }
  })
  detail.artifact = ((await upload.json()) as { artifact: { id: string } }).artifact.id
  await ok(call(base, "POST", "/jobs/trash-purge/run", { workspace }))
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await db?.drop()
})

/** Every page of the navigation, and each detail view a link or a search hit opens. */
const pages = () => [
  "today",
  "today/2030-05-04?find=roof",
  "search",
  "memories",
  `memories/${detail.memory}`,
  "folios",
  `folios/${detail.folio}`,
  "graph",
  `graph/${detail.entity}`,
  "artifacts",
  `artifacts/${detail.artifact}`,
  "curation",
  "chat",
  "trash",
  "connections",
  "oauth-apps",
  "devices",
  "sync-rules",
  "models",
  "channels",
  "jobs",
  "import-export",
  "doctor",
  "setup",
  "no/such/page"
]

interface Violation {
  readonly id: string
  readonly impact: string | null
  readonly help: string
  readonly nodes: ReadonlyArray<string>
}

/** axe's serious and critical violations on the page as it stands. */
const seriousViolations = async (page: Page): Promise<Array<Violation>> => {
  await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<any> } }).axe
    const result = await axe.run(document, { resultTypes: ["violations"] })
    return (result.violations as Array<any>)
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        nodes: (violation.nodes as Array<any>).slice(0, 3).map((node) => String(node.target.join(" ")))
      }))
  })
}

/** Waits until the page has loaded what it shows (no "Loading…" left) and the doctor has answered. */
const settled = async (page: Page) => {
  await page.getByRole("heading", { level: 1 }).first().waitFor()
  await page.waitForFunction(
    () => !document.body.textContent?.includes("Loading…") && !document.body.textContent?.includes("Checking…")
  )
}

for (const viewport of VIEWPORTS) {
  for (const colorScheme of ["light", "dark"] as const) {
    describe(`axe at ${viewport.name} size, ${colorScheme} mode`, () => {
      it("finds no serious or critical violation on any page", async () => {
        const { context, page, errors } = await openPage(browser, { workspaceId: workspace, viewport, colorScheme })
        const found: Record<string, Array<Violation>> = {}
        try {
          for (const path of pages()) {
            await page.goto(`${base}/admin/${path}`)
            await settled(page)
            const violations = await seriousViolations(page)
            if (violations.length > 0) found[path] = violations
          }
          // The keyboard's palette and help overlay, open.
          await page.goto(`${base}/admin/today`)
          await settled(page)
          await page.keyboard.press("Control+k")
          await page.getByRole("dialog", { name: "Command palette" }).waitFor()
          const palette = await seriousViolations(page)
          if (palette.length > 0) found["palette"] = palette
          await page.keyboard.press("Escape")
          await page.keyboard.press("?")
          await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor()
          const help = await seriousViolations(page)
          if (help.length > 0) found["help"] = help
          expect(found).toEqual({})
          expect(errors.join("\n")).toBe("")
        } finally {
          await context.close()
        }
      })
    })
  }
}
