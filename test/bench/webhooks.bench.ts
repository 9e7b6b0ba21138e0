// Verified Slack deliveries per second through the host (read raw body, channel lookup under RLS, open the sealed
// secret, HMAC check, dedup insert, commit) against a bare node:http handler doing the same HMAC check and nothing
// else, in the same run and from the same client. Each bench iteration sends a batch of concurrent deliveries, each
// with a fresh event_id so every one is stored. Run: pnpm bench:webhooks (build first: node scripts/build.mjs).
import { spawn, type ChildProcess } from "node:child_process"
import { createHmac } from "node:crypto"
import { afterAll, beforeAll, bench, describe } from "vitest"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { canConnect, freePort } from "../support/ports"

const SECRET = "benchslacksigningsecret37a1625fa"
const BATCH = Number(process.env.BENCH_BATCH ?? 64)
const TIME = Number(process.env.BENCH_TIME_MS ?? 5000)

/** The baseline: read the body (1 MiB cap), check the Slack signature and window, parse the JSON, answer 200. */
const BARE_SERVER = `
const http = require("node:http"), crypto = require("node:crypto")
const secret = ${JSON.stringify(SECRET)}
http.createServer((req, res) => {
  const chunks = []; let size = 0
  req.on("data", (c) => { size += c.length; if (size <= 1048576) chunks.push(c) })
  req.on("end", () => {
    const body = Buffer.concat(chunks)
    const ts = req.headers["x-slack-request-timestamp"] ?? "", sig = req.headers["x-slack-signature"] ?? ""
    const ok = size <= 1048576 && /^\\d{1,12}$/.test(ts) && /^v0=[0-9a-f]{64}$/i.test(sig) &&
      Math.abs(Date.now() / 1000 - Number(ts)) <= 300 &&
      crypto.timingSafeEqual(crypto.createHmac("sha256", secret).update("v0:" + ts + ":").update(body).digest(), Buffer.from(sig.slice(3), "hex"))
    if (ok) JSON.parse(body.toString("utf8"))
    res.writeHead(ok ? 200 : 401).end()
  })
}).listen(Number(process.argv[1]), "127.0.0.1")
`

let db: TestDatabase
let host: HostProcess
let bare: ChildProcess
let hostUrl = ""
let bareUrl = ""
let sequence = 0
const totals = { host: { deliveries: 0, ms: 0 }, bare: { deliveries: 0, ms: 0 } }

const delivery = () => {
  const body = JSON.stringify({
    type: "event_callback",
    team_id: "T1",
    event_id: `EvBench${process.pid}x${++sequence}`,
    event: { type: "message", channel: "C1", user: "U1", text: "benchmark message", ts: "1700000000.000100" }
  })
  const ts = Math.floor(Date.now() / 1000)
  const signature = `v0=${createHmac("sha256", SECRET).update(`v0:${ts}:${body}`).digest("hex")}`
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signature
    }
  }
}

const batch = async (url: string, into: { deliveries: number; ms: number }) => {
  const started = performance.now()
  const statuses = await Promise.all(
    Array.from({ length: BATCH }, async () => {
      const { body, headers } = delivery()
      const response = await fetch(url, { method: "POST", body, headers })
      await response.arrayBuffer()
      return response.status
    })
  )
  if (statuses.some((status) => status !== 200)) throw new Error(`unexpected statuses: ${[...new Set(statuses)]}`)
  into.ms += performance.now() - started
  into.deliveries += BATCH
}

beforeAll(async () => {
  db = await createDatabase("bench_webhooks")
  const port = await freePort()
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, { LOG_LEVEL: "warning" }) })
  await host.ready()
  const base = `http://127.0.0.1:${port}`
  const workspace = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "bench" } }))).workspace.id
  const channel = await runClient(
    base,
    (api) => api.channels.create({ payload: { kind: "slack", name: "bench", signingSecret: SECRET } }),
    workspace
  )
  hostUrl = `${base}${new URL(channel.channel.webhookUrl).pathname}`
  const barePort = await freePort()
  bare = spawn(process.execPath, ["-e", BARE_SERVER, String(barePort)], { stdio: "inherit" })
  while (!(await canConnect(barePort))) await new Promise((resolve) => setTimeout(resolve, 20))
  bareUrl = `http://127.0.0.1:${barePort}/`
  // Warm both (JIT, pools, connections) before measuring.
  for (let i = 0; i < 5; i++) {
    await batch(hostUrl, { deliveries: 0, ms: 0 })
    await batch(bareUrl, { deliveries: 0, ms: 0 })
  }
}, 120_000)

afterAll(async () => {
  const rate = (t: { deliveries: number; ms: number }) => (t.deliveries / t.ms) * 1000
  const hostRate = rate(totals.host)
  const bareRate = rate(totals.bare)
  console.log(
    [
      "",
      `batch ${BATCH} concurrent deliveries, ~${TIME} ms per side`,
      `host:      ${hostRate.toFixed(0)} verified Slack deliveries/s (${totals.host.deliveries} stored)`,
      `bare node: ${bareRate.toFixed(0)} verified Slack deliveries/s`,
      `ratio host/bare: ${(hostRate / bareRate).toFixed(2)} (target >= 0.5)`
    ].join("\n")
  )
  bare?.kill("SIGKILL")
  await host?.stop()
  await db?.drop()
})

describe("verified Slack deliveries", () => {
  bench(`through the host (${BATCH} concurrent per iteration)`, () => batch(hostUrl, totals.host), { time: TIME })
  bench(`bare node:http + HMAC (${BATCH} concurrent per iteration)`, () => batch(bareUrl, totals.bare), { time: TIME })
})
