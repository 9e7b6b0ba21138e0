// A client opening MCP sessions without end, against a real host with low caps (CARABASE_MCP_MAX_SESSIONS and
// CARABASE_MCP_MAX_SESSIONS_PER_WORKSPACE): the least recently used session goes when a cap is reached (404 on reuse,
// its open stream ended), the newest keep working, and the host's memory stays bounded however many are opened.
// Before, every session lived for an hour after its last use: 5,000 of them added 290 MB.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createWorkspace } from "../support/hostSuite"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { rssMb } from "../support/rss"

const PER_WORKSPACE = 4
const OVERALL = 6

const startMcpHost = async (db: TestDatabase, env: Record<string, string>) => {
  const port = await freePort()
  const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, env) })
  await host.ready()
  return { host, base: `http://127.0.0.1:${port}` }
}

let db: TestDatabase
let host: HostProcess
let base: string
let A: string
let B: string

beforeAll(async () => {
  db = await createDatabase("security_mcp_flood")
  ;({ host, base } = await startMcpHost(db, {
    CARABASE_MCP_MAX_SESSIONS: String(OVERALL),
    CARABASE_MCP_MAX_SESSIONS_PER_WORKSPACE: String(PER_WORKSPACE)
  }))
  A = await createWorkspace(base, "Flood A")
  B = await createWorkspace(base, "Flood B")
})

afterAll(async () => {
  await host?.stop()
  await db?.drop()
})

const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" }

const rpc = (id: number, method: string, params: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: "2.0", id, method, params })

/** A raw initialize, as a flooding client sends it; answers the new session's id. */
const initialize = async (url: string, workspace: string): Promise<string> => {
  const response = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { ...MCP_HEADERS, "x-workspace-id": workspace },
    body: rpc(1, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "flood", version: "1.0.0" }
    })
  })
  await response.text()
  expect(response.status).toBe(200)
  return response.headers.get("mcp-session-id")!
}

/** tools/list on a session: 200 with the tools, or the 404 of a session the host no longer holds. */
const listTools = async (url: string, session: string) => {
  const response = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { ...MCP_HEADERS, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" },
    body: rpc(2, "tools/list")
  })
  const text = await response.text()
  return { status: response.status, text }
}

const works = async (url: string, session: string) => {
  const answer = await listTools(url, session)
  return answer.status === 200 && answer.text.includes('"list_folios"')
}

const evicted = async (url: string, session: string) => {
  const answer = await listTools(url, session)
  return answer.status === 404 && answer.text.includes("unknown or expired MCP session")
}

const getStream = (url: string, session: string, signal?: AbortSignal) =>
  fetch(`${url}/mcp`, {
    headers: { accept: "text/event-stream", "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" },
    ...(signal === undefined ? {} : { signal })
  })

/**
 * The session's GET stream, open once the host holds it (a second GET is then refused with 409: the host sends the
 * first one's headers only with its first event or keep-alive); `ended` resolves when the host ends it.
 */
const openStream = async (url: string, session: string) => {
  const abort = new AbortController()
  const ended = getStream(url, session, abort.signal)
    .then(async (response) => {
      const reader = response.body!.getReader()
      while (!(await reader.read()).done) continue
      return true
    })
    .catch(() => false)
  for (;;) {
    const second = await getStream(url, session)
    await second.body?.cancel()
    if (second.status === 409) break
    expect(second.status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return { ended, abort: () => abort.abort() }
}

const within = <A>(promise: Promise<A>, ms: number) =>
  Promise.race([promise, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms))])

/** Opens `count` sessions in `workspace`, oldest first. */
const openSessions = async (url: string, workspace: string, count: number) => {
  const ids: Array<string> = []
  for (let i = 0; i < count; i++) ids.push(await initialize(url, workspace))
  return ids
}

describe("the MCP session caps", () => {
  it("evicts a workspace's least recently used session once it holds the per-workspace cap, and the newest work", async () => {
    const sessions = await openSessions(base, A, PER_WORKSPACE)
    // Using the oldest makes the second one the least recently used.
    expect(await works(base, sessions[0]!)).toBe(true)
    const newer = await openSessions(base, A, 2)
    expect(await evicted(base, sessions[1]!)).toBe(true)
    expect(await evicted(base, sessions[2]!)).toBe(true)
    for (const id of [sessions[0]!, sessions[3]!, ...newer]) expect(await works(base, id)).toBe(true)
  })

  it("evicts the least recently used session of any workspace once the host holds the overall cap", async () => {
    const inA = await openSessions(base, A, PER_WORKSPACE)
    const inB = await openSessions(base, B, OVERALL - PER_WORKSPACE + 1)
    expect(await evicted(base, inA[0]!)).toBe(true)
    for (const id of [...inA.slice(1), ...inB]) expect(await works(base, id)).toBe(true)
  })

  it("ends the open GET stream of an evicted session", async () => {
    const [listening] = await openSessions(base, B, 1)
    const stream = await openStream(base, listening!)
    try {
      await openSessions(base, B, PER_WORKSPACE)
      expect(await within(stream.ended, 5_000)).toBe(true)
      expect(await evicted(base, listening!)).toBe(true)
    } finally {
      stream.abort()
    }
  })

  it("forgets a session its client deleted, so it no longer counts against the cap", async () => {
    const sessions = await openSessions(base, A, PER_WORKSPACE)
    const deleted = await fetch(`${base}/mcp`, {
      method: "DELETE",
      headers: { "mcp-session-id": sessions[0]!, "mcp-protocol-version": "2025-06-18" }
    })
    expect(deleted.status).toBe(200)
    expect(await evicted(base, sessions[0]!)).toBe(true)
    const [replacement] = await openSessions(base, A, 1)
    for (const id of [...sessions.slice(1), replacement!]) expect(await works(base, id)).toBe(true)
  })

  it("keeps the host's memory flat through a flood of 3,000 initializes", async () => {
    const pid = host.child.pid!
    const flood = async (count: number) => {
      let opened = 0
      await Promise.all(
        Array.from({ length: 8 }, async (_, lane) => {
          while (opened < count) {
            opened++
            await initialize(base, lane % 2 === 0 ? A : B)
          }
        })
      )
    }
    // The first 2,000 grow the heap to its working size, sessions kept or not; growth after that is what is kept.
    await flood(2_000)
    const before = rssMb(pid)
    await flood(3_000)
    const grown = rssMb(pid) - before
    // Uncapped, the same 3,000 added about 140 MB (each session kept for an hour after its last use); capped, about 10.
    expect(grown, `RSS grew ${grown.toFixed(1)} MB`).toBeLessThan(50)
    const newest = await openSessions(base, B, 1)
    expect(await works(base, newest[0]!)).toBe(true)
  })
})

describe("idle MCP sessions", () => {
  let idleDb: TestDatabase
  let idleHost: HostProcess
  let idleBase: string
  let workspace: string

  beforeAll(async () => {
    idleDb = await createDatabase("security_mcp_idle")
    ;({ host: idleHost, base: idleBase } = await startMcpHost(idleDb, { CARABASE_MCP_SESSION_IDLE_SECONDS: "1" }))
    workspace = await createWorkspace(idleBase, "Idle")
  })

  afterAll(async () => {
    await idleHost?.stop()
    await idleDb?.drop()
  })

  it("expires a session unused for CARABASE_MCP_SESSION_IDLE_SECONDS, but not one whose client holds its stream open", async () => {
    const [quiet, listening] = await openSessions(idleBase, workspace, 2)
    const stream = await openStream(idleBase, listening!)
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_500))
      expect(await evicted(idleBase, quiet!)).toBe(true)
      expect(await works(idleBase, listening!)).toBe(true)
    } finally {
      stream.abort()
    }
  })
})
