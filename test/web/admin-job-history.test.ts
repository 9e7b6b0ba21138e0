// The Jobs page with a busy history, in Chromium against a real host (built, spawned): three thousand entity-extraction
// runs from one day do not hide the nightly jobs' runs; extraction is summed up in Queues and its runs listed, a page at
// a time, only once it is opened.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser, Page } from "playwright-core"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { asOwner, createWorkspace } from "../support/hostSuite"
import { seedJobRuns } from "../support/jobRuns"
import { freePort } from "../support/ports"
import { launch, openPage, screenshot, VIEWPORTS } from "./browser"

let db: TestDatabase
let host: HostProcess
let browser: Browser
let base: string

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_job_history")
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
  await host.ready()
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await db?.drop()
})

/** A workspace whose last day holds 3000 extraction runs (2 failed), after a nightly distill and a failed dream cycle. */
const busyWorkspace = async (name: string) => {
  const workspace = await createWorkspace(base, name)
  await asOwner(db, async (owner) => {
    const seed = (job: string, count: number, status: string, age: string) =>
      seedJobRuns(owner, { workspace, name: job, count, status, age })
    await seed("memory-distill", 1, "succeeded", "interval '20 hours'")
    await seed("dream-cycle", 1, "failed", "interval '19 hours'")
    await seed("entity-extraction", 3000, "succeeded", "i * interval '20 seconds' + interval '1 minute'")
    await seed("entity-extraction", 2, "failed", "(i + 1) * interval '3 hours' + interval '5 seconds'")
  })
  return workspace
}

const withPage = async (
  workspaceId: string,
  viewport: { readonly width: number; readonly height: number },
  use: (page: Page) => Promise<void>
) => {
  const { context, page, errors } = await openPage(browser, { workspaceId, viewport })
  try {
    await use(page)
    expect(errors.join("\n")).toBe("")
  } finally {
    await context.close()
  }
}

describe("Jobs page with a busy job history", () => {
  for (const viewport of VIEWPORTS) {
    it(`(${viewport.name}) the nightly jobs' runs show; entity extraction is summed up and listed when opened`, async () => {
      const workspace = await busyWorkspace(`Busy ${viewport.name}`)
      await withPage(workspace, viewport, async (page) => {
        await page.goto(`${base}/admin/jobs`)
        // The nightly runs, older than every extraction run, are on the page: in their schedule rows, in Recent runs
        // and on the timeline.
        const distill = page.getByRole("row").filter({ hasText: "memory-distill" })
        await expect.poll(() => distill.textContent()).toMatch(/succeeded/)
        await expect
          .poll(() => page.getByRole("row").filter({ hasText: "dream-cycle" }).textContent())
          .toMatch(/failed/)
        const runs = page.getByRole("list", { name: "runs" })
        expect(await runs.getByRole("listitem").filter({ hasText: "memory-distill" }).textContent()).toMatch(
          /succeeded/
        )
        expect(await runs.getByRole("listitem").filter({ hasText: "dream-cycle" }).textContent()).toContain(
          "the model did not answer"
        )
        expect(await runs.getByText("entity-extraction").count()).toBe(0)
        const timeline = page.getByRole("list", { name: "job timeline" })
        await timeline.getByRole("img", { name: /^memory-distill: 1 run \(1 succeeded\)/ }).waitFor()
        expect(await timeline.getByRole("img", { name: /^entity-extraction/ }).count()).toBe(0)

        // Extraction in one line: its last run, the last day's runs and failures, its newest failure.
        const extraction = page
          .getByRole("list", { name: "queue jobs" })
          .getByRole("listitem")
          .filter({ hasText: "entity-extraction" })
        const summary = await extraction.textContent()
        expect(summary).toContain("last run succeeded")
        expect(summary).toContain("3002 runs in the last 24 hours, 2 failed")
        expect(summary).toMatch(/last failure .*: the model did not answer/)

        // Opened: its runs, 50 at a time, older ones on demand.
        await extraction.getByRole("button", { name: "Show entity-extraction runs" }).click()
        const history = page.getByRole("list", { name: "runs of entity-extraction" })
        await expect.poll(() => history.getByRole("listitem").count()).toBe(50)
        await page.getByRole("button", { name: "Older runs" }).click()
        await expect.poll(() => history.getByRole("listitem").count()).toBe(100)
        await screenshot(page, `jobs-busy-history-${viewport.name}`)
        await page.getByRole("button", { name: "Close entity-extraction runs" }).click()
        await history.waitFor({ state: "detached" })
      })
    })
  }
})
