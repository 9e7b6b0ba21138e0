// Export benchmark (not a test): a large workspace (default NOTES=20,000 daily notes of about 1.5 KB, MEMORIES=20,000,
// ENTITIES=100,000 with as many edges, SESSIONS=1,000 chat sessions of 10 messages) written straight into a fresh
// database, then exported through GET /api/v1/export of the built host running as its own process, read to its end
// as fast as the client takes it; it reports the seconds, the archive's size and MB/s, the host's CPU seconds (what
// a loaded machine distorts least), and the host's resident memory
// sampled every 250 ms (idle before the request, peak, and when a quarter, half, three quarters and all of the archive
// had arrived, to show whether it stays flat). BASELINE=<path to another build's main.js> (e.g. of main) exports the
// same database with that build first, so before and after sit in one report. Run with `pnpm bench:export` (see
// test/bench/RESULTS.md); WRITE=1 adds the report to RESULTS.md.
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import pg from "pg"
import { createDatabase, prepareAppRole } from "../support/database"
import { hostEnv, repoRoot, scratchDir, startHost } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { rssMb } from "../support/rss"

const NOTES = Number(process.env.NOTES ?? 20_000)
const MEMORIES = Number(process.env.MEMORIES ?? 20_000)
const ENTITIES = Number(process.env.ENTITIES ?? 100_000)
const SESSIONS = Number(process.env.SESSIONS ?? 1_000)
const BASELINE = process.env.BASELINE

const text = (g: string) =>
  `'Day ' || ${g} || ': ' || repeat(md5(${g}::text) || ' ' || md5((${g} + 1)::text) || ' ', 12)`
const textNode = (value: string) => `jsonb_build_object('type', 'text', 'text', ${value})`
const paragraph = (value: string) =>
  `jsonb_build_object('type', 'paragraph', 'content', jsonb_build_array(${textNode(value)}))`

/** Everything the export reads, written as the owner in a few statements (the services would take hours for this). */
const seed = async (ownerUrl: string, workspace: string) => {
  const client = new pg.Client({ connectionString: ownerUrl })
  await client.connect()
  try {
    await client.query(
      `insert into daily_notes (workspace_id, date, document, text_content)
       select $1, date '1960-01-01' + g,
              jsonb_build_array(
                ${paragraph(text("g"))},
                jsonb_build_object('type', 'taskList', 'content', jsonb_build_array(
                  jsonb_build_object('type', 'taskItem', 'attrs', jsonb_build_object('checked', g % 2 = 0),
                                     'content', jsonb_build_array(${paragraph("'Task ' || g")}))))),
              ${text("g")}
         from generate_series(0, $2 - 1) g`,
      [workspace, NOTES]
    )
    await client.query(
      `insert into memories (workspace_id, content, created_at)
       select $1, 'Memory ' || g || ': ' || md5(g::text) || ' ' || md5((g * 7)::text), now() - g * interval '1 minute'
         from generate_series(0, $2 - 1) g`,
      [workspace, MEMORIES]
    )
    await client.query(
      `insert into entities (workspace_id, name, type, aliases, metadata)
       select $1, 'Entity ' || g, 'concept', array['E' || g], jsonb_build_object('source', 'bench', 'n', g)
         from generate_series(0, $2 - 1) g`,
      [workspace, ENTITIES]
    )
    await client.query(
      `with numbered as (select id, row_number() over (order by id) as r from entities where workspace_id = $1)
       insert into edges (workspace_id, source_id, target_id, type, provenance)
       select $1, a.id, b.id, 'related_to', jsonb_build_object('source', 'bench')
         from numbered a join numbered b on b.r = a.r % $2 + 1`,
      [workspace, ENTITIES]
    )
    await client.query(
      `with made as (
         insert into chat_sessions (workspace_id, title) select $1, 'Session ' || g from generate_series(1, $2) g
         returning id)
       insert into chat_messages (workspace_id, session_id, role, content)
       select $1, made.id, case when m % 2 = 0 then 'user' else 'assistant' end, 'Message ' || m || ' ' || md5(m::text)
         from made cross join generate_series(1, 10) m`,
      [workspace, SESSIONS]
    )
    await client.query("analyze")
  } finally {
    await client.end()
  }
}

/** CPU seconds (user and system) the process has used, from /proc (Linux; clock ticks of 1/100 s). */
const cpuSeconds = (pid: number) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) / 100
}

interface Run {
  readonly label: string
  readonly seconds: number
  readonly cpu: number
  readonly mb: number
  readonly idle: number
  readonly peak: number
  readonly quarters: ReadonlyArray<number>
}

/** Starts `mainJs` on the database, exports the workspace once, stops it. */
const exportWith = async (
  label: string,
  mainJs: string,
  db: { ownerUrl: string; appUrl: string },
  workspace: string
) => {
  const port = await freePort()
  const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port), script: mainJs })
  try {
    await host.ready()
    const pid = host.child.pid!
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const idle = rssMb(pid)
    let bytes = 0
    const samples: Array<{ bytes: number; rss: number }> = []
    // A host that dies mid-export (main's, out of memory) has no resident size left to read.
    const alive = () => host.child.exitCode === null && host.child.signalCode === null
    const timer = setInterval(() => {
      try {
        if (alive()) samples.push({ bytes, rss: rssMb(pid) })
      } catch {
        // it died between the check and the read
      }
    }, 250)
    const started = performance.now()
    const cpuBefore = cpuSeconds(pid)
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/export`, {
        headers: { "x-workspace-id": workspace }
      })
      if (response.status !== 200) throw new Error(`GET /export: ${response.status} ${await response.text()}`)
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length
    } catch (error) {
      if (alive()) throw error
      const exit = await host.exited
      const last = host.stderr().trim().split("\n").slice(-3).join(" / ").slice(0, 300)
      const peak = Math.max(idle, ...samples.map((sample) => sample.rss))
      console.log(
        `${label}: the host died after ${((performance.now() - started) / 1000).toFixed(1)} s and ` +
          `${(bytes / 1024 / 1024).toFixed(1)} MB (exit ${exit.code ?? exit.signal}; RSS idle ${idle.toFixed(0)} MB, ` +
          `last sampled peak ${peak.toFixed(0)} MB): ${last}`
      )
      return {
        label: `${label}: host died (exit ${exit.code ?? exit.signal})`,
        seconds: NaN,
        cpu: NaN,
        mb: bytes / 1024 / 1024,
        idle,
        peak,
        quarters: []
      }
    } finally {
      clearInterval(timer)
    }
    const seconds = (performance.now() - started) / 1000
    const cpu = cpuSeconds(pid) - cpuBefore
    samples.push({ bytes, rss: rssMb(pid) })
    const at = (fraction: number) => samples.find((sample) => sample.bytes >= fraction * bytes)!.rss
    const run: Run = {
      label,
      seconds,
      cpu,
      mb: bytes / 1024 / 1024,
      idle,
      peak: Math.max(idle, ...samples.map((sample) => sample.rss)),
      quarters: [0.25, 0.5, 0.75, 1].map(at)
    }
    console.log(
      `${label}: ${run.mb.toFixed(1)} MB in ${seconds.toFixed(1)} s (${(run.mb / seconds).toFixed(1)} MB/s, host CPU ${cpu.toFixed(1)} s); ` +
        `RSS idle ${idle.toFixed(0)} MB, peak ${run.peak.toFixed(0)} MB, ` +
        `at 25/50/75/100%: ${run.quarters.map((mb) => mb.toFixed(0)).join("/")} MB`
    )
    return run
  } finally {
    await host.stop()
  }
}

const main = async () => {
  process.env.CARABASE_TEST_APP_PASSWORD = await prepareAppRole()
  const db = await createDatabase("bench_export")
  try {
    // A host only to create the workspace (as the owner does), stopped before the data is written.
    const port = await freePort()
    const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
    let workspace: string
    try {
      await host.ready()
      const created = await fetch(`http://127.0.0.1:${port}/api/v1/workspaces`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Bench" })
      })
      workspace = ((await created.json()) as { workspace: { id: string } }).workspace.id
    } finally {
      await host.stop()
    }
    const seeding = performance.now()
    await seed(db.ownerUrl, workspace)
    const shape = `${NOTES} notes, ${MEMORIES} memories, ${ENTITIES} entities and edges, ${SESSIONS} chat sessions`
    console.log(`seeded ${shape} in ${((performance.now() - seeding) / 1000).toFixed(1)} s`)

    const runs: Array<Run> = []
    if (BASELINE !== undefined) runs.push(await exportWith(`baseline (${BASELINE})`, BASELINE, db, workspace))
    runs.push(await exportWith("this build", path.join(repoRoot, "dist", "main.js"), db, workspace))

    if (process.env.WRITE === "1") {
      const cpu = os.cpus()[0]?.model ?? "unknown CPU"
      const n = (value: number) => (Number.isNaN(value) ? "–" : value.toFixed(1))
      const row = (r: Run) =>
        `| ${r.label} | ${r.mb.toFixed(1)} | ${n(r.seconds)} | ${n(r.mb / r.seconds)} | ${n(r.cpu)} | ${r.idle.toFixed(0)} | ${r.peak.toFixed(0)} | ${r.quarters.map((mb) => mb.toFixed(0)).join(" / ") || "–"} |`
      const report = [
        "",
        `## ${new Date().toISOString().slice(0, 10)}: export of ${shape}, ${os.cpus().length} × ${cpu}, load ${os
          .loadavg()
          .map((load) => load.toFixed(1))
          .join(" / ")}`,
        "",
        "| build | zip MB | seconds | MB/s | host CPU s | RSS idle MB | RSS peak MB | RSS at 25 / 50 / 75 / 100 % of the bytes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ...runs.map(row),
        ""
      ].join("\n")
      fs.appendFileSync(path.join(repoRoot, "test", "bench", "RESULTS.md"), report)
    }
  } finally {
    await db.drop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
