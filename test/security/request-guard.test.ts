// The request guard as an attacker meets it, over raw HTTP against a real host: a rebinding page's Host is refused on
// every route the API declares (and on the admin UI, OpenAPI and MCP), writes carrying a foreign Origin, a cross-site
// Sec-Fetch-Site or a body that is not application/json are refused on every write route, ?workspace= no longer names
// the workspace of a write, bodies over the JSON limit are refused before they are buffered (memory stays bounded),
// deep nesting is a 400, and decode errors never quote a submitted secret. Nothing refused is written.
import * as http from "node:http"
import * as net from "node:net"
import * as os from "node:os"
import type { HttpApiEndpoint } from "@effect/platform"
import { HttpApi } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { CarabaseApi } from "../../src/Api"
import { call, createWorkspace, processHostSuite } from "../support/hostSuite"
import { rssMb } from "../support/rss"

const suite = processHostSuite("security_guard")
const ZERO_ID = "00000000-0000-4000-8000-000000000000"

interface Endpoint {
  readonly method: string
  readonly path: string
}
const endpoints: Array<Endpoint> = []
HttpApi.reflect(CarabaseApi, {
  onGroup: () => undefined,
  onEndpoint: ({ endpoint }) => {
    const e = endpoint as unknown as HttpApiEndpoint.HttpApiEndpoint.AnyWithProps
    endpoints.push({ method: e.method, path: e.path })
  }
})
/** A concrete URL for a declared path: every parameter filled with a well-formed value. */
const concrete = (path: string) =>
  path.replace(/:([A-Za-z]+)/g, (_, name: string) =>
    name === "date"
      ? "2026-12-06"
      : name === "provider"
        ? "github"
        : name === "role"
          ? "chat"
          : name === "name"
            ? "memory-distill"
            : ZERO_ID
  )
const reads = endpoints.filter((e) => e.method === "GET")
const writes = endpoints.filter((e) => ["POST", "PUT", "PATCH", "DELETE"].includes(e.method))
const webhookWrite = (e: Endpoint) => e.path.startsWith("/api/v1/webhooks/")

interface Raw {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly text: string
}

/** A request with headers fetch will not send (Host, Sec-Fetch-Site), and an optional body. */
const raw = (method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Raw> =>
  new Promise((resolve, reject) => {
    const url = new URL(`${suite.base}${path}`)
    const framed = body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) }
    const request = http.request(
      { host: url.hostname, port: url.port, path, method, headers: framed, agent: false },
      (response) => {
        let text = ""
        response.on("data", (chunk: Buffer) => (text += chunk.toString()))
        response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, text }))
      }
    )
    request.on("error", reject)
    request.end(body)
  })

const memoriesOf = async (workspace: string) =>
  (
    (await call(suite.base, "GET", "/memories?limit=100", { workspace })).body.memories as Array<{ content: string }>
  ).map((memory) => memory.content)

/**
 * Declares `size` bytes and sends the first MiB, then waits for an answer before sending more: a host that refuses
 * from the declared length answers at once; one that buffers the body only answers once it has had all of it.
 */
const sendDeclared = (path: string, workspace: string, size: number) =>
  new Promise<{ status: number; text: string; sentBytes: number }>((resolve, reject) => {
    const socket = net.connect(Number(new URL(suite.base).port), "127.0.0.1")
    let sent = 0
    let answer = ""
    const chunk = Buffer.alloc(1024 * 1024, 0x61)
    const answered = () => answer.includes("\r\n\r\n")
    const pump = () => {
      while (sent < size && !answered() && !socket.destroyed) {
        sent += chunk.length
        if (!socket.write(chunk)) return socket.once("drain", pump)
      }
    }
    socket.on("connect", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-workspace-id: ${workspace}\r\n` +
          `Content-Length: ${size}\r\n\r\n`
      )
      sent += chunk.length
      socket.write(chunk)
      setTimeout(pump, 3_000)
    })
    socket.on("data", (data: Buffer) => {
      answer += data.toString()
      if (answered()) socket.destroy()
    })
    socket.on("error", () => undefined)
    socket.on("close", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? Number.NaN)
      if (Number.isNaN(status)) reject(new Error(`no answer after ${sent} bytes`))
      else resolve({ status, text: answer.slice(answer.indexOf("\r\n\r\n") + 4), sentBytes: sent })
    })
  })

/** A chunked body of `mb` MiB sent as fast as the host reads; the status, or "closed" when the host hung up first. */
const sendChunked = (path: string, workspace: string, mb: number) =>
  new Promise<{ status: number | "closed"; sentMb: number }>((resolve) => {
    const socket = net.connect(Number(new URL(suite.base).port), "127.0.0.1")
    let sent = 0
    let answer = ""
    const chunk = Buffer.alloc(1024 * 1024, 0x61)
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])
    socket.on("connect", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-workspace-id: ${workspace}\r\n` +
          "Transfer-Encoding: chunked\r\n\r\n"
      )
      const pump = () => {
        while (sent < mb && !socket.destroyed && answer === "") {
          sent++
          if (!socket.write(frame)) return socket.once("drain", pump)
        }
        if (sent >= mb) socket.write("0\r\n\r\n")
      }
      pump()
    })
    socket.on("data", (data: Buffer) => (answer += data.toString()))
    socket.on("error", () => undefined)
    socket.on("close", () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]
      resolve({ status: status === undefined ? "closed" : Number(status), sentMb: sent })
    })
  })

describe("Host allow-list (DNS rebinding)", () => {
  it("every GET route the API declares, the admin UI and the OpenAPI document refuse a name this host is not", async () => {
    const workspace = await createWorkspace(suite.base, "rebind")
    expect(reads.length).toBeGreaterThan(20)
    for (const target of [...reads.map((e) => concrete(e.path)), "/admin/", "/admin/memories", "/api/openapi.json"]) {
      for (const host of [`evil.example:${new URL(suite.base).port}`, `${os.hostname().split(".")[0]}.evil.example`]) {
        const answer = await raw("GET", target, { host, "x-workspace-id": workspace })
        expect(answer.status, `${target} with Host ${host}`).toBe(421)
        expect(JSON.parse(answer.text)).toMatchObject({ _tag: "HostNotAllowed" })
        expect(answer.text).toContain("CARABASE_ALLOWED_HOSTS")
      }
    }
  })

  it("answers to IP literals, loopback names, this machine's name and its tailnet names", async () => {
    const machine = os.hostname().toLowerCase().split(".")[0]!
    for (const host of [
      "127.0.0.1",
      "[::1]:3000",
      "100.64.1.2",
      "localhost",
      "app.localhost",
      machine,
      `${machine}.tail-net.ts.net`
    ]) {
      const answer = await raw("GET", "/api/v1/workspaces", { host })
      expect(answer.status, host).toBe(200)
    }
  })

  it("refuses the rebinding name on MCP too, with a JSON-RPC error", async () => {
    const answer = await raw(
      "POST",
      "/mcp",
      {
        host: `${os.hostname().split(".")[0]}.evil.example`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream"
      },
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} })
    )
    expect(answer.status).toBe(403)
    expect(JSON.parse(answer.text).error.message).toContain("CARABASE_ALLOWED_HOSTS")
  })

  it("leaves inbound webhooks reachable by the public name platforms use", async () => {
    const answer = await raw(
      "POST",
      `/api/v1/webhooks/slack/${ZERO_ID}`,
      { host: "carabase.public-funnel.example", "content-type": "application/json" },
      "{}"
    )
    expect(answer.status).toBe(404)
    expect(answer.text).toContain("no webhook channel")
  })
})

describe("cross-site writes (CSRF)", () => {
  it("every write route refuses a foreign Origin and a cross-site Sec-Fetch-Site, and stores nothing", async () => {
    const workspace = await createWorkspace(suite.base, "csrf")
    const targets = writes.filter((e) => !webhookWrite(e))
    expect(targets.length).toBeGreaterThan(15)
    const body = JSON.stringify({ content: "planted by a page", name: "planted", instruction: "planted" })
    for (const target of targets) {
      const path = concrete(target.path)
      for (const headers of [
        { origin: "http://evil.example" },
        { origin: "null" },
        { "sec-fetch-site": "cross-site" }
      ]) {
        const answer = await raw(
          target.method,
          path,
          {
            ...headers,
            "content-type": "application/json",
            "x-workspace-id": workspace
          },
          body
        )
        expect(answer.status, `${target.method} ${path} ${JSON.stringify(headers)}`).toBe(403)
        expect(JSON.parse(answer.text)).toMatchObject({ _tag: "CrossOriginRequest" })
      }
    }
    expect(await memoriesOf(workspace)).toEqual([])
  })

  it("the import route takes only a zip body: any other type, a form's included, is 415 and starts nothing", async () => {
    const workspace = await createWorkspace(suite.base, "import-type")
    for (const contentType of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json",
      undefined
    ]) {
      const headers: Record<string, string> = { "x-workspace-id": workspace }
      if (contentType !== undefined) headers["content-type"] = contentType
      const answer = await raw("POST", "/api/v1/imports", headers, "PK not really")
      expect(answer.status, `POST /api/v1/imports as ${contentType}: ${answer.text}`).toBe(415)
      expect(JSON.parse(answer.text).message).toContain("application/zip")
    }
    const runs = await fetch(`${suite.base}/api/v1/imports`, { headers: { "x-workspace-id": workspace } })
    expect(((await runs.json()) as { imports: Array<unknown> }).imports).toEqual([])
  })

  it("every JSON write route refuses a body that is not application/json with 415, and stores nothing", async () => {
    const workspace = await createWorkspace(suite.base, "content-type")
    const targets = writes.filter(
      (e) => !webhookWrite(e) && e.path !== "/api/v1/artifacts/upload" && e.path !== "/api/v1/imports"
    )
    const body = JSON.stringify({ content: "planted as text/plain" })
    for (const target of targets) {
      const path = concrete(target.path)
      for (const contentType of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        undefined
      ]) {
        const headers: Record<string, string> = { "x-workspace-id": workspace }
        if (contentType !== undefined) headers["content-type"] = contentType
        const answer = await raw(target.method, path, headers, body)
        expect(answer.status, `${target.method} ${path} as ${contentType}`).toBe(415)
        expect(JSON.parse(answer.text).message).toContain("application/json")
      }
    }
    expect(await memoriesOf(workspace)).toEqual([])
  })

  it("a write from this host's own page (same Origin as its Host) still works", async () => {
    const workspace = await createWorkspace(suite.base, "same-origin")
    const answer = await raw(
      "POST",
      "/api/v1/memories",
      {
        origin: suite.base,
        "sec-fetch-site": "same-origin",
        "content-type": "application/json; charset=utf-8",
        "x-workspace-id": workspace
      },
      JSON.stringify({ content: "written by the admin UI" })
    )
    expect(answer.status).toBe(201)
    expect(await memoriesOf(workspace)).toEqual(["written by the admin UI"])
  })

  it("?workspace= does not name the workspace of a write, only of a GET stream", async () => {
    const workspace = await createWorkspace(suite.base, "query")
    const write = await raw(
      "POST",
      `/api/v1/memories?workspace=${workspace}`,
      { "content-type": "application/json" },
      JSON.stringify({ content: "named by the URL" })
    )
    expect(write.status).toBe(400)
    expect(JSON.parse(write.text).message).toContain("x-workspace-id")
    expect(await memoriesOf(workspace)).toEqual([])
    const abort = new AbortController()
    const stream = await fetch(`${suite.base}/api/v1/events?workspace=${workspace}`, { signal: abort.signal })
    expect(stream.status).toBe(200)
    abort.abort()
  })
})

describe("body limits", () => {
  it("refuses a declared 100 MB body with 413 before it is sent, four at once, memory unchanged", async () => {
    const workspace = await createWorkspace(suite.base, "huge")
    const before = rssMb(suite.pid)
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => sendDeclared("/api/v1/memories", workspace, 100 * 1024 * 1024))
    )
    for (const answer of answers) {
      expect(answer.status).toBe(413)
      expect(answer.text).toContain("CARABASE_MAX_JSON_BYTES")
      expect(answer.sentBytes).toBeLessThanOrEqual(1024 * 1024)
    }
    expect(rssMb(suite.pid) - before).toBeLessThan(100)
  })

  it("stops reading a chunked body at the limit: four 100 MB streams leave the host's memory bounded", async () => {
    const workspace = await createWorkspace(suite.base, "chunked")
    const before = rssMb(suite.pid)
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => sendChunked("/api/v1/memories", workspace, 100)))
    for (const outcome of outcomes)
      expect(outcome.status === 413 || outcome.status === "closed", String(outcome.status)).toBe(true)
    for (const outcome of outcomes) expect(outcome.sentMb).toBeLessThan(100)
    expect(rssMb(suite.pid) - before).toBeLessThan(150)
    expect(await memoriesOf(workspace)).toEqual([])
  })

  it("answers 400, not 500, to JSON nested 3,000 levels deep, on the API and on MCP", async () => {
    const workspace = await createWorkspace(suite.base, "deep")
    const deep = `{"content":${"[".repeat(3000)}${"]".repeat(3000)}}`
    const api = await raw(
      "POST",
      "/api/v1/memories",
      { "content-type": "application/json", "x-workspace-id": workspace },
      deep
    )
    expect(api.status).toBe(400)
    expect(JSON.parse(api.text).message).toContain("nests deeper than")
    const mcp = await raw(
      "POST",
      `/mcp?workspace=${workspace}`,
      { "content-type": "application/json", accept: "application/json, text/event-stream" },
      `{"jsonrpc":"2.0","id":1,"method":"initialize","params":${"[".repeat(3000)}${"]".repeat(3000)}}`
    )
    expect(mcp.status).toBe(400)
    expect((await raw("GET", "/api/v1/health", {})).status).toBe(200)
  })

  it("still takes a large legitimate body: a daily note with a 1.5 MiB paste", async () => {
    const workspace = await createWorkspace(suite.base, "large")
    const text = "pasted ".repeat(230_000).slice(0, 1536 * 1024)
    const documentState = [{ type: "paragraph", content: [{ type: "text", text }] }]
    const answer = await call(suite.base, "PATCH", "/daily-notes/2026-12-06", { workspace, body: { documentState } })
    expect(answer.status).toBe(200)
    expect(answer.body.documentState[0].content[0].text).toHaveLength(text.length)
  })
})

describe("decode errors", () => {
  it("never quote a submitted secret, whatever its type", async () => {
    const workspace = await createWorkspace(suite.base, "secrets")
    const cases: Array<[string, string, Record<string, unknown>, ReadonlyArray<string>]> = [
      [
        "POST",
        "/webhook-channels",
        { kind: "slack", name: "s", signingSecret: "abc", botToken: 98765432123 },
        ["98765432123"]
      ],
      [
        "POST",
        "/webhook-channels",
        { kind: "slack", name: "s", signingSecret: ["sig-secret-value-4821"] },
        ["sig-secret-value-4821"]
      ],
      ["PUT", "/model-routes/chat", { provider: "ollama", model: "m", apiKey: ["sk-live-7c1d9e"] }, ["sk-live-7c1d9e"]],
      [
        "PUT",
        "/model-routes/chat",
        { provider: "ollama", model: "m", apiKey: { key: "sk-nested-55aa" } },
        ["sk-nested-55aa"]
      ],
      ["POST", "/oauth-apps", { provider: "github", clientId: "id", clientSecret: 4242424242 }, ["4242424242"]]
    ]
    for (const [method, path, body, secrets] of cases) {
      const answer = await raw(
        method,
        `/api/v1${path}`,
        { "content-type": "application/json", "x-workspace-id": workspace },
        JSON.stringify(body)
      )
      expect(answer.status, `${method} ${path}`).toBe(400)
      for (const secret of secrets) expect(answer.text, `${method} ${path}`).not.toContain(secret)
      expect(answer.text).toContain("<redacted>")
    }
  })
})
