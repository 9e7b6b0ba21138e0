// PostgreSQL stopped and restarted under write load, with a real host: during the outage requests get a 503 quickly
// instead of hanging, the host recovers by itself when the server is back, and every write it acknowledged is in the
// database afterwards. The server is the test's own, so stopping it touches no other suite.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { appUrlFor, ensureAppRole, ensureDatabase } from "../../src/bootstrap/Provision"
import { runClient } from "../support/apiClient"
import { connect, runMigrations } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { startPrivateCluster, type PrivateCluster } from "../support/privateCluster"

let cluster: PrivateCluster
let host: HostProcess
let base: string
let workspace: string
const PASSWORD = "outage-test-app-password"

beforeAll(async () => {
  cluster = await startPrivateCluster()
  await ensureAppRole(cluster.url(), PASSWORD)
  await ensureDatabase(cluster.url(), "carabase")
  const ownerUrl = cluster.url("carabase")
  await runMigrations(ownerUrl)
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({
    cwd: scratchDir(),
    env: hostEnv({ ownerUrl, appUrl: appUrlFor(ownerUrl, PASSWORD) }, port)
  })
  await host.ready()
  workspace = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Outage" } }))).workspace.id
}, 180_000)

afterAll(async () => {
  await host?.stop()
  cluster?.destroy()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Outcome {
  readonly status: number
  readonly ms: number
  readonly id?: string
  readonly at: number
}

const write = async (n: number): Promise<Outcome> => {
  const started = Date.now()
  try {
    const response = await fetch(`${base}/api/v1/memories`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-workspace-id": workspace },
      body: JSON.stringify({ content: `memory number ${n}`, source: "outage-test" }),
      signal: AbortSignal.timeout(30_000)
    })
    const body = (await response.json()) as { memory?: { id: string } }
    return {
      status: response.status,
      ms: Date.now() - started,
      at: started,
      ...(body.memory ? { id: body.memory.id } : {})
    }
  } catch {
    return { status: 0, ms: Date.now() - started, at: started }
  }
}

describe("PostgreSQL stopped and restarted under load", () => {
  it("answers 503 quickly during the outage, recovers without a restart, and loses no acknowledged write", async () => {
    const outcomes: Array<Outcome> = []
    let running = true
    let n = 0
    const writers = Array.from({ length: 4 }, async () => {
      while (running) {
        outcomes.push(await write(n++))
        await sleep(20)
      }
    })
    await sleep(1_500)
    const stoppedAt = Date.now()
    cluster.stop()
    await sleep(5_000)
    const restartedAt = Date.now()
    cluster.start()
    // Recovery: the host must serve writes again on its own.
    let recoveredAt = 0
    for (let i = 0; i < 60 && recoveredAt === 0; i++) {
      await sleep(500)
      if (outcomes.some((o) => o.at > restartedAt && o.status === 201)) recoveredAt = Date.now()
    }
    await sleep(1_000)
    running = false
    await Promise.all(writers)

    expect(recoveredAt, "the host never served a write after PostgreSQL came back").toBeGreaterThan(0)
    const during = outcomes.filter((o) => o.at > stoppedAt + 500 && o.at + o.ms < restartedAt)
    expect(during.length).toBeGreaterThan(5)
    for (const outcome of during) {
      expect(outcome.status, JSON.stringify(outcome)).toBe(503)
      expect(outcome.ms, JSON.stringify(outcome)).toBeLessThan(7_000)
    }
    expect(
      outcomes.every((o) => [201, 503].includes(o.status)),
      JSON.stringify(outcomes.filter((o) => ![201, 503].includes(o.status)))
    ).toBe(true)

    const acknowledged = outcomes.flatMap((o) => (o.status === 201 && o.id !== undefined ? [o.id] : []))
    expect(acknowledged.length).toBeGreaterThan(20)
    const owner = await connect(cluster.url("carabase"))
    try {
      const { rows } = await owner.query<{ id: string }>(
        "select id::text as id from memories where id = any($1::uuid[])",
        [acknowledged]
      )
      expect(rows.length).toBe(acknowledged.length)
    } finally {
      await owner.end()
    }
    const health = await (await fetch(`${base}/api/v1/health`)).json()
    expect(health.database).toBe("up")
  }, 180_000)
})
