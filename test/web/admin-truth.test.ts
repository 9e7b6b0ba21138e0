// Issue 29's "fix what is wrong", items 1-5, as the owner sees them in Chromium at 1280×800 and 390×844: Jobs and
// Recent runs agree and never-run jobs say so, search says when meaning was unavailable, a channel without a public
// URL says one is needed, Today ticks tasks at once (rolling back a failed save), renders Markdown safely, folds long
// entries, stamps the browser's time and refuses a huge paste, chat renders Markdown, sends on Enter and stops on
// Stop, deletes ask first, a phone gets a compact menu and stacked tables, dark buttons are readable, and the title
// draws no focus box.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser, Page } from "playwright-core"
import { createDatabase, type TestDatabase } from "../support/database"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { call, createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"
import { launch, openPage, screenshot } from "./browser"

const POLL = { timeout: 15_000, interval: 50 }
const PASSWORD = "admin-truth-" + "3d".repeat(24)
const WIDTHS = [
  ["wide", { width: 1280, height: 800 }],
  ["phone", { width: 390, height: 844 }]
] as const
let db: TestDatabase
let fake: FakeGateway
let host: HostProcess
let browser: Browser
let base: string

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_truth")
  fake = await startFakeGateway({
    passwords: [PASSWORD],
    chunkDelayMs: 20,
    reply: (message) =>
      message.startsWith("md:") ? "Here is **bold** and `code`:\n\n```\nlet x = 1\n```" : `You said: ${message}`
  })
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, port, { OPENCLAW_GATEWAY_URL: fake.url, OPENCLAW_GATEWAY_PASSWORD: PASSWORD })
  })
  await host.ready()
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await fake?.close()
  await db?.drop()
})

const withPage = async (
  workspaceId: string,
  viewport: { readonly width: number; readonly height: number },
  use: (page: Page) => Promise<void>,
  options: { readonly timezoneId?: string; readonly colorScheme?: "light" | "dark" } = {}
) => {
  const { context, page, errors } = await openPage(browser, { workspaceId, viewport, ...options })
  try {
    await use(page)
    // Hostile markup in an entry (an <img onerror>) meets the page's CSP while the sanitiser parses it, and the browser
    // logs the blocked handler; the handler never runs and the element never reaches the page (checked where it is
    // written). Any other error fails the test.
    const blocked = /^Executing inline event handler violates the following Content Security Policy directive/
    expect(errors.filter((error) => !blocked.test(error)).join("\n")).toBe("")
  } finally {
    await context.close()
  }
}

/** The column labels a stacked table row shows before its cells (empty when the row is a plain table row). */
const stackedLabels = (row: ReturnType<Page["locator"]>) =>
  row.evaluate((tr) =>
    Array.from(tr.querySelectorAll("td"))
      .filter((td) => getComputedStyle(td).display === "block")
      .map((td) => getComputedStyle(td, "::before").content.replace(/^"|"$/g, ""))
  )

const noSidewaysScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth).then((overflow) => overflow <= 0)

describe("status that tells the truth", () => {
  for (const [label, viewport] of WIDTHS) {
    it(`jobs (${label}): a job that never ran says so, and a skipped run reads skipped in both places`, async () => {
      const ws = await createWorkspace(base, `Jobs ${label}`)
      await withPage(ws, viewport, async (page) => {
        await page.goto(`${base}/admin/jobs`)
        const row = page.getByRole("row").filter({ hasText: "github-sync" })
        await row.getByText("never run").waitFor()
        expect(await page.getByRole("table").textContent()).not.toMatch(/queued/)
        await row.getByRole("button", { name: "Run github-sync now" }).click()
        // No GitHub connection: the run is skipped, and the schedule's Last run says the same as Recent runs.
        const runs = page.getByRole("list", { name: "runs" })
        await expect
          .poll(async () => {
            await page.getByRole("button", { name: "Refresh" }).click()
            return runs.filter({ hasText: "github-sync" }).textContent()
          }, POLL)
          .toContain("skipped")
        await expect.poll(() => row.textContent(), POLL).toMatch(/skipped/)
        expect(await noSidewaysScroll(page)).toBe(true)
        if (label === "phone") {
          // Stacked: each cell on its own line, labelled with its column.
          expect(await stackedLabels(row)).toContain("Last run: ")
        }
        await screenshot(page, `truth-jobs-${label}`)
      })
    })

    it(`search (${label}): an unreachable embeddings route is said on the results`, async () => {
      const ws = await createWorkspace(base, `Search ${label}`)
      await call(base, "POST", "/memories", { workspace: ws, body: { content: "The cellar pump needs a new float" } })
      const put = await call(base, "PUT", "/model-routes/embeddings", {
        workspace: ws,
        body: { provider: "openai-compatible", baseUrl: "http://127.0.0.1:9/v1", model: "gone", apiKey: "sk-gone-0000" }
      })
      expect(put.status).toBe(200)
      await withPage(ws, viewport, async (page) => {
        await page.goto(`${base}/admin/search`)
        await page.getByLabel("Search for").fill("cellar pump")
        await page.getByRole("button", { name: "Search", exact: true }).click()
        const notice = page.getByRole("status", { name: "search was degraded" })
        await notice.waitFor()
        expect(await notice.textContent()).toMatch(/Text search only.*could not be reached/)
        await page.getByRole("list", { name: "results" }).getByText("cellar pump", { exact: false }).first().waitFor()
        await screenshot(page, `truth-search-${label}`)
      })
    })

    it(`channels (${label}): a short Slack secret is refused, a channel without a public URL says one is needed, delete asks`, async () => {
      const ws = await createWorkspace(base, `Channels ${label}`)
      await withPage(ws, viewport, async (page) => {
        await page.goto(`${base}/admin/channels`)
        await page.getByLabel("Channel name").fill("Team")
        await page.getByLabel("Slack signing secret").fill("abcde")
        await page.getByRole("button", { name: "Create channel" }).click()
        await page.getByRole("alert").filter({ hasText: "32 letters and digits" }).waitFor()
        expect(await page.getByLabel("Bot token (needed for replies)").count()).toBe(1)
        await page.getByLabel("Slack signing secret").fill("0123456789abcdef0123456789abcdef")
        await page.getByRole("button", { name: "Create channel" }).click()
        const created = page.getByRole("status").filter({ hasText: "Team is ready" })
        await created.waitFor()
        expect(await created.textContent()).toContain("This host has no public URL yet")
        expect(await created.textContent()).toContain("CARABASE_WEBHOOK_PUBLIC_URL")
        expect(await created.textContent()).not.toContain("Paste this URL")
        await page.getByText("No messages yet.").waitFor()
        expect(await noSidewaysScroll(page)).toBe(true)
        await screenshot(page, `truth-channels-${label}`)

        await page.getByRole("button", { name: "Delete Team" }).click()
        const dialog = page.getByRole("dialog", { name: "Delete the channel Team?" })
        await dialog.getByRole("button", { name: "Cancel" }).click()
        expect((await call(base, "GET", "/webhook-channels", { workspace: ws })).body.channels).toHaveLength(1)
        await page.getByRole("button", { name: "Delete Team" }).click()
        await dialog.getByRole("button", { name: "Delete channel" }).click()
        await expect
          .poll(async () => (await call(base, "GET", "/webhook-channels", { workspace: ws })).body.channels, POLL)
          .toHaveLength(0)
      })
    })
  }
})

describe("today", () => {
  for (const [label, viewport] of WIDTHS) {
    it(`(${label}) ticks at once and rolls back a failed save, keeps other boxes usable, renders Markdown safely`, async () => {
      const ws = await createWorkspace(base, `Today ${label}`)
      await withPage(ws, viewport, async (page) => {
        await page.goto(`${base}/admin/today`)
        await page.getByLabel("Log entry", { exact: true }).fill("- [ ] first\n- [ ] second\n- [ ] third")
        await page.getByRole("button", { name: "Add entry" }).click()
        const boxes = page.getByRole("checkbox", { name: /first|second|third/ })
        await expect.poll(() => boxes.count(), POLL).toBe(3)

        // The save is held: the box shows ticked at once and the others stay usable.
        let release: () => void = () => undefined
        const held = new Promise<void>((resolve) => (release = resolve))
        await page.route("**/api/v1/tasks", async (route) => {
          await held
          await route.continue().catch(() => undefined)
        })
        await page.getByRole("checkbox", { name: "first" }).check()
        expect(await page.getByRole("checkbox", { name: "first" }).isChecked()).toBe(true)
        expect(await page.getByRole("checkbox", { name: "second" }).isEnabled()).toBe(true)
        release()
        await page.unroute("**/api/v1/tasks")
        await expect
          .poll(async () => (await call(base, "GET", "/tasks?checked=true", { workspace: ws })).body.tasks.length, POLL)
          .toBe(1)

        // A save that fails puts the box back and says so.
        await page.route("**/api/v1/tasks", (route) =>
          route.fulfill({ status: 503, json: { _tag: "Unavailable", message: "the host is busy" } })
        )
        // click, not check: the box is ticked at once and back unticked when the save fails.
        await page.getByRole("checkbox", { name: "second" }).click()
        await page.getByRole("alert").filter({ hasText: "Not saved, the task is back as it was" }).waitFor()
        await expect.poll(() => page.getByRole("checkbox", { name: "second" }).isChecked(), POLL).toBe(false)
        await page.unroute("**/api/v1/tasks")

        // Markdown is rendered; markup that could run script is not.
        await page
          .getByLabel("Log entry", { exact: true })
          .fill('Met **Ana** about `deploy` <img src=x onerror="window.pwned=1">')
        await page.getByRole("button", { name: "Add entry" }).click()
        const note = page.getByRole("region", { name: "daily note" })
        await note.locator("strong", { hasText: "Ana" }).waitFor()
        await note.locator("code", { hasText: "deploy" }).waitFor()
        expect(await note.locator("img").count()).toBe(0)
        expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
        expect(await noSidewaysScroll(page)).toBe(true)
        await screenshot(page, `truth-today-${label}`)
      })
    })

    it(`(${label}) clears folio and tags after an entry, stamps the browser's local time, folds long entries, refuses a huge paste`, async () => {
      const ws = await createWorkspace(base, `Today time ${label}`)
      await withPage(
        ws,
        viewport,
        async (page) => {
          await page.goto(`${base}/admin/today`)
          await page.getByLabel("Log entry", { exact: true }).fill("from Auckland")
          await page.getByLabel("Folio (optional)").fill("Travel")
          await page.getByLabel("Tags (comma-separated)").fill("trip")
          await page.getByRole("button", { name: "Add entry" }).click()
          const card = page.locator("article.log-card").filter({ hasText: "from Auckland" })
          await card.waitFor()
          expect(await page.getByLabel("Folio (optional)").inputValue()).toBe("")
          expect(await page.getByLabel("Tags (comma-separated)").inputValue()).toBe("")
          const local = await page.evaluate(() => {
            const at = new Date()
            const hours = at.getHours()
            const pad = (n: number) => String(n).padStart(2, "0")
            return [`${pad(hours % 12 === 0 ? 12 : hours % 12)}:${pad(at.getMinutes())}`, hours < 12 ? "AM" : "PM"]
          })
          expect(await card.locator("time").textContent()).toContain(local[1])
          expect(await card.locator("time").textContent()).toMatch(new RegExp(`^${local[0]!.slice(0, 3)}`))

          // A long entry is folded, with a button that shows it all.
          await page
            .getByLabel("Log entry", { exact: true })
            .fill(Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join("\n\n"))
          await page.getByRole("button", { name: "Add entry" }).click()
          const showAll = page.getByRole("button", { name: /^Show all/ })
          await showAll.waitFor()
          const long = page.locator("article.log-card").filter({ hasText: "line 40" })
          const folded = (await long.boundingBox())!.height
          await showAll.click()
          await expect.poll(async () => (await long.boundingBox())!.height, POLL).toBeGreaterThan(folded * 2)

          // A paste over the limit is refused before sending, naming the field.
          await page.getByLabel("Log entry", { exact: true }).fill("x".repeat(20_001))
          await page.getByRole("button", { name: "Add entry" }).click()
          await page.getByRole("alert").filter({ hasText: "content must be at most 20000 characters" }).waitFor()
          expect(await noSidewaysScroll(page)).toBe(true)
          await screenshot(page, `truth-today-time-${label}`)
        },
        { timezoneId: "Pacific/Auckland" }
      )
    })
  }

  it("the API refuses an entry over 20,000 characters and a malformed timestamp, naming the field", async () => {
    const ws = await createWorkspace(base, "Today limits")
    const long = await call(base, "POST", "/daily-notes/inject", {
      workspace: ws,
      body: { type: "logCard", content: "x".repeat(20_001) }
    })
    expect(long.status).toBe(400)
    expect(JSON.stringify(long.body)).toContain("content must be at most 20000 characters")
    const bad = await call(base, "POST", "/daily-notes/inject", {
      workspace: ws,
      body: { type: "logCard", content: "hi", timestamp: "25:99" }
    })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain("timestamp")
    const good = await call(base, "POST", "/daily-notes/inject", {
      workspace: ws,
      body: { type: "logCard", content: "hi", timestamp: "04:49 PM", date: "2026-03-01" }
    })
    expect(good.status).toBe(200)
    const note = await call(base, "GET", "/daily-notes/2026-03-01", { workspace: ws })
    expect(note.body.documentState.at(-1).attrs.timestamp).toBe("04:49 PM")
  })
})

describe("chat", () => {
  for (const [label, viewport] of WIDTHS) {
    it(`(${label}) renders Markdown and code, Enter sends and Shift+Enter breaks the line, Stop cancels the stream`, async () => {
      const ws = await createWorkspace(base, `Chat ${label}`)
      await withPage(ws, viewport, async (page) => {
        await page.goto(`${base}/admin/chat`)
        const box = page.getByLabel("Message", { exact: true })
        await box.fill("md: first line")
        await box.press("Shift+Enter")
        expect(await box.inputValue()).toBe("md: first line\n")
        await box.press("Enter")
        const reply = page.locator(".message.assistant").last()
        await reply.locator("strong", { hasText: "bold" }).waitFor()
        await reply.locator("pre code", { hasText: "let x = 1" }).waitFor()
        // The reply is whole once Send is back (while it streams the button reads "Replying…" and Enter sends nothing).
        await page.getByRole("button", { name: "Send" }).waitFor()

        // Stop: the gateway holds the reply after its first delta; Stop closes the stream and the host cancels it.
        fake.mode = "gated"
        try {
          const cancelled = fake.waitForCancel(15_000)
          await box.fill("tell me a long story")
          await box.press("Enter")
          await page.getByRole("button", { name: "Stop" }).click()
          await cancelled
          await page.getByText("(stopped before the end)").waitFor()
          await page.getByRole("button", { name: "Send" }).waitFor()
        } finally {
          fake.mode = "normal"
          fake.release()
        }
        expect(await noSidewaysScroll(page)).toBe(true)
        await screenshot(page, `truth-chat-${label}`)
      })
    })
  }
})

describe("phone and polish", () => {
  it("a phone gets a Menu button instead of 19 links; the title draws no focus box; tables stack", async () => {
    const ws = await createWorkspace(base, "Phone polish")
    await call(base, "PUT", "/model-routes/chat", {
      workspace: ws,
      body: { provider: "openclaw", model: "openclaw/main", baseUrl: null }
    })
    await withPage(ws, { width: 390, height: 844 }, async (page) => {
      await page.goto(`${base}/admin/today`)
      const nav = page.getByRole("navigation", { name: "Main" })
      expect(await nav.isVisible()).toBe(false)
      const header = await page.locator("header.top").boundingBox()
      expect(header!.height).toBeLessThan(844 * 0.1)
      const menu = page.getByRole("button", { name: "Menu" })
      expect(await menu.getAttribute("aria-expanded")).toBe("false")
      await menu.click()
      await nav.getByRole("link", { name: "Model routing" }).click()
      await page.getByRole("heading", { name: "Model routing", level: 1 }).waitFor()
      expect(await nav.isVisible()).toBe(false)
      // Focus is on the title for screen readers, without a box drawn around it.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("page-title")
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe("none")
      const row = page.getByRole("row").filter({ hasText: "openclaw/main" })
      expect(await stackedLabels(row)).toContain("Provider: ")
      expect(await noSidewaysScroll(page)).toBe(true)
      // Removing a route asks first.
      await page.getByRole("button", { name: "Remove chat route" }).click()
      await page
        .getByRole("dialog", { name: "Remove the chat route?" })
        .getByRole("button", { name: "Remove route" })
        .click()
      await page.getByText("No routes: every role uses the host's defaults.").waitFor()
      await screenshot(page, "truth-phone-models")
    })
    await withPage(ws, { width: 1280, height: 800 }, async (page) => {
      await page.goto(`${base}/admin/jobs`)
      expect(await page.getByRole("button", { name: "Menu" }).isVisible()).toBe(false)
      expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Jobs" }).isVisible()).toBe(
        true
      )
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe("none")
    })
  })

  it("dark-mode buttons reach WCAG AA contrast (4.5:1)", async () => {
    const ws = await createWorkspace(base, "Dark")
    await withPage(
      ws,
      { width: 1280, height: 800 },
      async (page) => {
        await page.goto(`${base}/admin/today`)
        await page.getByRole("button", { name: "Add entry" }).waitFor()
        const ratio = await page.getByRole("button", { name: "Add entry" }).evaluate((button) => {
          const rgb = (color: string) => (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number)
          const luminance = (color: string) => {
            const [r, g, b] = rgb(color).map((value) => {
              const c = value / 255
              return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
            })
            return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
          }
          const style = getComputedStyle(button)
          const [light, dark] = [luminance(style.color), luminance(style.backgroundColor)].sort((a, b) => b - a)
          return (light! + 0.05) / (dark! + 0.05)
        })
        expect(ratio).toBeGreaterThanOrEqual(4.5)
        await screenshot(page, "truth-dark-today")
      },
      { colorScheme: "dark" }
    )
  })
})
