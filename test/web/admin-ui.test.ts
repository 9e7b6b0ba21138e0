// The admin UI in a real browser (Debian's Chromium through playwright-core) against a real host on a fresh database
// and the fake OpenClaw gateway: the setup wizard, a log entry appearing in today's note, ticking a task, a search, a
// streamed chat reply, and a webhook channel's URL. Screenshots go to test-results/web/.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser, Page } from "playwright-core"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"
import { launch, openPage, screenshot } from "./browser"

/** vitest polls for one second by default; a loaded machine running the whole suite needs longer. */
const POLL = { timeout: 15_000, interval: 50 }
const PASSWORD = "admin-ui-" + "7c".repeat(24)
let db: TestDatabase
let fake: FakeGateway
let host: HostProcess
let browser: Browser
let base: string

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_ui")
  fake = await startFakeGateway({ passwords: [PASSWORD], chunkDelayMs: 20 })
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

const newWorkspace = (name: string) => createWorkspace(base, name)

/** A page already in `workspaceId`, with no uncaught errors allowed by the end of `use`. */
const withPage = async (
  workspaceId: string | undefined,
  use: (page: Page) => Promise<void>,
  options: { readonly phone?: boolean } = {}
) => {
  const { context, page, errors } = await openPage(browser, {
    ...(workspaceId === undefined ? {} : { workspaceId }),
    ...options
  })
  try {
    await use(page)
    expect(errors.join("\n")).toBe("")
  } finally {
    await context.close()
  }
}

describe("admin UI in Chromium", () => {
  it("setup wizard: shows the host's checks, creates the first workspace and uses it", async () => {
    await withPage(undefined, async (page) => {
      await page.goto(`${base}/admin/`)
      await page.getByRole("heading", { name: "Setup", level: 1 }).waitFor()
      await expect.poll(() => page.locator('[data-check="database"]').textContent(), POLL).toContain("PASS")
      expect(await page.locator('[data-check="gateway"]').textContent()).toContain("PASS")
      expect(await page.locator('[data-check="master key"]').textContent()).toContain("PASS")
      await page.getByText("gateway.auth.password").first().waitFor()
      await page.getByText("pnpm carabase doctor").first().waitFor()

      // Validation before sending: an empty name never reaches the server.
      const requests: Array<string> = []
      page.on("request", (request) => {
        if (request.method() === "POST") requests.push(request.url())
      })
      await page.getByRole("button", { name: "Create workspace" }).click()
      await page.getByRole("alert").filter({ hasText: "name must not be empty" }).waitFor()
      expect(requests).toEqual([])

      await page.getByLabel("Workspace name").fill("Home")
      await page.getByRole("button", { name: "Create workspace" }).click()
      await page.getByText("in use").waitFor()
      await screenshot(page, "setup-wizard")

      const listed = await runClient(base, (api) => api.workspaces.list())
      const home = listed.workspaces.find((workspace) => workspace.name === "Home")
      expect(home).toBeDefined()
      expect(await page.evaluate(() => localStorage.getItem("carabase.workspace"))).toBe(home!.id)

      // The chosen workspace now drives the rest of the UI.
      expect(page.url()).toBe(`${base}/admin/setup`)
      await page.getByRole("link", { name: "Done: open today's note" }).click()
      await page.getByRole("heading", { name: "Today", level: 1 }).waitFor()
      await page.getByText("Nothing written on this day yet.").waitFor()
    })
  })

  it("today: a log entry added in the form shows in the rendered note, and one from elsewhere arrives live", async () => {
    const ws = await newWorkspace("Log")
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/today`)
      await page.getByText("Nothing written on this day yet.").waitFor()
      await page.getByLabel("Log entry", { exact: true }).fill("Met **Ana** about the roof")
      await page.getByLabel("Tags (comma-separated)").fill("house")
      await page.getByRole("button", { name: "Add entry" }).click()
      const note = page.getByRole("region", { name: "daily note" })
      await note.locator(".log-card").filter({ hasText: "about the roof" }).waitFor()
      expect(await note.locator(".log-card .chip").first().textContent()).toBe("#house")
      // Rendered from blocks, not shown as JSON.
      expect(await note.textContent()).not.toContain('"type"')

      // Written by another client: the SSE stream refreshes the open page.
      await page.waitForFunction(() => document.body.getAttribute("data-live") === "ready")
      await runClient(base, (api) => api.notes.inject({ payload: { type: "logCard", content: "From the phone" } }), ws)
      await note.locator(".log-card").filter({ hasText: "From the phone" }).waitFor()
      await screenshot(page, "today-log-entry")
    })
  })

  it("today: ticking a task's checkbox checks it in the note", async () => {
    const ws = await newWorkspace("Tasks")
    await runClient(
      base,
      (api) => api.notes.inject({ payload: { type: "logCard", content: "- [ ] buy milk\n- [ ] call the plumber" } }),
      ws
    )
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/today`)
      const plumber = page.getByRole("checkbox", { name: "call the plumber" })
      await plumber.waitFor()
      expect(await plumber.isChecked()).toBe(false)
      await plumber.click()
      await expect
        .poll(async () => (await runClient(base, (api) => api.tasks.list({ urlParams: {} }), ws)).tasks, POLL)
        .toEqual(expect.arrayContaining([expect.objectContaining({ text: "call the plumber", checked: true })]))
      const tasks = (await runClient(base, (api) => api.tasks.list({ urlParams: {} }), ws)).tasks
      expect(tasks.find((task) => task.text === "buy milk")?.checked).toBe(false)
      await page.locator("li.task.done").filter({ hasText: "call the plumber" }).waitFor()
      await screenshot(page, "today-task-ticked")
    })
  })

  it("search: finds a note by its words, says why each hit matched, and why nothing was found", async () => {
    const ws = await newWorkspace("Search")
    await runClient(
      base,
      (api) => api.notes.inject({ payload: { type: "logCard", content: "The zeppelin hangar needs new doors" } }),
      ws
    )
    await runClient(base, (api) => api.memories.create({ payload: { content: "Ana prefers tea" } }), ws)
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/search`)
      await page.getByRole("button", { name: "Search", exact: true }).click()
      await page.getByRole("alert").filter({ hasText: "query must not be empty" }).waitFor()
      await page.getByLabel("Search for").fill("zeppelin hangar")
      await page.getByRole("button", { name: "Search", exact: true }).click()
      const results = page.getByRole("list", { name: "results" })
      await expect.poll(() => results.textContent(), POLL).toContain("zeppelin")
      // Each hit says why it was found: the query's words it holds.
      await results.getByText("matched the words zeppelin, hangar").waitFor()
      await screenshot(page, "search")
      // An empty answer says why: here, a phrase no note holds (a phrase is matched by words only).
      await page.getByLabel("Search for").fill('"zeppelin doors"')
      await page.getByRole("button", { name: "Search", exact: true }).click()
      const why = page.getByRole("status", { name: "why nothing was found" })
      await expect.poll(() => why.textContent(), POLL).toContain('No chunk holds the exact phrase "zeppelin doors"')
      await screenshot(page, "search-empty")
    })
  })

  it("chat: the reply streams into the page delta by delta and the session joins the history", async () => {
    const ws = await newWorkspace("Chat")
    fake.mode = "gated"
    try {
      await withPage(ws, async (page) => {
        await page.goto(`${base}/admin/chat`)
        await page.getByLabel("Message", { exact: true }).fill("tell me a story")
        await page.getByRole("button", { name: "Send" }).click()
        const reply = page.locator(".message.assistant").last()
        // The gateway holds everything after its first delta: the page shows that delta before the answer is done.
        await expect.poll(() => reply.textContent(), POLL).toBe("You")
        expect(await reply.getAttribute("data-status")).toBe("streaming")
        await screenshot(page, "chat-streaming")
        fake.release()
        await expect
          .poll(() => page.locator(".message.assistant").last().textContent(), POLL)
          .toBe("You said: tell me a story")
        const history = page.getByRole("navigation", { name: "Chat sessions" })
        await history.getByRole("link", { name: "tell me a story" }).waitFor()
        await expect.poll(() => page.url(), POLL).toMatch(/\/admin\/chat\/[0-9a-f-]{36}$/)
        await screenshot(page, "chat-done")
      })
    } finally {
      fake.mode = "normal"
      fake.release()
    }
  })

  it("chat: a gateway that is down shows the host's message instead of a reply", async () => {
    const ws = await newWorkspace("Chat down")
    fake.mode = "down"
    try {
      await withPage(ws, async (page) => {
        await page.goto(`${base}/admin/chat`)
        await page.getByLabel("Message", { exact: true }).fill("hello?")
        await page.getByRole("button", { name: "Send" }).click()
        const alert = page.getByRole("alert")
        await alert.waitFor()
        expect(await alert.textContent()).toMatch(/gateway/i)
        expect(await page.getByLabel("Message", { exact: true }).inputValue()).toBe("hello?")
        await screenshot(page, "chat-gateway-down")
      })
    } finally {
      fake.mode = "normal"
    }
  })

  it("webhook channels: creating one shows its webhook URL to paste, and never the secret", async () => {
    const ws = await newWorkspace("Channels")
    const secret = "slacksigningsecretVERYSECRET9z12"
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/channels`)
      await page.getByLabel("Channel name").fill("Team Slack")
      await page.getByRole("button", { name: "Create channel" }).click()
      await page.getByRole("alert").filter({ hasText: "signingSecret" }).waitFor()
      await page.getByLabel("Slack signing secret").fill(secret)
      await page.getByRole("button", { name: "Create channel" }).click()
      const created = page.getByRole("status").filter({ hasText: "Team Slack is ready" })
      await created.waitFor()
      const [channel] = (await runClient(base, (api) => api.channels.list(), ws)).channels
      expect(channel?.webhookUrl).toMatch(new RegExp(`/api/v1/webhooks/slack/${channel!.id}$`))
      expect(await created.getByLabel("webhook URL").inputValue()).toBe(channel!.webhookUrl)
      expect(await page.getByLabel("webhook URL of Team Slack").inputValue()).toBe(channel!.webhookUrl)
      expect(await created.textContent()).toContain("set, ends in 9z12")
      const html = await page.content()
      expect(html).not.toContain(secret)
      expect(await page.getByLabel("Slack signing secret").inputValue()).toBe("")
      await screenshot(page, "webhook-channel")
    })
  })

  it("webhook channels: a channel without a bot token says replies need one, and lists its captured messages", async () => {
    const ws = await newWorkspace("Channel events")
    const secret = "telegram_ui_events_0123"
    const { channel } = await runClient(
      base,
      (api) => api.channels.create({ payload: { kind: "telegram", name: "Inbox", signingSecret: secret } }),
      ws
    )
    const body = JSON.stringify({
      update_id: 31337,
      message: { message_id: 1, from: { id: 5, is_bot: false }, chat: { id: 5 }, date: 1, text: "note to self" }
    })
    const delivered = await fetch(`${base}${new URL(channel.webhookUrl).pathname}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body
    })
    expect(delivered.status).toBe(200)
    await expect
      .poll(async () => {
        const { events } = await runClient(
          base,
          (api) => api.channels.events({ path: { id: channel.id }, urlParams: {} }),
          ws
        )
        return events[0]?.status
      }, POLL)
      .toBe("captured")
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/channels`)
      await page.getByRole("note").filter({ hasText: "replies need a bot token" }).waitFor()
      // Each channel's recent messages are shown open, with their status and reason.
      const events = page.getByRole("list", { name: "recent messages of Inbox" })
      await events.getByText("captured", { exact: true }).waitFor()
      expect(await events.textContent()).toContain("replies on this channel need a bot token")
      await screenshot(page, "webhook-channel-events")
    })
  })

  it("reads at phone width: the today page fits without sideways scrolling", async () => {
    const ws = await newWorkspace("Phone")
    await withPage(
      ws,
      async (page) => {
        await page.goto(`${base}/admin/today`)
        await page.getByRole("heading", { name: "Today", level: 1 }).waitFor()
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        expect(overflow).toBeLessThanOrEqual(0)
        // Focus moves to the page's heading, the next Tab reaches its first control, and focus is visible.
        expect(await page.evaluate(() => document.activeElement?.id)).toBe("page-title")
        await page.keyboard.press("Tab")
        const focused = await page.evaluate(() => {
          const element = document.activeElement as HTMLElement
          return { id: element.id, outline: getComputedStyle(element).outlineStyle }
        })
        expect(focused).toEqual({ id: "note-date", outline: "solid" })
        await screenshot(page, "phone-today")
      },
      { phone: true }
    )
  })
})
