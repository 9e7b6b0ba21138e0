// The data lifecycle on Today and the Trash page, in Chromium against a real host: an entry edited in place, an entry
// deleted and put back with the undo toast (from the keyboard, in dark mode too), deleted → listed in the Trash →
// restored to where it was, a purge that asks first and is then final (the API says 404), and the History panel
// showing two versions side by side, restoring one, and showing a 409 when the note moved meanwhile. The Trash page and
// the History panel run at 1280×800 and 390×844.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser, Page } from "playwright-core"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"
import type { NoteDate } from "../../src/notes/NoteDate"
import { launch, openPage, screenshot } from "./browser"

const POLL = { timeout: 15_000, interval: 50 }
let db: TestDatabase
let host: HostProcess
let browser: Browser
let base: string

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_lifecycle")
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

const WIDTHS = [
  ["desktop", false],
  ["phone", true]
] as const

const withPage = async (workspaceId: string, use: (page: Page) => Promise<void>, phone = false) => {
  const { context, page, errors } = await openPage(browser, { workspaceId, phone })
  if (!phone) await page.setViewportSize({ width: 1280, height: 800 })
  try {
    await use(page)
    expect(errors.join("\n")).toBe("")
  } finally {
    await context.close()
  }
}

const inject = (ws: string, content: string) =>
  runClient(base, (api) => api.notes.inject({ payload: { type: "logCard", content } }), ws)

/** Injects each entry into today's note (the host's today, the page's today on this machine); answers the date. */
const injectAll = async (ws: string, ...contents: ReadonlyArray<string>) => {
  let date = "" as NoteDate
  for (const content of contents) date = (await inject(ws, content)).date
  return date
}
const noteText = async (ws: string, date: NoteDate) =>
  JSON.stringify((await runClient(base, (api) => api.notes.get({ path: { date } }), ws)).documentState)

const cards = (page: Page) => page.getByRole("region", { name: "daily note" }).locator(".log-card")
const cardTexts = async (page: Page) =>
  (await cards(page).locator("p").allTextContents()).filter((text) => text.trim() !== "")

const noSidewaysScroll = async (page: Page) =>
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)

/** An answer's status, for the checks a typed client would turn into exceptions. */
const status = async (method: string, path: string, ws: string) =>
  (await fetch(`${base}/api/v1${path}`, { method, headers: { "x-workspace-id": ws } })).status

describe("Today: edit and delete entries", () => {
  it("edits an entry's text in place; the change is there after a reload", async () => {
    const ws = await createWorkspace(base, "Edit entry")
    await inject(ws, "Bought pain at the bakery")
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/today`)
      await page.getByRole("button", { name: "Edit entry: Bought pain at the bakery" }).click()
      const text = page.getByLabel("Entry text")
      expect(await text.inputValue()).toBe("Bought pain at the bakery")
      await text.fill("Bought bread at the bakery")
      await page.getByLabel("Tags", { exact: true }).fill("errands")
      await page.getByRole("button", { name: "Save entry" }).click()
      await cards(page).filter({ hasText: "Bought bread at the bakery" }).waitFor()
      await page.reload()
      await cards(page).filter({ hasText: "Bought bread at the bakery" }).waitFor()
      expect(await cards(page).locator(".chip").allTextContents()).toContain("#errands")
      expect(await cardTexts(page)).not.toContain("Bought pain at the bakery")
    })
  })

  it("an edit open while the note changes elsewhere is refused with the 409 shown, and Save again applies it to the same entry", async () => {
    const ws = await createWorkspace(base, "Edit conflict")
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/today`)
      await page.getByText("Nothing written on this day yet.").waitFor()
      await page.getByLabel("Log entry", { exact: true }).fill("Call the roofer")
      await page.getByRole("button", { name: "Add entry" }).click()
      await cards(page).filter({ hasText: "Call the roofer" }).waitFor()
      await page.waitForFunction(() => document.body.getAttribute("data-live") === "ready")
      await page.getByRole("button", { name: "Edit entry: Call the roofer" }).click()
      await page.getByLabel("Entry text").fill("Call the roofer about the leak")

      // Another device puts an entry before it meanwhile (a whole-note PATCH): the page reloads live.
      const { date } = await inject(ws, "placeholder")
      const note = await runClient(base, (api) => api.notes.get({ path: { date } }), ws)
      const [mine, other] = note.documentState
      expect(String(mine!.attrs?.["idempotencyKey"])).toMatch(/^admin-[0-9a-f]{24}$/)
      await runClient(
        base,
        (api) =>
          api.notes.replace({
            path: { date },
            payload: {
              documentState: [
                { ...other!, content: [{ type: "paragraph", content: [{ type: "text", text: "from the phone" }] }] },
                mine!
              ]
            }
          }),
        ws
      )
      await cards(page).filter({ hasText: "from the phone" }).waitFor()

      // The open editor moved with its entry, now the second card.
      expect(await cards(page).nth(1).getByLabel("Entry text").inputValue()).toBe("Call the roofer about the leak")
      await page.getByRole("button", { name: "Save entry" }).click()
      const alert = page.getByRole("alert").filter({ hasText: "Not saved" })
      await alert.waitFor()
      expect(await alert.textContent()).toContain("Save again")
      expect(await noteText(ws, date)).not.toContain("about the leak")
      await page.getByRole("button", { name: "Save entry" }).click()
      await expect.poll(() => cardTexts(page), POLL).toEqual(["from the phone", "Call the roofer about the leak"])
      expect(await noteText(ws, date)).toContain("from the phone")
    })
  })

  it("deletes an entry, shows the undo toast, and Undo (Enter, focus already on it) puts it back in its place; dark mode too", async () => {
    const ws = await createWorkspace(base, "Undo entry")
    const date = await injectAll(ws, "first of three", "second of three", "third of three")
    await withPage(ws, async (page) => {
      await page.emulateMedia({ colorScheme: "dark" })
      await page.goto(`${base}/admin/today`)
      await cards(page).filter({ hasText: "third of three" }).waitFor()
      await page.getByRole("button", { name: "Delete entry: second of three" }).click()
      const toast = page.getByRole("status").filter({ hasText: "Entry deleted: second of three" })
      await toast.waitFor()
      await expect.poll(() => cardTexts(page), POLL).toEqual(["first of three", "third of three"])
      expect(await noteText(ws, date)).not.toContain("second of three")
      // Dark like the rest of the page: the toast is drawn in the dark card colour with light text.
      expect(await toast.locator(".toast").evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
        "rgb(32, 32, 38)"
      )
      await screenshot(page, "lifecycle-undo-toast-dark")

      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), POLL).toBe("Undo")
      await page.keyboard.press("Enter")
      await page.getByRole("status").filter({ hasText: "Restored." }).waitFor()
      await expect.poll(() => cardTexts(page), POLL).toEqual(["first of three", "second of three", "third of three"])
      expect(await noteText(ws, date)).toContain("second of three")
      const { items } = await runClient(base, (api) => api.trash.list({ urlParams: {} }), ws)
      expect(items).toEqual([])
    })
  })
})

/** Follows a main navigation link; at phone width the links sit behind the Menu button. */
const openFromMenu = async (page: Page, name: string) => {
  const menu = page.getByRole("button", { name: "Menu" })
  if (await menu.isVisible()) await menu.click()
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).click()
}

describe("Trash page", () => {
  for (const [width, phone] of WIDTHS) {
    it(`(${width}) a deleted entry is listed in the Trash, Restore puts it back where it was, then the trash is empty`, async () => {
      const ws = await createWorkspace(base, `Trash ${width}`)
      const date = await injectAll(ws, "breakfast", "lunch with Ana", "dinner")
      await withPage(
        ws,
        async (page) => {
          await page.goto(`${base}/admin/today`)
          await page.getByRole("button", { name: "Delete entry: lunch with Ana" }).click()
          await page.getByRole("status").filter({ hasText: "Entry deleted" }).waitFor()
          await page.keyboard.press("Escape")
          await openFromMenu(page, "Trash")
          await page.getByRole("heading", { name: "Trash", level: 1 }).waitFor()
          const trash = page.getByRole("list", { name: "trash" })
          const item = trash.getByRole("listitem").filter({ hasText: `${date}: lunch with Ana` })
          await item.waitFor()
          expect(await item.locator(".chip").textContent()).toBe("log entry")
          await page.getByLabel("Show").selectOption("memory")
          await page.getByText("No memory in the trash.").waitFor()
          await page.getByLabel("Show").selectOption("log_entry")
          await item.waitFor()
          await noSidewaysScroll(page)
          await screenshot(page, `lifecycle-trash-${width}`)

          await item.getByRole("button", { name: `Restore ${date}: lunch with Ana` }).click()
          await page.getByRole("status").filter({ hasText: "Restored log entry" }).waitFor()
          await page.getByText("No log entry in the trash.").waitFor()
          await page.getByRole("link", { name: "Open Today" }).click()
          await expect.poll(() => cardTexts(page), POLL).toEqual(["breakfast", "lunch with Ana", "dinner"])
          await openFromMenu(page, "Trash")
          await page.getByText("The trash is empty.").waitFor()
        },
        phone
      )
    })
  }

  it("Delete permanently asks first (Cancel keeps it), then purges: gone from the trash, and the API says 404", async () => {
    const ws = await createWorkspace(base, "Purge")
    const { memory } = await runClient(
      base,
      (api) => api.memories.create({ payload: { content: "Wrong allergy: penicillin" } }),
      ws
    )
    const { trashId } = await runClient(base, (api) => api.memories.remove({ path: { id: memory.id } }), ws)
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/trash`)
      const item = page.getByRole("list", { name: "trash" }).getByRole("listitem").filter({ hasText: "penicillin" })
      await item.waitFor()
      await item.getByRole("button", { name: "Delete permanently: Wrong allergy: penicillin" }).click()
      const dialog = page.getByRole("dialog", { name: "Delete permanently?" })
      await dialog.waitFor()
      expect(await dialog.textContent()).toContain("cannot be restored")
      // Focus starts on Cancel, so Enter alone never purges.
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), POLL).toBe("Cancel")
      await screenshot(page, "lifecycle-purge-confirm")
      await page.keyboard.press("Enter")
      await dialog.waitFor({ state: "detached" })
      await item.waitFor()
      const kept = await runClient(base, (api) => api.trash.list({ urlParams: {} }), ws)
      expect(kept.items.map((entry) => entry.id)).toEqual([trashId])

      await item.getByRole("button", { name: "Delete permanently: Wrong allergy: penicillin" }).click()
      await dialog.getByRole("button", { name: "Delete permanently" }).click()
      await page.getByRole("status").filter({ hasText: "Deleted permanently: Wrong allergy: penicillin" }).waitFor()
      await page.getByText("The trash is empty.").waitFor()
    })
    expect(await status("POST", `/trash/${trashId}/restore`, ws)).toBe(404)
    expect(await status("DELETE", `/trash/${trashId}`, ws)).toBe(404)
    const { memories } = await runClient(base, (api) => api.memories.list({ urlParams: {} }), ws)
    expect(memories).toEqual([])
  })
})

describe("History panel on Today", () => {
  for (const [width, phone] of WIDTHS) {
    it(`(${width}) shows a revision beside the current note and restoring it changes Today`, async () => {
      const ws = await createWorkspace(base, `History ${width}`)
      const date = await injectAll(ws, "alpha entry", "beta entry")
      const { revisions } = await runClient(base, (api) => api.notes.revisions({ path: { date } }), ws)
      const [current, withAlpha] = revisions
      await withPage(
        ws,
        async (page) => {
          await page.goto(`${base}/admin/today`)
          await cards(page).filter({ hasText: "beta entry" }).waitFor()
          await page.getByRole("button", { name: "Show history" }).click()
          const list = page.getByRole("list", { name: "revisions" })
          await list.getByText(`Revision ${current!.revision}`).waitFor()
          expect(await list.getByRole("listitem").count()).toBe(revisions.length)
          expect(await list.getByRole("listitem").first().textContent()).toContain("current")
          await page
            .getByRole("button", { name: `Compare revision ${withAlpha!.revision} with the current note` })
            .click()
          const older = page.getByRole("region", { name: `revision ${withAlpha!.revision}` })
          const now = page.getByRole("region", { name: `current, revision ${current!.revision}` })
          await older.waitFor()
          expect(await older.textContent()).toContain("alpha entry")
          expect(await older.textContent()).not.toContain("beta entry")
          expect(await now.textContent()).toContain("beta entry")
          const [a, b] = [await older.boundingBox(), await now.boundingBox()]
          if (phone) expect(b!.y).toBeGreaterThanOrEqual(a!.y + a!.height)
          else {
            expect(b!.y).toBe(a!.y)
            expect(b!.x).toBeGreaterThanOrEqual(a!.x + a!.width)
          }
          await noSidewaysScroll(page)
          await screenshot(page, `lifecycle-history-${width}`)

          await page.getByRole("button", { name: `Restore revision ${withAlpha!.revision}` }).click()
          await page
            .getByRole("status")
            .filter({ hasText: `Revision ${withAlpha!.revision} restored` })
            .waitFor()
          await expect.poll(() => cardTexts(page), POLL).toEqual(["alpha entry"])
          expect(await noteText(ws, date)).not.toContain("beta entry")
        },
        phone
      )
    })
  }

  it("a restore after the note moved on shows the 409 plainly and overwrites nothing", async () => {
    const ws = await createWorkspace(base, "History conflict")
    const date = await injectAll(ws, "kept entry", "second entry")
    await withPage(ws, async (page) => {
      await page.goto(`${base}/admin/today`)
      await cards(page).filter({ hasText: "second entry" }).waitFor()
      await page.getByRole("button", { name: "Show history" }).click()
      await page
        .getByRole("button", { name: /^Compare revision/ })
        .first()
        .click()
      await page.getByRole("region", { name: "comparison" }).waitFor()
      await inject(ws, "written by the phone meanwhile")
      await cards(page).filter({ hasText: "written by the phone meanwhile" }).waitFor()
      await page.getByRole("button", { name: /^Restore revision/ }).click()
      const alert = page.getByRole("alert").filter({ hasText: "was not restored" })
      await alert.waitFor()
      expect(await alert.textContent()).toContain("nothing was overwritten")
      await screenshot(page, "lifecycle-history-conflict")
    })
    expect(await noteText(ws, date)).toContain("written by the phone meanwhile")
  })
})
