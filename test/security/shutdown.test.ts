// SIGTERM against a real host that clients are holding open: an MCP session's GET stream (an agent keeps one per
// session), and slow-body clients that send their headers and then a byte a second, beside an idle keep-alive
// connection. The host stops within its 10 s grace and a little more, and exits 0. Before, an open MCP stream kept
// it alive without end (still running 2.5 minutes later), and slow bodies held it up for a minute. And when releasing
// its resources hangs (a database that stopped answering), it gives up 30 s after the signal, saying so, with status 1.
import * as net from "node:net"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { createWorkspace } from "../support/hostSuite"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"

let db: TestDatabase
let host: HostProcess
let port: number
let base: string
let workspace: string
const sockets: Array<net.Socket> = []

beforeAll(async () => {
  db = await createDatabase("security_shutdown")
})

afterAll(async () => {
  await db?.drop()
})

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await host?.stop()
})

const start = async () => {
  port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
  await host.ready()
  workspace = await createWorkspace(base, "Shutdown")
}

/** Sends SIGTERM and answers how the host exited and after how long (or "still running" after `patienceMs`). */
const terminate = async (patienceMs = 20_000) => {
  const sent = Date.now()
  host.child.kill("SIGTERM")
  const exit = await Promise.race([
    host.exited,
    new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), patienceMs))
  ])
  return { exit, seconds: (Date.now() - sent) / 1000 }
}

const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" }

const initialize = async () => {
  const response = await fetch(`${base}/mcp`, {
    method: "POST",
    headers: { ...MCP_HEADERS, "x-workspace-id": workspace },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "agent", version: "1.0.0" } }
    })
  })
  await response.text()
  return response.headers.get("mcp-session-id")!
}

const getStream = (session: string, signal?: AbortSignal) =>
  fetch(`${base}/mcp`, {
    headers: { accept: "text/event-stream", "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" },
    ...(signal === undefined ? {} : { signal })
  })

/** A raw connection to the host, kept for the test to close. */
const dial = () =>
  new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" }, () => resolve(socket))
    socket.once("error", reject)
    socket.on("error", () => undefined)
    sockets.push(socket)
  })

/** Headers announcing a large body, then one byte of it a second for as long as the connection lasts. */
const slowBody = async (path: string, headers: Record<string, string> = {}) => {
  const socket = await dial()
  const lines = Object.entries({ "content-type": "application/json", "content-length": "100000", ...headers }).map(
    ([name, value]) => `${name}: ${value}`
  )
  socket.write(`POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${lines.join("\r\n")}\r\n\r\n{`)
  const drip = setInterval(() => (socket.writable ? socket.write(" ") : clearInterval(drip)), 1_000)
  socket.once("close", () => clearInterval(drip))
  return socket
}

/** A keep-alive connection that finished one request and now sits idle. */
const idleKeepAlive = async () => {
  const socket = await dial()
  await new Promise<void>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("\r\n\r\n")) resolve()
    })
    socket.write(`GET /api/v1/version HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\n\r\n`)
  })
  return socket
}

describe("SIGTERM", () => {
  it("exits 0 within the grace period while an MCP client holds its session's GET stream open", async () => {
    await start()
    const session = await initialize()
    const abort = new AbortController()
    const stream = getStream(session, abort.signal).catch(() => undefined)
    // The host holds the stream once a second GET for the session is refused with 409 (one stream per session).
    for (;;) {
      const second = await getStream(session)
      await second.body?.cancel()
      if (second.status === 409) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const { exit, seconds } = await terminate()
    abort.abort()
    await stream
    expect(exit).toEqual({ code: 0, signal: null })
    expect(seconds).toBeLessThan(12)
  })

  it("exits 0 within the grace period while slow-body clients trickle their bodies and a keep-alive sits idle", async () => {
    await start()
    await slowBody("/api/v1/memories", { "x-workspace-id": workspace })
    await slowBody(`/api/v1/webhooks/generic/${crypto.randomUUID()}`)
    await slowBody("/mcp", { accept: "application/json, text/event-stream", "x-workspace-id": workspace })
    await idleKeepAlive()
    // Let the slow bodies be a few bytes in, as they would be when the host is asked to stop.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    const { exit, seconds } = await terminate()
    expect(exit).toEqual({ code: 0, signal: null })
    expect(seconds).toBeLessThan(12)
  })

  it("exits 1 at its 30 s deadline, saying what was pending, when releasing resources hangs on a silent database", async () => {
    const proxy = await freezableProxy(new URL(db.ownerUrl))
    try {
      port = await freePort()
      host = startHost({
        cwd: scratchDir(),
        env: hostEnv({ ownerUrl: proxy.url(db.ownerUrl), appUrl: proxy.url(db.appUrl) }, port)
      })
      await host.ready()
      proxy.freeze()
      const { exit, seconds } = await terminate(40_000)
      expect(exit).toEqual({ code: 1, signal: null })
      expect(seconds).toBeGreaterThanOrEqual(30)
      expect(seconds).toBeLessThan(35)
      expect(host.stdout()).toMatch(
        /shutdown did not finish within 30s of the signal: still releasing resources .*; pending: .*TCP/
      )
    } finally {
      proxy.close()
    }
  })
})

/** A TCP relay to the database that, once frozen, passes nothing more either way and leaves every connection open. */
const freezableProxy = async (target: URL) => {
  let frozen = false
  const open = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: target.hostname, port: Number(target.port || 5432) })
    for (const [from, to] of [
      [client, upstream],
      [upstream, client]
    ] as const) {
      open.add(from)
      from.on("error", () => undefined)
      from.on("data", (chunk) => frozen || to.write(chunk))
      from.on("close", () => frozen || to.destroy())
    }
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const proxyPort = (server.address() as net.AddressInfo).port
  return {
    url: (url: string) => {
      const via = new URL(url)
      via.hostname = "127.0.0.1"
      via.port = String(proxyPort)
      return via.toString()
    },
    freeze: () => {
      frozen = true
    },
    close: () => {
      for (const socket of open) socket.destroy()
      server.close()
    }
  }
}
