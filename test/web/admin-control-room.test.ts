// Issue 29 items 6 to 9 in Chromium against a real host process, each at a laptop's and a phone's size: search hits
// open what they found, memories page through all of them with a filter box, the pictures (activity chart, backup
// badge, job timeline), the Doctor and backups page with "Back up now", and the keyboard (/, g-jumps, Ctrl+K, ?).
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser, Page } from "playwright-core"
import { call, createWorkspace } from "../support/hostSuite"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { VIEWPORTS, launch, openPage, screenshot } from "./browser"

let db: TestDatabase
let host: HostProcess
let browser: Browser
let base: string
const backupDir = path.join(scratchDir("carabase-ui-backups-"), "backups")

const localToday = () => {
  const now = new Date()
  const pad = (n: number) => String(n).padStart(2, "0")
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_control_room")
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, { CARABASE_BACKUP_DIR: backupDir }) })
  await host.ready()
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await db?.drop()
})

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

const ok = async (answer: Promise<{ status: number; body: any }>) => {
  const { status, body } = await answer
  expect(status, JSON.stringify(body)).toBeLessThan(300)
  return body
}

/** A workspace holding one of each kind of searchable thing, all naming the same rare word. */
const seedFindables = async (name: string) => {
  const workspace = await createWorkspace(base, name)
  await ok(
    call(base, "POST", "/daily-notes/inject", {
      workspace,
      body: { type: "logCard", date: "2030-05-04", content: "Nothing much in the morning" }
    })
  )
  await ok(
    call(base, "POST", "/daily-notes/inject", {
      workspace,
      body: { type: "logCard", date: "2030-05-04", content: "Booked the zanzibar ferry for June" }
    })
  )
  await ok(call(base, "POST", "/memories", { workspace, body: { content: "Ana dreams of the zanzibar coast" } }))
  const folio = await ok(call(base, "POST", "/folios", { workspace, body: { name: "Travel" } }))
  await ok(
    call(base, "POST", `/folios/${folio.folio.id}/commits`, {
      workspace,
      body: { message: "Chose the zanzibar route" }
    })
  )
  const form = new FormData()
  form.append("file", new Blob(["Tide tables for the zanzibar channel"], { type: "text/plain" }), "tides.txt")
  const upload = await fetch(`${base}/api/v1/artifacts/upload`, {
    method: "POST",
    body: form,
    headers: { "x-workspace-id": workspace }
  })
  expect(upload.status).toBe(201)
  return { workspace, folioId: folio.folio.id as string }
}

const search = async (page: Page, query: string) => {
  await page.goto(`${base}/admin/search`)
  await page.getByLabel("Search for").fill(query)
  await page.getByRole("button", { name: "Search", exact: true }).click()
  await page.getByRole("list", { name: "results" }).waitFor()
}

for (const viewport of VIEWPORTS) {
  describe(`at ${viewport.width}x${viewport.height} (${viewport.name})`, () => {
    it("every search hit opens what it found: the day with the entry marked, the memory, the folio commit, the artifact's text and file", async () => {
      const { workspace, folioId } = await seedFindables(`Findables ${viewport.name}`)
      await withPage(workspace, viewport, async (page) => {
        await search(page, "zanzibar")
        const results = page.getByRole("list", { name: "results" })
        await results.getByRole("link", { name: "2030-05-04" }).click()
        await page.getByRole("heading", { name: "2030-05-04" }).waitFor()
        const found = page.locator("article.log-card.found")
        await found.waitFor()
        expect(await found.count()).toBe(1)
        expect(await found.textContent()).toContain("zanzibar ferry")
        await screenshot(page, `open-day-${viewport.name}`)

        await search(page, "zanzibar")
        await results.getByRole("link", { name: "Ana dreams of the zanzibar coast" }).click()
        await page.getByRole("heading", { name: "Memory", level: 1 }).waitFor()
        await page.getByRole("list", { name: "memory" }).getByText("Ana dreams of the zanzibar coast").waitFor()
        expect(page.url()).toMatch(/\/admin\/memories\/[0-9a-f-]{36}$/)

        await search(page, "zanzibar")
        await results.getByRole("link", { name: "Travel" }).click()
        await page.getByRole("heading", { name: "Travel", level: 1 }).waitFor()
        expect(page.url()).toContain(`/admin/folios/${folioId}?commit=`)
        const commit = page.getByRole("list", { name: "commits" }).locator("li.found")
        await commit.waitFor()
        expect(await commit.textContent()).toContain("Chose the zanzibar route")

        await search(page, "zanzibar")
        await results.getByRole("link", { name: "tides.txt" }).click()
        await page.getByRole("heading", { name: "tides.txt", level: 1 }).waitFor()
        await page.getByLabel("Text of tides.txt").getByText("Tide tables for the zanzibar channel").waitFor()
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.getByRole("button", { name: "Download tides.txt" }).click()
        ])
        expect(fs.readFileSync((await download.path())!, "utf8")).toBe("Tide tables for the zanzibar channel")
        await screenshot(page, `open-artifact-${viewport.name}`)
      })
    })

    it("memories: the oldest is reached by Show older (none falls off), and the filter box narrows the list", async () => {
      const workspace = await createWorkspace(base, `Many memories ${viewport.name}`)
      await ok(call(base, "POST", "/memories", { workspace, body: { content: "penicillin allergy" } }))
      for (let i = 1; i <= 55; i++) {
        await ok(call(base, "POST", "/memories", { workspace, body: { content: `ordinary fact ${i}` } }))
      }
      await withPage(workspace, viewport, async (page) => {
        await page.goto(`${base}/admin/memories`)
        const list = page.getByRole("list", { name: "memories" })
        await list.getByText("ordinary fact 55").waitFor()
        expect(await list.getByText("penicillin allergy").count()).toBe(0)
        await page.getByRole("button", { name: "Show older memories" }).click()
        await list.getByText("penicillin allergy").waitFor()
        expect(await list.locator("li").count()).toBe(56)
        expect(await page.getByRole("button", { name: "Show older memories" }).count()).toBe(0)
        await page.getByLabel("Filter the memories shown").fill("penicillin")
        await page.getByRole("status").filter({ hasText: '1 of 56 shown memories match "penicillin"' }).waitFor()
        expect(await list.locator("li").count()).toBe(1)
        await list.getByRole("link", { name: "penicillin allergy" }).click()
        await page.getByRole("heading", { name: "Memory", level: 1 }).waitFor()
        await screenshot(page, `memories-${viewport.name}`)
      })
    })

    it("graph: 50 entities at first, Show more entities for the rest, and the name filter narrows them", async () => {
      const workspace = await createWorkspace(base, `Many entities ${viewport.name}`)
      for (let i = 1; i <= 55; i++) {
        const name = i === 55 ? "Zelda Quinn" : `Person ${String(i).padStart(2, "0")}`
        await ok(call(base, "POST", "/entities", { workspace, body: { name, type: "person" } }))
      }
      await withPage(workspace, viewport, async (page) => {
        await page.goto(`${base}/admin/graph`)
        const list = page.getByRole("list", { name: "entities" })
        await list.getByRole("link").first().waitFor()
        expect(await list.getByRole("link").count()).toBe(50)
        await page.getByRole("button", { name: "Show more entities" }).click()
        await list.getByRole("link").nth(54).waitFor()
        expect(await list.getByRole("link").count()).toBe(55)
        expect(await page.getByRole("button", { name: "Show more entities" }).count()).toBe(0)
        await page.getByLabel("Name contains").fill("zelda")
        await page.getByRole("button", { name: "Find entities" }).click()
        await list.getByRole("link", { name: "Zelda Quinn" }).waitFor()
        await page.waitForFunction(() => document.querySelectorAll('[aria-label="entities"] a').length === 1)
      })
    })

    it("Today: the activity chart counts today's entries in words and bars, and the backup badge says how old the newest backup is", async () => {
      const workspace = await createWorkspace(base, `Pictures ${viewport.name}`)
      for (const content of ["first of the day", "second of the day", "third of the day"]) {
        await ok(
          call(base, "POST", "/daily-notes/inject", {
            workspace,
            body: { type: "logCard", date: localToday(), content }
          })
        )
      }
      await withPage(workspace, viewport, async (page) => {
        await page.goto(`${base}/admin/today`)
        const chart = page.getByRole("figure", { name: /Entries per day, last 14 days/ })
        await chart.getByRole("img", { name: /3 log entries in the last 14 days/ }).waitFor()
        // The numbers in words: a list for screen readers (visually hidden), beside the bars.
        await chart
          .getByRole("list", { name: "entries per day" })
          .getByText(`${localToday()}: 3 entries`)
          .waitFor({ state: "attached" })
        expect(await chart.locator("rect.bar:not(.empty)").count()).toBe(1)
        const badge = page.getByRole("link", { name: /^Backup: / })
        await badge.waitFor()
        expect(await badge.textContent()).toMatch(
          /^Backup: (none yet|\d+ (min|h|days) old \((fine|getting old|too old)\))$/
        )
        await page.getByRole("textbox", { name: "Log entry" }).fill("fourth of the day")
        await page.getByRole("button", { name: "Add entry" }).click()
        await chart.getByText(`${localToday()}: 4 entries`).waitFor({ state: "attached" })
        await screenshot(page, `today-pictures-${viewport.name}`)
      })
    })

    it("Jobs: a timeline per job with each run's outcome, and its duration in words", async () => {
      const workspace = await createWorkspace(base, `Timeline ${viewport.name}`)
      await ok(call(base, "POST", "/jobs/trash-purge/run", { workspace }))
      for (let tries = 0; tries < 120; tries++) {
        const { body } = await call(base, "GET", "/jobs", { workspace })
        if ((body.runs as Array<{ status: string }>).some((run) => run.status !== "running")) break
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      await withPage(workspace, viewport, async (page) => {
        await page.goto(`${base}/admin/jobs`)
        const timeline = page.getByRole("list", { name: "job timeline" })
        const picture = timeline.getByRole("img", {
          name: /^trash-purge: 1 run \(1 succeeded\); the last succeeded, took /
        })
        await picture.waitFor()
        expect(await timeline.locator("rect.run.succeeded").count()).toBe(1)
        await screenshot(page, `jobs-timeline-${viewport.name}`)
      })
    })

    it("Doctor and backups: the doctor's checks, and Back up now (by keyboard alone) runs a backup that then heads the list and the badge", async () => {
      const workspace = await createWorkspace(base, `Operations ${viewport.name}`)
      await withPage(workspace, viewport, async (page) => {
        await page.goto(`${base}/admin/doctor`)
        const checks = page.getByRole("list", { name: "doctor checks" })
        await checks.getByText("row-level security", { exact: true }).waitFor()
        await checks.getByText(/all \d+ tables with workspace_id have RLS enabled, forced, with a policy/).waitFor()
        const before = (await call(base, "GET", "/backups", { workspace })).body.count as number
        // Tab to the button, Enter to press it: no mouse.
        const button = page.getByRole("button", { name: "Back up now" })
        await button.waitFor()
        for (
          let presses = 0;
          presses < 80 && !(await button.evaluate((b) => b === document.activeElement));
          presses++
        ) {
          await page.keyboard.press("Tab")
        }
        expect(await button.evaluate((b) => b === document.activeElement)).toBe(true)
        await page.keyboard.press("Enter")
        await page.getByRole("progressbar", { name: "Backup progress" }).waitFor()
        await page.getByRole("button", { name: "Back up now" }).waitFor({ timeout: 60_000 })
        const table = page.getByRole("table", { name: "Backups, newest first" })
        await table.waitFor()
        expect(await table.locator("tbody tr").count()).toBe(before + 1)
        expect(await table.locator("tbody tr").first().textContent()).toMatch(/\.sql\.gz\.enc/)
        await page.getByText(/Last run: succeeded/).waitFor()
        await screenshot(page, `doctor-backups-${viewport.name}`)
        await page.goto(`${base}/admin/today`)
        await page.getByRole("link", { name: /^Backup: \d+ (min|h) old \(fine\)$/ }).waitFor()
      })
    })

    it("keyboard: / focuses search, g then a letter jumps, Ctrl+K opens the palette, ? shows the shortcuts", async () => {
      const workspace = await createWorkspace(base, `Keys ${viewport.name}`)
      await withPage(workspace, viewport, async (page) => {
        await page.goto(`${base}/admin/memories`)
        await page.getByRole("heading", { name: "Memories", level: 1 }).waitFor()
        await page.keyboard.press("/")
        expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe("search")
        await page.keyboard.press("Escape")
        await page.evaluate(() => (document.activeElement as HTMLElement).blur())

        await page.goto(`${base}/admin/jobs`)
        await page.getByRole("heading", { name: "Jobs", level: 1 }).waitFor()
        await page.keyboard.press("/")
        await page.getByRole("heading", { name: "Search", level: 1 }).waitFor()
        await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.type === "search")
        await page.evaluate(() => (document.activeElement as HTMLElement).blur())

        await page.keyboard.press("g")
        await page.keyboard.press("j")
        await page.getByRole("heading", { name: "Jobs", level: 1 }).waitFor()
        expect(page.url()).toBe(`${base}/admin/jobs`)

        await page.keyboard.press("Control+k")
        const palette = page.getByRole("dialog", { name: "Command palette" })
        await palette.waitFor()
        await page.keyboard.type("doctor")
        await palette.getByRole("option", { name: "Go to Doctor and backups" }).waitFor()
        await page.keyboard.press("Enter")
        await page.getByRole("heading", { name: "Doctor and backups", level: 1 }).waitFor()
        expect(await palette.isVisible()).toBe(false)

        await page.keyboard.press("?")
        const help = page.getByRole("dialog", { name: "Keyboard shortcuts" })
        await help.waitFor()
        await help.getByRole("rowheader", { name: "g t" }).waitFor()
        await screenshot(page, `keyboard-help-${viewport.name}`)
        await page.keyboard.press("Escape")
        await help.waitFor({ state: "hidden" })

        // Typing in a field is the field's: "g j" there jumps nowhere.
        await page.goto(`${base}/admin/search`)
        await page.getByLabel("Search for").fill("")
        await page.getByLabel("Search for").press("g")
        await page.getByLabel("Search for").press("j")
        expect(page.url()).toBe(`${base}/admin/search`)
        expect(await page.getByLabel("Search for").inputValue()).toBe("gj")
      })
    })
  })
}
