// PostgreSQL stopped and restarted under write and read load, with a real host: during the outage requests get a 503
// quickly instead of hanging, the host recovers by itself when the server is back, and every write it acknowledged is
// in the database afterwards. Writes go through a transaction (Effect's pool), the reads through one-statement reads on
// the pg pool (RlsScope.rows): both paths must fail fast and recover. The server is the test's own, so stopping it touches no other suite.
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

/** A one-statement read, alternating between two routes that take it. */
const read = async (n: number): Promise<Outcome> => {
  const started = Date.now()
  try {
    const response = await fetch(`${base}/api/v1/${n % 2 === 0 ? "memories?limit=5" : "folios"}`, {
      headers: { "x-workspace-id": workspace },
      signal: AbortSignal.timeout(30_000)
    })
    await response.arrayBuffer()
    return { status: response.status, ms: Date.now() - started, at: started }
  } catch {
    return { status: 0, ms: Date.now() - started, at: started }
  }
}

/**
 * Every request got `ok` or 503, and each one made and answered while the server was down got a 503 within 7 s
 * (no hang), with enough of them that the check means something.
 */
const expectOutageAnswered = (
  kind: string,
  outcomes: ReadonlyArray<Outcome>,
  ok: number,
  outage: { readonly from: number; readonly to: number }
) => {
  const during = outcomes.filter((o) => o.at > outage.from && o.at + o.ms < outage.to)
  expect(during.length, `${kind}s during the outage`).toBeGreaterThan(5)
  for (const outcome of during) {
    expect(outcome.status, `${kind} ${JSON.stringify(outcome)}`).toBe(503)
    expect(outcome.ms, `${kind} ${JSON.stringify(outcome)}`).toBeLessThan(7_000)
  }
  const unexpected = outcomes.filter((o) => ![ok, 503].includes(o.status))
  expect(unexpected, `${kind}s answered neither ${ok} nor 503`).toEqual([])
}

describe("PostgreSQL stopped and restarted under load", () => {
  it("answers 503 quickly during the outage, recovers without a restart, and loses no acknowledged write", async () => {
    const outcomes: Array<Outcome> = []
    let running = true
    let n = 0
    const reads: Array<Outcome> = []
    const writers = Array.from({ length: 4 }, async () => {
      while (running) {
        outcomes.push(await write(n++))
        await sleep(20)
      }
    })
    const readers = Array.from({ length: 2 }, async () => {
      while (running) {
        reads.push(await read(n++))
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
      if (
        outcomes.some((o) => o.at > restartedAt && o.status === 201) &&
        reads.some((o) => o.at > restartedAt && o.status === 200)
      )
        recoveredAt = Date.now()
    }
    await sleep(1_000)
    running = false
    await Promise.all([...writers, ...readers])

    expect(recoveredAt, "the host never served a write and a read after PostgreSQL came back").toBeGreaterThan(0)
    const outage = { from: stoppedAt + 500, to: restartedAt }
    expectOutageAnswered("write", outcomes, 201, outage)
    expectOutageAnswered("read", reads, 200, outage)

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
