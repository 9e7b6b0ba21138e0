// Request throughput of the host against the ceiling for any Node framework, a bare node:http server answering the
// same JSON, measured in the same run from the same client: `GET /api/v1/version`, and a workspace-scoped read
// (`GET /api/v1/memories?limit=20`, workspace middleware + RLS transaction + query) against a bare server answering
// the same 20 memories from memory; and daily-note injects (a log entry into one of a year of notes, and into one busy
// day already holding BUSY_ENTRIES entries) against the bare server answering the same JSON. Also boot to first
// healthy response with migrations current, and resident memory at idle and right after load. Run: pnpm bench:http
// (BENCH_TIME_MS, BENCH_BATCH, BOOTS, BUSY_ENTRIES to tune).
import { spawn, type ChildProcess } from "node:child_process"
import { afterAll, beforeAll, bench, describe } from "vitest"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { canConnect, freePort } from "../support/ports"
import { rssMb } from "../support/rss"

const BATCH = Number(process.env.BENCH_BATCH ?? 32)
const TIME = Number(process.env.BENCH_TIME_MS ?? 5000)
const BOOTS = Number(process.env.BOOTS ?? 3)
const BUSY_ENTRIES = Number(process.env.BUSY_ENTRIES ?? 1000)
const BUSY_DAY = "2025-06-01"

const BARE_SERVER = `
const http = require("node:http")
const [port, version, memories, injected] = process.argv.slice(1)
http.createServer((req, res) => {
  const chunks = []
  req.on("data", (chunk) => chunks.push(chunk))
  req.on("end", () => {
    if (req.method === "POST") JSON.parse(Buffer.concat(chunks).toString("utf8"))
    const body = req.url.startsWith("/api/v1/memories") ? memories : req.method === "POST" ? injected : version
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body)
  })
}).listen(Number(port), "127.0.0.1")
`

let db: TestDatabase
let host: HostProcess
let bare: ChildProcess
let hostBase = ""
let bareBase = ""
let workspace = ""
const totals = {
  hostVersion: { requests: 0, ms: 0 },
  bareVersion: { requests: 0, ms: 0 },
  hostMemories: { requests: 0, ms: 0 },
  bareMemories: { requests: 0, ms: 0 },
  hostInject: { requests: 0, ms: 0 },
  hostInjectBusy: { requests: 0, ms: 0 },
  bareInject: { requests: 0, ms: 0 }
}
const boots: Array<number> = []
let idleRssMb = 0

let entry = 0
/** A log entry for one of a year of daily notes (or for the busy day), as the soak writes them. */
const injectBody = (busy: boolean) => {
  const n = ++entry
  const date = busy ? BUSY_DAY : new Date(Date.UTC(2026, 0, 1) + (n % 365) * 86_400_000).toISOString().slice(0, 10)
  return JSON.stringify({ type: "logCard", content: `bench entry ${n}`, tags: ["bench"], date })
}

const batch = async (
  url: string,
  into: { requests: number; ms: number },
  headers: Record<string, string> = {},
  body?: () => string
) => {
  const started = performance.now()
  const statuses = await Promise.all(
    Array.from({ length: BATCH }, async () => {
      const response = await fetch(
        url,
        body === undefined
          ? { headers }
          : { method: "POST", body: body(), headers: { ...headers, "content-type": "application/json" } }
      )
      await response.arrayBuffer()
      return response.status
    })
  )
  if (statuses.some((status) => status !== 200)) throw new Error(`unexpected statuses: ${[...new Set(statuses)]}`)
  into.ms += performance.now() - started
  into.requests += BATCH
}

/** Time from spawning the built host to its first 200 from /health, on a database whose migrations are current. */
const bootOnce = async () => {
  const port = await freePort()
  const started = performance.now()
  const booted = startHost({ cwd: scratchDir(), env: hostEnv(db, port, { LOG_LEVEL: "warning" }) })
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`)
        .then((r) => r.status === 200)
        .catch(() => false)
      if (ok) return performance.now() - started
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  } finally {
    await booted.stop()
  }
}

beforeAll(async () => {
  db = await createDatabase("bench_http")
  await bootOnce() // migrates; later boots find them current
  for (let i = 0; i < BOOTS; i++) boots.push(await bootOnce())
  const port = await freePort()
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, { LOG_LEVEL: "warning" }) })
  await host.ready()
  hostBase = `http://127.0.0.1:${port}`
  workspace = (await runClient(hostBase, (api) => api.workspaces.create({ payload: { name: "bench" } }))).workspace.id
  for (let i = 0; i < 40; i++) {
    await runClient(
      hostBase,
      (api) => api.memories.create({ payload: { content: `A memory worth keeping, number ${i}`, source: "bench" } }),
      workspace
    )
  }
  const injectedJson = await (
    await fetch(`${hostBase}/api/v1/daily-notes/inject`, {
      method: "POST",
      headers: { "x-workspace-id": workspace, "content-type": "application/json" },
      body: injectBody(false)
    })
  ).text()
  const versionJson = await (await fetch(`${hostBase}/api/v1/version`)).text()
  const memoriesJson = await (
    await fetch(`${hostBase}/api/v1/memories?limit=20`, { headers: { "x-workspace-id": workspace } })
  ).text()
  await new Promise((resolve) => setTimeout(resolve, 10_000))
  idleRssMb = rssMb(host.child.pid!)
  // Seeded after the idle sample, so it measures the host, not the busy day it has just written.
  const ws = { "x-workspace-id": workspace, "content-type": "application/json" }
  for (let i = 0; i < BUSY_ENTRIES; i++) {
    const answer = await fetch(`${hostBase}/api/v1/daily-notes/inject`, {
      method: "POST",
      headers: ws,
      body: injectBody(true)
    })
    if (answer.status !== 200) throw new Error(`seeding the busy day: ${answer.status}`)
  }
  const barePort = await freePort()
  bare = spawn(process.execPath, ["-e", BARE_SERVER, String(barePort), versionJson, memoriesJson, injectedJson], {
    stdio: "inherit"
  })
  while (!(await canConnect(barePort))) await new Promise((resolve) => setTimeout(resolve, 20))
  bareBase = `http://127.0.0.1:${barePort}`
  for (let i = 0; i < 10; i++) {
    await batch(`${hostBase}/api/v1/version`, { requests: 0, ms: 0 })
    await batch(`${bareBase}/api/v1/version`, { requests: 0, ms: 0 })
    await batch(`${hostBase}/api/v1/memories?limit=20`, { requests: 0, ms: 0 }, { "x-workspace-id": workspace })
  }
}, 300_000)

afterAll(async () => {
  const rate = (t: { requests: number; ms: number }) => (t.requests / t.ms) * 1000
  const loadedRssMb = rssMb(host.child.pid!)
  const sorted = [...boots].sort((a, b) => a - b)
  console.log(
    [
      "",
      `batch ${BATCH} concurrent requests, ~${TIME} ms per side`,
      `GET /version:     host ${rate(totals.hostVersion).toFixed(0)}/s, bare ${rate(totals.bareVersion).toFixed(0)}/s, ratio ${(rate(totals.hostVersion) / rate(totals.bareVersion)).toFixed(2)} (target >= 0.8)`,
      `GET /memories 20: host ${rate(totals.hostMemories).toFixed(0)}/s, bare ${rate(totals.bareMemories).toFixed(0)}/s, ratio ${(rate(totals.hostMemories) / rate(totals.bareMemories)).toFixed(2)} (target >= 0.3)`,
      `POST /daily-notes/inject: host ${rate(totals.hostInject).toFixed(0)}/s over a year of notes, ${rate(totals.hostInjectBusy).toFixed(0)}/s into one day of ${BUSY_ENTRIES}+ entries; bare ${rate(totals.bareInject).toFixed(0)}/s; ratio ${(rate(totals.hostInject) / rate(totals.bareInject)).toFixed(2)} (year), ${(rate(totals.hostInjectBusy) / rate(totals.bareInject)).toFixed(2)} (busy day)`,
      `boot to first healthy response (migrations current): median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms over ${boots.length} boots (target < 2000)`,
      `resident memory: ${idleRssMb.toFixed(0)} MB after 10 s idle (target < 200), ${loadedRssMb.toFixed(0)} MB right after load`
    ].join("\n")
  )
  bare?.kill("SIGKILL")
  await host?.stop()
  await db?.drop()
})

describe("requests per second against bare node:http", () => {
  bench("host GET /api/v1/version", () => batch(`${hostBase}/api/v1/version`, totals.hostVersion), { time: TIME })
  bench("bare GET /api/v1/version", () => batch(`${bareBase}/api/v1/version`, totals.bareVersion), { time: TIME })
  bench(
    "host GET /api/v1/memories?limit=20",
    () => batch(`${hostBase}/api/v1/memories?limit=20`, totals.hostMemories, { "x-workspace-id": workspace }),
    { time: TIME }
  )
  bench(
    "bare GET /api/v1/memories?limit=20",
    () => batch(`${bareBase}/api/v1/memories?limit=20`, totals.bareMemories),
    {
      time: TIME
    }
  )
  bench(
    "host POST /api/v1/daily-notes/inject (a year of notes)",
    () =>
      batch(`${hostBase}/api/v1/daily-notes/inject`, totals.hostInject, { "x-workspace-id": workspace }, () =>
        injectBody(false)
      ),
    { time: TIME }
  )
  bench(
    `host POST /api/v1/daily-notes/inject (one day of ${BUSY_ENTRIES}+ entries)`,
    () =>
      batch(`${hostBase}/api/v1/daily-notes/inject`, totals.hostInjectBusy, { "x-workspace-id": workspace }, () =>
        injectBody(true)
      ),
    { time: TIME }
  )
  bench(
    "bare POST /api/v1/daily-notes/inject",
    () => batch(`${bareBase}/api/v1/daily-notes/inject`, totals.bareInject, {}, () => injectBody(false)),
    { time: TIME }
  )
})
