// Import benchmark (not a test): a synthetic vault of FILES Markdown files (default 20,000: a daily note for each of
// DAILY days, the rest pages with frontmatter, tags, wiki links and tasks) zipped and sent to POST /api/v1/imports of
// the built host running as its own process; it reports files per second, the run's wall time, and the host's
// resident memory sampled every 500 ms (peak, and at each quarter of the run, to show whether it stays flat), then
// imports the same vault again (every file unchanged). Run with `pnpm bench:import` (see test/bench/RESULTS.md);
// FILES=2000 for a quicker run, WRITE=1 to add the report to RESULTS.md. Target: 20,000 files in under 2 minutes.
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import yazl from "yazl"
import { createDatabase, prepareAppRole } from "../support/database"
import { hostEnv, repoRoot, scratchDir, startHost } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { rssMb } from "../support/rss"

const FILES = Number(process.env.FILES ?? 20_000)
const DAILY = Math.min(Number(process.env.DAILY ?? Math.floor(FILES / 4)), FILES)

let seed = 7
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 2 ** 32
}
const words = "garden engine review plan notes letter budget travel music reading design meeting river paper".split(" ")
const sentence = () =>
  Array.from({ length: 8 + Math.floor(random() * 8) }, () => words[Math.floor(random() * words.length)]).join(" ")
const pageName = (i: number) => `Page ${i}`

const dayOf = (i: number) => new Date(Date.UTC(1990, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)

const vaultZip = (file: string) =>
  new Promise<number>((resolve, reject) => {
    const zip = new yazl.ZipFile()
    const pages = FILES - DAILY
    for (let i = 0; i < DAILY; i++) {
      const text = [
        `09:${String(i % 60).padStart(2, "0")} ${sentence()} [[${pageName(Math.floor(random() * pages))}]] #daily`,
        "",
        `## 14:30 ${sentence()}`,
        `- [ ] ${sentence()}`,
        `- [x] ${sentence()}`,
        sentence()
      ].join("\n")
      zip.addBuffer(Buffer.from(text), `Vault/Journal/${dayOf(i)}.md`, { compress: true })
    }
    for (let i = 0; i < pages; i++) {
      const text = [
        "---",
        `aliases: [P${i}]`,
        "tags: [bench]",
        "---",
        `${sentence()} [[${pageName(Math.floor(random() * pages))}]] #topic${i % 20}`,
        "",
        Array.from({ length: 6 }, sentence).join(". ")
      ].join("\n")
      zip.addBuffer(Buffer.from(text), `Vault/Pages/${Math.floor(i / 500)}/${pageName(i)}.md`, { compress: true })
    }
    zip.end()
    zip.outputStream
      .pipe(fs.createWriteStream(file))
      .on("finish", () => resolve(fs.statSync(file).size))
      .on("error", reject)
  })

const main = async () => {
  process.env.CARABASE_TEST_APP_PASSWORD = await prepareAppRole()
  const db = await createDatabase("bench_import")
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
  const zipFile = path.join(os.tmpdir(), `carabase-bench-vault-${process.pid}.zip`)
  try {
    await host.ready()
    const pid = host.child.pid!
    const created = await fetch(`${base}/api/v1/workspaces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Bench" })
    })
    const workspace = ((await created.json()) as { workspace: { id: string } }).workspace.id
    const zipBytes = await vaultZip(zipFile)
    console.log(`vault: ${FILES} files (${DAILY} daily notes), zip ${(zipBytes / 1024 / 1024).toFixed(1)} MB`)

    const runOnce = async (label: string) => {
      const idle = rssMb(pid)
      const samples: Array<{ done: number; rss: number }> = []
      const started = performance.now()
      const response = await fetch(`${base}/api/v1/imports`, {
        method: "POST",
        headers: { "content-type": "application/zip", "x-workspace-id": workspace },
        body: fs.createReadStream(zipFile) as unknown as BodyInit,
        duplex: "half"
      } as RequestInit)
      if (response.status !== 202) throw new Error(`POST /imports: ${response.status} ${await response.text()}`)
      const id = ((await response.json()) as { import: { id: string } }).import.id
      let status: { status: string; done: number; total: number; counts: Record<string, number> }
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 500))
        const answer = await fetch(`${base}/api/v1/imports/${id}`, { headers: { "x-workspace-id": workspace } })
        status = ((await answer.json()) as { import: typeof status }).import
        samples.push({ done: status.done, rss: rssMb(pid) })
        if (status.status !== "running") break
      }
      const seconds = (performance.now() - started) / 1000
      const peak = Math.max(...samples.map((sample) => sample.rss))
      const at = (fraction: number) =>
        samples.find((sample) => sample.done >= fraction * status.total)?.rss ?? samples.at(-1)!.rss
      const result = {
        label,
        files: status.total,
        seconds,
        rate: status.total / seconds,
        counts: status.counts,
        idle,
        peak,
        quarters: [0.25, 0.5, 0.75, 1].map(at)
      }
      console.log(
        `${label}: ${status.total} files in ${seconds.toFixed(1)} s (${result.rate.toFixed(0)} files/s), ` +
          `${JSON.stringify(status.counts)}; RSS idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, ` +
          `at 25/50/75/100%: ${result.quarters.map((mb) => mb.toFixed(0)).join("/")} MB`
      )
      if (status.status !== "done") throw new Error(`the run ended ${status.status}`)
      return result
    }

    const first = await runOnce("first import")
    const second = await runOnce("same vault again")
    if (process.env.WRITE === "1") {
      const cpu = os.cpus()[0]?.model ?? "unknown CPU"
      const row = (r: typeof first) =>
        `| ${r.label} | ${r.files} | ${r.seconds.toFixed(1)} | ${r.rate.toFixed(0)} | ${r.counts.created}/${r.counts.updated}/${r.counts.unchanged}/${r.counts.skipped} | ${r.idle.toFixed(0)} | ${r.peak.toFixed(0)} | ${r.quarters.map((mb) => mb.toFixed(0)).join(" / ")} |`
      const report = [
        "",
        `## ${new Date().toISOString().slice(0, 10)}: ${FILES} files (${DAILY} daily notes), ${os.cpus().length} × ${cpu}`,
        "",
        "| run | files | seconds | files/s | created/updated/unchanged/skipped | RSS idle MB | RSS peak MB | RSS at 25 / 50 / 75 / 100 % |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        row(first),
        row(second),
        ""
      ].join("\n")
      fs.appendFileSync(path.join(repoRoot, "test", "bench", "RESULTS.md"), report)
    }
  } finally {
    fs.rmSync(zipFile, { force: true })
    await host.stop()
    await db.drop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
