// The Import and export page in Chromium against a real host: a vault picked as a folder (zipped in the page) and as
// a zip file, the run's progress and per-file report on the page, the notes it made readable through the API, and the
// export downloaded as a zip.
import * as fs from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Browser, Page } from "playwright-core"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { logseqVault, obsidianVault, writeVault, zipVault } from "../portability/vaults"
import { launch, openPage, screenshot } from "./browser"

let db: TestDatabase
let host: HostProcess
let browser: Browser
let base: string
let ws: string

beforeAll(async () => {
  browser = await launch()
  db = await createDatabase("admin_portability")
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
  await host.ready()
  ws = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Moving in" } }))).workspace.id
})
afterAll(async () => {
  await browser?.close()
  await host?.stop()
  await db?.drop()
})

const withPage = async (use: (page: Page) => Promise<void>) => {
  const { context, page, errors } = await openPage(browser, { workspaceId: ws })
  try {
    await use(page)
    expect(errors.join("\n")).toBe("")
  } finally {
    await context.close()
  }
}

const noteText = (date: string) =>
  runClient(base, (api) => api.notes.text({ path: { date: date as never } }), ws).then((answer) => answer.text)

describe("the Import and export page", () => {
  it("imports a picked folder, shows the progress and the per-file report, and the notes are there", async () => {
    const folder = scratchDir("carabase-vault-")
    writeVault(folder, obsidianVault())
    await withPage(async (page) => {
      await page.goto(`${base}/admin/import-export`)
      await page.getByLabel("or a folder").setInputFiles(folder)
      await page.getByRole("button", { name: "Import" }).click()
      const progress = page.getByLabel("import progress")
      await progress.getByText("done: 7 of 7 files").waitFor()
      expect(await progress.textContent()).toContain("7 created, 0 updated, 0 unchanged, 0 skipped")
      const row = page.getByRole("row").filter({ hasText: "Journal/2026-03-14.md" })
      expect(await row.textContent()).toBe("Journal/2026-03-14.mdcreateddaily note")
      await screenshot(page, "import-folder")
    })
    expect(await noteText("2026-03-14")).toContain("## 09:30 AM [#daily] [#engine]")
  })

  it("imports a zip file, reports a second import of it as unchanged, and downloads the export", async () => {
    const zipFile = `${scratchDir("carabase-zip-")}/graph.zip`
    fs.writeFileSync(zipFile, await zipVault(logseqVault()))
    await withPage(async (page) => {
      await page.goto(`${base}/admin/import-export`)
      for (const expected of ["3 created, 0 updated, 0 unchanged", "0 created, 0 updated, 3 unchanged"]) {
        await page.getByLabel("Zip file").setInputFiles(zipFile)
        await page.getByRole("button", { name: "Import" }).click()
        await page.getByLabel("import progress").getByText(expected).waitFor()
      }
      await page.getByLabel("recent imports").getByText("logseq, done: 0 created").waitFor()
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Download export" }).click()
      ])
      expect(download.suggestedFilename()).toMatch(/^carabase-export-\d{4}-\d{2}-\d{2}\.zip$/)
      const bytes = fs.readFileSync((await download.path())!)
      expect(bytes.subarray(0, 2).toString()).toBe("PK")
      expect(bytes.includes(Buffer.from("notes/2026-04-01.md"))).toBe(true)
    })
  })
})
