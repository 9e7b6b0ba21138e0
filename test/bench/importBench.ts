// Import benchmark (not a test): a synthetic vault of FILES Markdown files (default 20,000: a daily note for each of
// DAILY days, the rest pages with frontmatter, tags, wiki links and tasks) zipped and sent to POST /api/v1/imports of
// the built host running as its own process; it reports files per second, the run's wall time, and the host's
// resident memory sampled every 500 ms (peak, and at each quarter of the run, to show whether it stays flat), then
// imports the same vault again (every file unchanged). Beside the wall time, which depends on what else the machine
// runs, it reports what does not: the CPU time of the host process and of the database's server processes serving
// the bench's database, and the transactions committed, per file; with STATEMENTS_LOG=<the PostgreSQL server's log
// file> (readable, and the bench connecting as a superuser) also the statements per file, counted in that log with
// the bench's database set to log every statement. Run with `pnpm bench:import` (see test/bench/RESULTS.md);
// FILES=2000 for a quicker run, WRITE=1 to add the report to RESULTS.md. Target: 20,000 files in under 2 minutes.
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import yazl from "yazl"
import { connect, createDatabase, prepareAppRole } from "../support/database"
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

/** CPU seconds (user + system) a process has used, from /proc (Linux); 0 once it is gone. */
const cpuSeconds = (pid: number) => {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

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
  const statementsLog = process.env.STATEMENTS_LOG
  if (statementsLog !== undefined) {
    // Set before the host connects: a session reads it when it starts.
    const client = await connect(db.ownerUrl)
    await client.query(`alter database ${db.name} set log_statement = 'all'`)
    await client.end()
  }
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

    // The database side, read as the owner: the server processes serving the bench's database and its commits.
    const owner = await connect(db.ownerUrl)
    const databaseSide = async () => {
      const backends = await owner.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [db.name]
      )
      const commits = await owner.query<{ n: string }>(
        "select xact_commit::text as n from pg_stat_database where datname = $1",
        [db.name]
      )
      return {
        cpu: new Map(backends.rows.map((row) => [row.pid, cpuSeconds(row.pid)])),
        commits: Number(commits.rows[0]!.n)
      }
    }

    /** Statements logged so far for the bench's database (new sessions pick the setting up). */
    const statementsLogged = () =>
      statementsLog === undefined
        ? 0
        : fs
            .readFileSync(statementsLog, "utf8")
            .split("\n")
            .filter((line) => line.includes(`@${db.name} LOG:  `) && /LOG: {2}(statement|execute)/.test(line)).length

    const runOnce = async (label: string) => {
      const idle = rssMb(pid)
      const statementsBefore = statementsLogged()
      const hostCpuBefore = cpuSeconds(pid)
      const dbBefore = await databaseSide()
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
      const hostCpu = cpuSeconds(pid) - hostCpuBefore
      const dbAfter = await databaseSide()
      // A server process that began during the run counts whole; one that ended during it is lost (the pool keeps them).
      const dbCpu = [...dbAfter.cpu].reduce((sum, [backend, cpu]) => sum + cpu - (dbBefore.cpu.get(backend) ?? 0), 0)
      const commits = dbAfter.commits - dbBefore.commits
      const statements = statementsLogged() - statementsBefore
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
        quarters: [0.25, 0.5, 0.75, 1].map(at),
        hostCpu,
        dbCpu,
        commits,
        statements,
        load: os.loadavg()
      }
      console.log(
        `${label}: ${status.total} files in ${seconds.toFixed(1)} s (${result.rate.toFixed(0)} files/s), ` +
          `${JSON.stringify(status.counts)}; RSS idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, ` +
          `at 25/50/75/100%: ${result.quarters.map((mb) => mb.toFixed(0)).join("/")} MB; CPU host ${hostCpu.toFixed(1)} s, ` +
          `database ${dbCpu.toFixed(1)} s (${((1000 * (hostCpu + dbCpu)) / status.total).toFixed(2)} ms/file), ` +
          `${(commits / status.total).toFixed(3)} commits/file` +
          (statementsLog === undefined ? "" : `, ${(statements / status.total).toFixed(2)} statements/file`) +
          `; load ${result.load.map((n) => n.toFixed(1)).join(" ")}`
      )
      if (status.status !== "done") throw new Error(`the run ended ${status.status}`)
      return result
    }

    const first = await runOnce("first import")
    const second = await runOnce("same vault again")
    if (process.env.WRITE === "1") {
      const cpu = os.cpus()[0]?.model ?? "unknown CPU"
      const row = (r: typeof first) =>
        `| ${r.label} | ${r.files} | ${r.seconds.toFixed(1)} | ${r.rate.toFixed(0)} | ${r.counts.created}/${r.counts.updated}/${r.counts.unchanged}/${r.counts.skipped} | ${r.idle.toFixed(0)} | ${r.peak.toFixed(0)} | ${r.quarters.map((mb) => mb.toFixed(0)).join(" / ")} | ${r.hostCpu.toFixed(1)} / ${r.dbCpu.toFixed(1)} | ${(r.commits / r.files).toFixed(3)} | ${r.load.map((n) => n.toFixed(1)).join(" ")} |`
      const report = [
        "",
        `## ${new Date().toISOString().slice(0, 10)}: ${FILES} files (${DAILY} daily notes), ${os.cpus().length} × ${cpu}`,
        "",
        "| run | files | seconds | files/s | created/updated/unchanged/skipped | RSS idle MB | RSS peak MB | RSS at 25 / 50 / 75 / 100 % | CPU s host / database | commits/file | load average at end |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        row(first),
        row(second),
        ""
      ].join("\n")
      fs.appendFileSync(path.join(repoRoot, "test", "bench", "RESULTS.md"), report)
    }
    await owner.end()
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
