// Admin UI budget (not a test), Lighthouse-style: the time to interactive of Today on a cold load in Chromium (a
// fresh browser context each run: no cache, no storage but the chosen workspace), measured from navigation start to
// the moment the day's note is rendered with its entries and the log-entry form can be used, and the compressed size
// of what that cold load downloads: the files under /admin/assets/ the browser fetched (the entry chunk, what Today
// imports, the CSS; pages other than Today are chunks fetched on their first visit), as the host served them and at
// gzip -9 and brotli 11, beside the total of every built chunk. The host runs as its own process on a fresh database
// holding a day of 30 entries. Run with `pnpm bench:ui`; RUNS (default 15) cold loads, WRITE=1 adds the report to
// test/bench/RESULTS.md. Targets (README): median under 1 s, the cold load's files under 150 KB gzipped.
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { CHROMIUM, launch, openPage } from "../web/browser"
import { createDatabase, prepareAppRole } from "../support/database"
import { hostEnv, repoRoot, scratchDir, startHost } from "../support/hostProcess"
import { freePort } from "../support/ports"

const RUNS = Number(process.env.RUNS ?? 15)
const TTI_TARGET_MS = 1000
const GZIP_TARGET_KB = 150

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10

interface Sizes {
  readonly raw: number
  readonly gzip: number
  readonly brotli: number
}

const sum = (files: ReadonlyArray<Sizes>): Sizes =>
  files.reduce(
    (total, file) => ({ raw: total.raw + file.raw, gzip: total.gzip + file.gzip, brotli: total.brotli + file.brotli }),
    {
      raw: 0,
      gzip: 0,
      brotli: 0
    }
  )

const bundleSizes = () => {
  const dir = path.join(repoRoot, "dist", "admin", "assets")
  const files = fs.readdirSync(dir).filter((name) => /\.(js|css)$/.test(name))
  return files.map((name) => {
    const bytes = fs.readFileSync(path.join(dir, name))
    return {
      name,
      raw: bytes.length,
      gzip: zlib.gzipSync(bytes, { level: 9 }).length,
      brotli: zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length
    }
  })
}

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

const main = async () => {
  const sizes = bundleSizes()
  const total = sum(sizes)

  process.env.CARABASE_TEST_APP_PASSWORD = await prepareAppRole()
  const db = await createDatabase("bench_ui")
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
  const browser = await launch()
  try {
    await host.ready()
    const post = async (route: string, body: unknown, workspace?: string) => {
      const response = await fetch(`${base}/api/v1${route}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(workspace === undefined ? {} : { "x-workspace-id": workspace })
        },
        body: JSON.stringify(body)
      })
      if (!response.ok) throw new Error(`${route} answered ${response.status}: ${await response.text()}`)
      return (await response.json()) as any
    }
    const workspace = (await post("/workspaces", { name: "Bench" })).workspace.id as string
    const now = new Date()
    const pad = (n: number) => String(n).padStart(2, "0")
    const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
    for (let i = 0; i < 30; i++) {
      await post(
        "/daily-notes/inject",
        { type: "logCard", date: today, content: `Entry ${i}: met **Ana** about the roof\n- [ ] follow up ${i}` },
        workspace
      )
    }

    const samples: Array<{ tti: number; dcl: number; script: number; note: number }> = []
    // The asset files each cold load fetched, with the encoding the host chose and the bytes that crossed the wire.
    const fetched = new Map<string, { readonly encoding: string; readonly served: number }>()
    for (let run = 0; run < RUNS; run++) {
      const { context, page, errors } = await openPage(browser, {
        workspaceId: workspace,
        viewport: { width: 1280, height: 800 }
      })
      const encodings = new Map<string, string>()
      page.on("response", (response) => {
        const name = /\/admin\/assets\/([^/?#]+)$/.exec(response.url())?.[1]
        if (name !== undefined) encodings.set(name, response.headers()["content-encoding"] ?? "identity")
      })
      try {
        await page.goto(`${base}/admin/today`, { waitUntil: "commit" })
        await page.locator('section[aria-label="daily note"] article.log-card').nth(29).waitFor()
        await page.getByRole("button", { name: "Add entry" }).waitFor()
        const timing = await page.evaluate(() => {
          const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined
          const resources = performance.getEntriesByType("resource") as Array<PerformanceResourceTiming>
          const ended = (pattern: RegExp) =>
            Math.max(0, ...resources.filter((entry) => pattern.test(entry.name)).map((entry) => entry.responseEnd))
          return {
            tti: performance.now(),
            dcl: navigation?.domContentLoadedEventEnd ?? 0,
            script: ended(/\/admin\/assets\/.*\.js$/),
            note: ended(/\/api\/v1\/daily-notes\//),
            assets: resources
              .filter((entry) => entry.name.includes("/admin/assets/"))
              .map((entry) => ({
                name: entry.name.slice(entry.name.lastIndexOf("/") + 1),
                served: entry.encodedBodySize
              }))
          }
        })
        if (errors.length > 0) throw new Error(errors.join("\n"))
        samples.push(timing)
        for (const asset of timing.assets) {
          fetched.set(asset.name, { encoding: encodings.get(asset.name) ?? "unknown", served: asset.served })
        }
      } finally {
        await context.close()
      }
    }
    const tti = samples.map((sample) => sample.tti).sort((a, b) => a - b)
    const sorted = (key: "dcl" | "script" | "note") => samples.map((sample) => sample[key]).sort((a, b) => a - b)
    const dcl = sorted("dcl")
    const median = percentile(tti, 50)
    const cpu = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}`
    const load = os
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(" / ")
    const coldFiles = sizes.filter((file) => fetched.has(file.name))
    const missing = [...fetched.keys()].filter((name) => !sizes.some((file) => file.name === name))
    if (missing.length > 0) throw new Error(`fetched files not in dist/admin/assets: ${missing.join(", ")}`)
    const cold = sum(coldFiles)
    const served = [...fetched.values()].reduce((bytes, file) => bytes + file.served, 0)
    const servedAs = [...new Set([...fetched.values()].map((file) => file.encoding))].join(", ")
    const ttiMet = median < TTI_TARGET_MS
    const sizeMet = kb(cold.gzip) < GZIP_TARGET_KB
    const lines = [
      `## ${new Date().toISOString().slice(0, 10)}: admin UI budget, ${cpu}, load ${load}, ${CHROMIUM}`,
      "",
      "| measure | value | target |",
      "| ------- | ----- | ------ |",
      `| Today, cold load to interactive (median of ${RUNS}) | ${Math.round(median)} ms | < ${TTI_TARGET_MS} ms ${ttiMet ? "(met)" : "(NOT met)"} |`,
      `| Today, cold load to interactive (p95) | ${Math.round(percentile(tti, 95))} ms | |`,
      `| where the time goes (medians): script received, DOMContentLoaded, the note's answer received | ${Math.round(percentile(sorted("script"), 50))} ms, ${Math.round(percentile(dcl, 50))} ms, ${Math.round(percentile(sorted("note"), 50))} ms | |`,
      `| Today's cold load, the ${coldFiles.length} files fetched, gzip -9 | ${kb(cold.gzip)} KB | < ${GZIP_TARGET_KB} KB ${sizeMet ? "(met)" : "(NOT met)"} |`,
      `| Today's cold load, brotli 11 | ${kb(cold.brotli)} KB | |`,
      `| Today's cold load, as the host served them to Chromium (${servedAs}) | ${kb(served)} KB | |`,
      `| Today's cold load, uncompressed | ${kb(cold.raw)} KB | |`,
      `| every chunk (${sizes.length} files: the other pages load on their first visit), gzip -9 | ${kb(total.gzip)} KB | |`,
      `| every chunk, brotli 11 | ${kb(total.brotli)} KB | |`,
      `| every chunk, uncompressed | ${kb(total.raw)} KB | |`,
      "",
      "Fetched by Today's cold load:",
      "",
      ...coldFiles.map(
        (file) => `- \`${file.name}\`: ${kb(file.raw)} KB, gzip ${kb(file.gzip)} KB, brotli ${kb(file.brotli)} KB`
      ),
      "",
      `The other ${sizes.length - coldFiles.length} chunks: ${kb(total.raw - cold.raw)} KB, gzip ${kb(total.gzip - cold.gzip)} KB, largest: ${sizes
        .filter((file) => !fetched.has(file.name))
        .sort((a, b) => b.gzip - a.gzip)
        .slice(0, 3)
        .map((file) => `\`${file.name}\` ${kb(file.gzip)} KB`)
        .join(", ")}.`,
      ""
    ]
    const report = lines.join("\n")
    console.log(report)
    if (process.env.WRITE === "1") {
      fs.appendFileSync(path.join(repoRoot, "test", "bench", "RESULTS.md"), `\n${report}`)
    }
    if (!ttiMet || !sizeMet) process.exitCode = 1
  } finally {
    await browser.close()
    await host.stop()
    await db.drop()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
