// Drives Debian's Chromium with playwright-core for the admin UI tests. There is no fallback: without
// /usr/bin/chromium (scripts/test.sh installs it) the tests fail with a message saying so, they never skip.
import * as fs from "node:fs"
import * as path from "node:path"
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core"
import { repoRoot } from "../support/hostProcess"

export const CHROMIUM = process.env.CARABASE_CHROMIUM ?? "/usr/bin/chromium"

/** The flags STACK.md lists as working on these machines. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic"
]

export const screenshotDir = path.join(repoRoot, "test-results", "web")

/** `extraArgs`: more Chromium flags, e.g. `--host-resolver-rules` for pages on names that resolve to this machine. */
export const launch = async (extraArgs: ReadonlyArray<string> = []): Promise<Browser> => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\` (scripts/test.sh does this), ` +
        "or point CARABASE_CHROMIUM at a Chromium binary"
    )
  }
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...extraArgs], headless: true })
}

/** A fresh browser context (its own storage) whose pages start with `workspaceId` chosen, when given. */
export const openPage = async (
  browser: Browser,
  options: {
    readonly workspaceId?: string
    readonly phone?: boolean
    /** Overrides the viewport `phone` picks (e.g. the 1280×800). */
    readonly viewport?: { readonly width: number; readonly height: number }
    /** The browser's time zone, e.g. an owner abroad. */
    readonly timezoneId?: string
    readonly colorScheme?: "light" | "dark"
  } = {}
): Promise<{ context: BrowserContext; page: Page; errors: Array<string> }> => {
  const context = await browser.newContext({
    viewport: options.viewport ?? (options.phone === true ? { width: 390, height: 844 } : { width: 1200, height: 900 }),
    ...(options.timezoneId === undefined ? {} : { timezoneId: options.timezoneId }),
    ...(options.colorScheme === undefined ? {} : { colorScheme: options.colorScheme })
  })
  if (options.workspaceId !== undefined) {
    await context.addInitScript((id) => localStorage.setItem("carabase.workspace", id), options.workspaceId)
  }
  const page = await context.newPage()
  page.setDefaultTimeout(20_000)
  const errors: Array<string> = []
  page.on("pageerror", (error) => errors.push(String(error)))
  page.on("console", (message) => {
    // Chromium logs every error status; an API failure the page shows as the server's message is not a page error
    // (the tests check the message on the page instead).
    const refusal = /^Failed to load resource: the server responded with a status of [45]\d\d/.test(message.text())
    const api = message.location().url.includes("/api/v1/")
    if (message.type() === "error" && !(refusal && api)) errors.push(`${message.text()} at ${message.location().url}`)
  })
  return { context, page, errors }
}

/** The two sizes the issue 29 views are checked at: a laptop and a phone. */
export const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 }
] as const

/** Saves a full-page screenshot under test-results/web/ (git-ignored), kept as the run's artifact. */
export const screenshot = async (page: Page, name: string) => {
  fs.mkdirSync(screenshotDir, { recursive: true })
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true })
}
