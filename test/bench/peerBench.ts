// The host against its peer reference (not a test): the built host (dist/main.js) and a Fastify 5 + pg server doing
// the same routes the conventional way (test/bench/peer/server.ts), on one fresh database, driven alternately by the
// same load generator (autocannon, keep-alive, CONNECTIONS connections, SECONDS each), ROUNDS rounds with the order
// flipped every round. Prints per route and side the requests per second and p95 latency of every run, and the ratio
// host / peer of each round with its spread; plus the host's boot to first healthy answer and its resident memory at
// idle. Both servers run on the node that runs this script (so `<node 24> test/bench/run.mjs peerBench` measures Node
// 24). Run: pnpm bench:peer (ROUNDS, SECONDS, CONNECTIONS, MEMORIES, BOOTS, WRITE=1 to add the report to
// test/bench/RESULTS.md under "Host against its peer").
import autocannon from "autocannon"
import { build } from "esbuild"
import { spawn } from "node:child_process"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { createDatabase, prepareAppRole } from "../support/database"
import { hostEnv, repoRoot, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { canConnect, freePort } from "../support/ports"
import { rssMb } from "../support/rss"

const ROUNDS = Number(process.env.ROUNDS ?? 3)
const SECONDS = Number(process.env.SECONDS ?? 4)
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16)
const MEMORIES = Number(process.env.MEMORIES ?? 50)
const BOOTS = Number(process.env.BOOTS ?? 3)
const WARMUP = Number(process.env.WARMUP ?? 3)
const BASELINE = process.env.BASELINE
const NOTE_DATE = "2026-06-01"
// Slack issues 32 lowercase hex characters (the host checks the shape).
const SLACK_SECRET = crypto.randomBytes(16).toString("hex")

const WORDS =
  "harbor lantern copper meadow orbit velvet quarry signal timber walnut ember falcon garnet hollow iris jasper".split(
    " "
  )
const pick = (i: number) => WORDS[i % WORDS.length]!
const memoryText = (i: number) =>
  `Memory ${i}: the ${pick(i)} near the ${pick(i * 7 + 3)} holds the ${pick(i * 5 + 1)} of the ${pick(i * 3 + 2)} project`
const QUERIES = Array.from({ length: 64 }, (_, i) => `${pick(i)} ${pick(i * 5 + 1)}`)

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(" ")

interface Route {
  readonly name: string
  readonly method: "GET" | "POST"
  readonly path: (base: Side) => string
  readonly headers: (side: Side) => Record<string, string>
  /** A fresh body for every request (search queries rotate, webhook deliveries are new events, signed now). */
  readonly body?: (side: Side) => { body: string; headers: Record<string, string> }
  readonly status: number
}

interface Side {
  readonly name: "host" | "peer"
  readonly pid: number
  readonly port: number
  readonly workspace: string
  readonly channel: string
}

interface Run {
  readonly rps: number
  readonly p95: number
  readonly p50: number
  readonly errors: number
  readonly load: string
  /** CPU time (user + system) the server process spent per answered request, in microseconds. */
  readonly cpuUs: number
}

/** User + system CPU time of a process so far, in microseconds (from /proc, in clock ticks of 10 ms). */
const cpuTimeUs = (pid: number) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}

let sequence = 0
const slackDelivery = () => {
  const n = ++sequence
  // An event without a message (a reaction): both sides store the event and nothing else. The host would also write
  // a message into the day's note; the peer has no notes, so the benchmark leaves messages out on both.
  const body = JSON.stringify({
    type: "event_callback",
    team_id: "T0BENCH",
    event_id: `Ev${process.pid}x${n}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: "reaction_added", user: "U0BENCH", reaction: "thumbsup", item: { type: "message", ts: `${n}.0001` } }
  })
  const timestamp = String(Math.floor(Date.now() / 1000))
  const signature = `v0=${crypto.createHmac("sha256", SLACK_SECRET).update(`v0:${timestamp}:${body}`).digest("hex")}`
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": signature
    }
  }
}

const allRoutes: ReadonlyArray<Route> = [
  { name: "GET /version", method: "GET", path: () => "/api/v1/version", headers: () => ({}), status: 200 },
  {
    name: "GET /memories?limit=20",
    method: "GET",
    path: () => "/api/v1/memories?limit=20",
    headers: (side) => ({ "x-workspace-id": side.workspace }),
    status: 200
  },
  {
    name: `GET /daily-notes/${NOTE_DATE}`,
    method: "GET",
    path: () => `/api/v1/daily-notes/${NOTE_DATE}`,
    headers: (side) => ({ "x-workspace-id": side.workspace }),
    status: 200
  },
  {
    name: "POST /harvest/search",
    method: "POST",
    path: () => "/api/v1/harvest/search",
    headers: (side) => ({ "x-workspace-id": side.workspace }),
    body: () => ({
      body: JSON.stringify({ query: QUERIES[++sequence % QUERIES.length], limit: 5 }),
      headers: { "content-type": "application/json" }
    }),
    status: 200
  },
  {
    name: "POST /webhooks/slack (stored)",
    method: "POST",
    path: (side) => `/api/v1/webhooks/slack/${side.channel}`,
    headers: () => ({}),
    body: slackDelivery,
    status: 200
  }
]

/** ONLY=<regex> keeps the routes whose name matches (to profile one). */
const routes = allRoutes.filter((route) => new RegExp(process.env.ONLY ?? "").test(route.name))

const drive = (route: Route, side: Side, seconds: number): Promise<Run> =>
  new Promise((resolve, reject) => {
    const latencies: Array<number> = []
    let wrong = 0
    const load = loadAverage()
    const cpuBefore = cpuTimeUs(side.pid)
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${side.port}`,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: route.method,
            path: route.path(side),
            headers: route.headers(side),
            setupRequest: (request) => {
              if (route.body === undefined) return request
              const { body, headers } = route.body(side)
              return { ...request, body, headers: { ...route.headers(side), ...headers } }
            }
          }
        ],
        setupClient: (client) => {
          client.on("response", (status, _bytes, responseTime) => {
            if (status !== route.status) wrong++
            latencies.push(responseTime)
          })
        }
      },
      (error, result) => {
        if (error) return reject(error)
        latencies.sort((a, b) => a - b)
        resolve({
          cpuUs: (cpuTimeUs(side.pid) - cpuBefore) / Math.max(1, latencies.length),
          rps: latencies.length / seconds,
          p95: percentile(latencies, 95),
          p50: percentile(latencies, 50),
          errors: wrong + result.errors + result.timeouts,
          load
        })
      }
    )
    void instance
  })

const json = async (port: number, method: string, url: string, body: unknown, workspace?: string) => {
  const response = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(workspace === undefined ? {} : { "x-workspace-id": workspace })
    },
    body: JSON.stringify(body)
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`)
  return JSON.parse(text) as Record<string, any>
}

const bootToHealthy = async (db: { ownerUrl: string; appUrl: string }) => {
  const port = await freePort()
  const started = performance.now()
  const nodeArgs = process.env.HOST_NODE_ARGS?.split(" ").filter(Boolean)
  const booted = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, port, { LOG_LEVEL: "warning" }),
    ...(nodeArgs === undefined ? {} : { nodeArgs })
  })
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`)
        .then((r) => r.status === 200)
        .catch(() => false)
      if (ok) return { ms: performance.now() - started, cpuMs: cpuTimeUs(booted.child.pid!) / 1000 }
      if (booted.child.exitCode !== null) throw new Error(`host exited: ${booted.stderr()}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  } finally {
    if (nodeArgs !== undefined) {
      booted.child.kill("SIGTERM")
      await booted.exited
    }
    await booted.stop()
  }
}

const stats = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return { min: sorted[0]!, median: percentile(sorted, 50), max: sorted[sorted.length - 1]! }
}
const fmt = (n: number, digits = 0) => n.toFixed(digits)

const main = async () => {
  process.env.CARABASE_TEST_APP_PASSWORD = await prepareAppRole()
  const db = await createDatabase("bench_peer")
  console.log(`database ${db.name}; node ${process.version}; load ${loadAverage()}`)

  const boots: Array<{ ms: number; cpuMs: number }> = []
  for (let i = 0; i < BOOTS; i++) boots.push(await bootToHealthy(db))
  console.log(`boot to healthy: ${boots.map((boot) => `${fmt(boot.ms)} ms (${fmt(boot.cpuMs)} ms CPU)`).join(", ")}`)

  const hostPort = await freePort()
  // HOST_NODE_ARGS go to the measured host's node only (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": it then stops
  // with SIGTERM, so the profile is written).
  const hostNodeArgs = process.env.HOST_NODE_ARGS?.split(" ").filter(Boolean)
  const host: HostProcess = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, hostPort, { LOG_LEVEL: "warning" }),
    ...(hostNodeArgs === undefined ? {} : { nodeArgs: hostNodeArgs })
  })
  await host.ready()
  const peerOut = path.join(repoRoot, "dist", "bench", "peer.mjs")
  await build({
    entryPoints: [path.join(repoRoot, "test", "bench", "peer", "server.ts")],
    outfile: peerOut,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    // The same version the host was built with, so both answer /version alike.
    define: {
      __CARABASE_VERSION__: JSON.stringify(
        (JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version
      )
    },
    logLevel: "warning"
  })
  let peer: ReturnType<typeof spawn> | undefined
  try {
    const { workspace } = await json(hostPort, "POST", "/api/v1/workspaces", { name: "bench" })
    const workspaceId = workspace.id as string
    for (let i = 0; i < MEMORIES; i++) {
      await json(hostPort, "POST", "/api/v1/memories", { content: memoryText(i), source: "bench" }, workspaceId)
    }
    for (let i = 0; i < 5; i++) {
      await json(
        hostPort,
        "POST",
        "/api/v1/daily-notes/inject",
        { type: "logCard", content: `bench entry ${i} about the ${pick(i)}`, tags: ["bench"], date: NOTE_DATE },
        workspaceId
      )
    }
    const { channel } = await json(
      hostPort,
      "POST",
      "/api/v1/webhook-channels",
      { kind: "slack", name: "bench", signingSecret: SLACK_SECRET },
      workspaceId
    )
    const channelId = channel.id as string

    const idleFrom = cpuTimeUs(host.child.pid!)
    await new Promise((resolve) => setTimeout(resolve, 10_000))
    const idleRss = rssMb(host.child.pid!)
    const idleCpuMs = (cpuTimeUs(host.child.pid!) - idleFrom) / 1000
    // HEAP_SNAPSHOT=1 with HOST_NODE_ARGS=--heapsnapshot-signal=SIGUSR2: a heap snapshot of the idle host, in its cwd.
    if (process.env.HEAP_SNAPSHOT === "1") {
      host.child.kill("SIGUSR2")
      await new Promise((resolve) => setTimeout(resolve, 15_000))
    }
    console.log(`host idle RSS after seeding and 10 s: ${fmt(idleRss)} MB (${fmt(idleCpuMs)} ms of CPU in those 10 s)`)

    const peerPort = await freePort()
    const peerNodeArgs = process.env.PEER_NODE_ARGS?.split(" ").filter(Boolean) ?? []
    // BASELINE=<another build's main.js>: the other side is that build of the host (an A/B of a change against the
    // build it started from, on the same database and under the same load) instead of the Fastify peer.
    peer =
      BASELINE === undefined
        ? spawn(process.execPath, [...peerNodeArgs, peerOut], {
            env: {
              ...process.env,
              PORT: String(peerPort),
              APP_DATABASE_URL: db.appUrl,
              PEER_SLACK_SECRET: SLACK_SECRET
            },
            stdio: ["ignore", "inherit", "inherit"]
          })
        : spawn(process.execPath, [...peerNodeArgs, path.resolve(BASELINE)], {
            cwd: scratchDir(),
            env: hostEnv(db, peerPort, { LOG_LEVEL: "warning" }),
            stdio: ["ignore", "inherit", "inherit"]
          })
    while (!(await canConnect(peerPort))) {
      if (peer.exitCode !== null) throw new Error(`the other side exited (${peer.exitCode}) before listening`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const sides: Record<"host" | "peer", Side> = {
      host: { name: "host", pid: host.child.pid!, port: hostPort, workspace: workspaceId, channel: channelId },
      peer: { name: "peer", pid: peer.pid!, port: peerPort, workspace: workspaceId, channel: channelId }
    }

    // Both answer the same thing before anything is timed.
    for (const route of routes) {
      for (const side of Object.values(sides)) {
        const extra = route.body?.(side)
        const response = await fetch(`http://127.0.0.1:${side.port}${route.path(side)}`, {
          method: route.method,
          headers: { ...route.headers(side), ...extra?.headers },
          ...(extra === undefined ? {} : { body: extra.body })
        })
        const text = await response.text()
        if (response.status !== route.status) {
          throw new Error(`${side.name} ${route.name}: ${response.status} ${text.slice(0, 300)}`)
        }
      }
    }
    console.log("warming up...")
    // The host's JIT needs a few thousand requests per route before it settles (its first 4 s ran at a third of its
    // later rate); the peer's much fewer.
    for (const route of routes) for (const side of Object.values(sides)) await drive(route, side, WARMUP)

    const runs = new Map<string, { host: Array<Run>; peer: Array<Run> }>()
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (["host", "peer"] as const) : (["peer", "host"] as const)
      for (const route of routes) {
        const entry = runs.get(route.name) ?? { host: [], peer: [] }
        runs.set(route.name, entry)
        for (const name of order) {
          const run = await drive(route, sides[name], SECONDS)
          entry[name].push(run)
          console.log(
            `round ${round + 1} ${name} ${route.name}: ${fmt(run.rps)} rps, p50 ${fmt(run.p50, 1)} ms, p95 ${fmt(run.p95, 1)} ms, ` +
              `${fmt(run.cpuUs)} µs CPU/request` +
              `${run.errors > 0 ? `, ${run.errors} errors` : ""} (load ${run.load})`
          )
        }
      }
    }
    const afterRss = rssMb(host.child.pid!)

    const lines: Array<string> = []
    lines.push(
      "| route | host rps | peer rps | host / peer rps (min–max) | host p95 ms | peer p95 ms | p95 host / peer (min–max) | CPU µs/request host, peer (median) |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |"
    )
    for (const [name, { host: h, peer: p }] of runs) {
      const ratios = h.map((run, i) => run.rps / p[i]!.rps)
      const p95Ratios = h.map((run, i) => run.p95 / p[i]!.p95)
      const r = stats(ratios)
      const q = stats(p95Ratios)
      lines.push(
        `| ${name} | ${h.map((x) => fmt(x.rps)).join(", ")} | ${p.map((x) => fmt(x.rps)).join(", ")} | ` +
          `**${r.median.toFixed(2)}** (${r.min.toFixed(2)}–${r.max.toFixed(2)}) | ${h.map((x) => fmt(x.p95, 1)).join(", ")} | ` +
          `${p.map((x) => fmt(x.p95, 1)).join(", ")} | ${q.median.toFixed(2)} (${q.min.toFixed(2)}–${q.max.toFixed(2)}) | ` +
          `${fmt(stats(h.map((x) => x.cpuUs)).median)}, ${fmt(stats(p.map((x) => x.cpuUs)).median)} |`
      )
    }
    const errors = [...runs.values()].flatMap((e) => [...e.host, ...e.peer]).reduce((n, run) => n + run.errors, 0)
    const loads = [...runs.values()].flatMap((e) => [...e.host, ...e.peer]).map((run) => Number(run.load.split(" ")[0]))
    const cpu = os.cpus()
    const machine = `${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${fmt(os.totalmem() / 2 ** 30)} GiB RAM, Linux ${os.release()}, Node ${process.version}`
    const report = [
      `## ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: host / ${BASELINE === undefined ? "peer (Fastify 5 + pg)" : `baseline build ${BASELINE}`}, Node ${process.version}`,
      "",
      `Machine: ${machine}. Load average (1 min) during the runs: ${fmt(Math.min(...loads), 1)} to ${fmt(Math.max(...loads), 1)}.`,
      `${ROUNDS} rounds after ${WARMUP} s of warm-up per route and side, ${CONNECTIONS} keep-alive connections, ${SECONDS} s per run, ${MEMORIES} memories; the order host/peer flips every round. Non-200 answers or errors: ${errors}.`,
      "",
      ...lines,
      "",
      `Host boot to first healthy answer (migrations current): ${boots.map((boot) => `${fmt(boot.ms)} ms (${fmt(boot.cpuMs)} ms of CPU)`).join(", ")}. ` +
        `Host resident memory: ${fmt(idleRss)} MB idle (after seeding, 10 s quiet), ${fmt(afterRss)} MB after the runs.`,
      ""
    ].join("\n")
    console.log(`\n${report}`)
    if (process.env.WRITE === "1" && BASELINE === undefined) {
      const file = path.join(repoRoot, "test", "bench", "RESULTS.md")
      const current = fs.readFileSync(file, "utf8")
      const marker = "<!-- peer results -->\n"
      fs.writeFileSync(file, current.replace(marker, `${marker}\n${report}`))
    }
  } finally {
    if (process.env.PEER_NODE_ARGS !== undefined && peer !== undefined) {
      const exited = new Promise((resolve) => peer!.once("exit", resolve))
      peer.kill("SIGINT")
      await exited
    }
    peer?.kill("SIGKILL")
    if (hostNodeArgs !== undefined) {
      host.child.kill("SIGTERM")
      await host.exited
    }
    await host.stop()
    await db.drop()
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
