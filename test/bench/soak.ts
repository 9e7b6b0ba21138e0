// Soak (not a test): a real host under mixed load on loopback for SOAK_MINUTES (default 10), with its resident memory
// sampled every 10 s. Load: log entries into a year of daily notes, memories written and listed, searches, task
// reads, health.
// Pass: no error status, and no growth in memory: the second half of the run (the first includes warm-up and JIT) is
// cut in two windows, and the lowest sample of the later window (the floor under the GC sawtooth) may exceed the
// earlier window's by at most SOAK_MAX_MB_PER_MIN (default 1 MB) per minute between them.
// Run with `pnpm bench:soak` (SOAK_MINUTES=2 for a quick look).
import { createDatabase, prepareAppRole } from "../support/database"
import { hostEnv, scratchDir, startHost } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { rssMb } from "../support/rss"

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10)
const MAX_SLOPE = Number(process.env.SOAK_MAX_MB_PER_MIN ?? 1)
const WORKERS = 4

const main = async () => {
  process.env.CARABASE_TEST_APP_PASSWORD = await prepareAppRole()
  const db = await createDatabase("soak")
  const port = await freePort()
  const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, { LOG_LEVEL: "warning" }) })
  await host.ready()
  const base = `http://127.0.0.1:${port}/api/v1`
  const created = await fetch(`${base}/workspaces`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Soak" })
  })
  const workspace = ((await created.json()) as { workspace: { id: string } }).workspace.id
  const headers = { "content-type": "application/json", "x-workspace-id": workspace }
  const statuses = new Map<number, number>()
  let requests = 0
  let n = 0
  const operations: ReadonlyArray<() => Promise<Response>> = [
    () =>
      fetch(`${base}/daily-notes/inject`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          type: "logCard",
          content: `soak entry ${++n}`,
          tags: ["soak"],
          // Spread over a year of notes, as real use is, rather than thousands of entries in one day's document.
          date: new Date(Date.UTC(2026, 0, 1) + (n % 365) * 86_400_000).toISOString().slice(0, 10)
        })
      }),
    () =>
      fetch(`${base}/memories`, {
        method: "POST",
        headers,
        body: JSON.stringify({ content: `soak memory ${++n}`, source: "soak" })
      }),
    () => fetch(`${base}/memories?limit=20`, { headers }),
    () =>
      fetch(`${base}/harvest/search`, {
        method: "POST",
        headers,
        body: JSON.stringify({ query: "soak memory", limit: 5 })
      }),
    () => fetch(`${base}/tasks`, { headers }),
    () => fetch(`${base}/health`)
  ]
  const samples: Array<readonly [number, number]> = []
  const started = Date.now()
  const deadline = started + MINUTES * 60_000
  const sampler = setInterval(() => {
    const minute = (Date.now() - started) / 60_000
    samples.push([minute, rssMb(host.child.pid!)])
    console.log(`${minute.toFixed(1)} min  ${samples.at(-1)![1].toFixed(0)} MB  ${requests} requests`)
  }, 10_000)
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      for (let i = worker; Date.now() < deadline; i++) {
        const response = await operations[i % operations.length]!()
        await response.arrayBuffer()
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
        requests++
      }
    })
  )
  clearInterval(sampler)
  await host.stop()
  await db.drop()
  // Resident memory under load is a garbage-collection sawtooth whose troughs come every minute or three: a leak shows
  // as a rising floor. A minute's lowest sample can miss a trough and a least-squares line through them follows that
  // noise, so each window of the second half is judged by its own lowest sample.
  const floors = new Map<number, number>()
  for (const [minute, mb] of samples) {
    const bucket = Math.floor(minute)
    floors.set(bucket, Math.min(floors.get(bucket) ?? Infinity, mb))
  }
  const floorPoints = [...floors].map(([minute, mb]) => [minute, mb] as const)
  const half = MINUTES / 2
  const window = half / 2
  const lowest = (from: number, to: number) =>
    Math.min(...samples.filter(([minute]) => minute >= from && minute < to).map(([, mb]) => mb))
  const earlier = lowest(half, half + window)
  const later = lowest(half + window, MINUTES + 1)
  const trend = (later - earlier) / window
  const errors = [...statuses].filter(([status]) => status >= 400)
  console.log(
    [
      "",
      `${MINUTES} min, ${requests} requests (${(requests / (MINUTES * 60)).toFixed(0)}/s), statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      `RSS first ${samples[0]?.[1].toFixed(0)} MB, last ${samples.at(-1)?.[1].toFixed(0)} MB, max ${Math.max(...samples.map(([, y]) => y)).toFixed(0)} MB`,
      `per-minute floors: ${floorPoints.map(([m, mb]) => `${m}:${mb.toFixed(0)}`).join(" ")} MB`,
      `floor of minutes ${half}-${half + window}: ${earlier.toFixed(0)} MB, of minutes ${half + window}-${MINUTES}: ${later.toFixed(0)} MB: ${trend.toFixed(2)} MB/min (limit ${MAX_SLOPE})`
    ].join("\n")
  )
  if (errors.length > 0 || trend > MAX_SLOPE) {
    console.log(errors.length > 0 ? `FAIL: error statuses ${JSON.stringify(errors)}` : "FAIL: memory keeps growing")
    process.exit(1)
  }
  console.log("PASS")
}

await main()
