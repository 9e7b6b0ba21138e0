// The nightly jobs that ask the agent gateway: memory-distill, folio-synthesis and dream-cycle, against the fake
// gateway speaking OpenClaw's protocol. Each writes once however often it runs, and a gateway that cannot be
// reached makes the run "skipped" with the reason.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { asOwner, call, createWorkspace } from "../support/hostSuite"
import { createDatabase, type TestDatabase } from "../support/database"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { messagesOf, startFakeProvider } from "../support/fakeProvider"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"

const PASSWORD = "f0".repeat(32)
let db: TestDatabase
let gateway: FakeGateway
let host: HostProcess
let base: string

const reply = (_last: string, body: { messages: Array<{ content: string }> }) => {
  const system = body.messages[0]!.content
  if (system.includes("durable facts")) return "- Ada prefers green tea\n2. The launch moved to Friday\n"
  if (system.includes("reflection")) return "A calm day of small steps."
  if (system.includes("timeline")) return "Surveyed the northern coast and fixed the launch date."
  return "?"
}

beforeAll(async () => {
  db = await createDatabase("gateway_jobs")
  gateway = await startFakeGateway({ passwords: [PASSWORD], reply })
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, port, {
      TZ: "UTC",
      CARABASE_TIMEZONE: "UTC",
      OPENCLAW_GATEWAY_URL: gateway.url,
      OPENCLAW_GATEWAY_PASSWORD: PASSWORD
    })
  })
  await host.ready()
})
afterAll(async () => {
  await host?.stop()
  await gateway?.close()
  await db?.drop()
})

const today = () => new Date().toISOString().slice(0, 10)
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)

const runJob = async (workspace: string, name: string) => {
  // Runs are matched by id: entity extraction's own runs (queued by what a job writes) may be listed above this one.
  type Run = { id: string; name: string; status: string; error: string | null }
  const runs = async () => (await call(base, "GET", "/jobs", { workspace })).body.runs as Array<Run>
  const before = new Set((await runs()).filter((run) => run.name === name).map((run) => run.id))
  expect((await call(base, "POST", `/jobs/${name}/run`, { workspace })).status).toBe(202)
  for (let i = 0; i < 150; i++) {
    const done = (await runs()).find((run) => run.name === name && !before.has(run.id) && run.status !== "running")
    if (done !== undefined) return done
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`${name} did not finish`)
}

describe("jobs that ask the gateway", () => {
  let workspace: string
  let folio: string
  beforeAll(async () => {
    workspace = await createWorkspace(base, "Nightly")
    folio = (await call(base, "POST", "/folios", { workspace, body: { name: "Atlas", about: "Coast survey" } })).body.id
    await call(base, "POST", "/daily-notes/inject", {
      workspace,
      body: {
        type: "logCard",
        content: "Ada said she prefers green tea. The launch moved to Friday.",
        folio: "Atlas",
        date: yesterday()
      }
    })
  })

  it("memory-distill stores yesterday's facts with provenance, and never twice", async () => {
    expect(await runJob(workspace, "memory-distill")).toMatchObject({ status: "succeeded" })
    expect(await runJob(workspace, "memory-distill")).toMatchObject({ status: "succeeded" })
    const rows = await asOwner(db, (client) =>
      client.query("select content, source from memories where workspace_id = $1 order by content", [workspace])
    )
    expect(rows.rows).toEqual([
      { content: "Ada prefers green tea", source: `daily-note:${yesterday()}` },
      { content: "The launch moved to Friday", source: `daily-note:${yesterday()}` }
    ])
    const distillCalls = gateway.requests.filter((request) => request.path.endsWith("/chat/completions"))
    expect(distillCalls).toHaveLength(2)
    expect(distillCalls[0]!.headers.authorization).toBe(`Bearer ${PASSWORD}`)
    // Each run is a conversation of its own in OpenClaw: a fixed key would feed the first run's messages to the next.
    const keys = distillCalls.map((request) => String(request.headers["x-openclaw-session-key"]))
    for (const key of keys) expect(key).toMatch(new RegExp(`^carabase:${workspace}:memory-distill:run:[0-9a-f-]{36}$`))
    expect(new Set(keys).size).toBe(2)
  })

  it("memory-distill does not store again a fact the workspace already remembers, from any source", async () => {
    const other = await createWorkspace(base, "Remembers")
    const typed = await call(base, "POST", "/memories", {
      workspace: other,
      body: { content: "  ada PREFERS green   tea. ", source: "typed by hand" }
    })
    expect(typed.status).toBe(201)
    await call(base, "POST", "/daily-notes/inject", {
      workspace: other,
      body: {
        type: "logCard",
        content: "Ada said she prefers green tea. The launch moved to Friday.",
        date: yesterday()
      }
    })
    expect(await runJob(other, "memory-distill")).toMatchObject({ status: "succeeded" })
    const rows = await asOwner(db, (client) =>
      client.query("select content, source from memories where workspace_id = $1 order by source", [other])
    )
    // The same words in other case, spacing and punctuation are the same fact: only the new one is stored.
    expect(rows.rows.map((row) => row.source)).toEqual([`daily-note:${yesterday()}`, "typed by hand"])
    expect(rows.rows[0].content).toBe("The launch moved to Friday")
  })

  it("folio-synthesis appends one synopsis to the folio active yesterday", async () => {
    await runJob(workspace, "folio-synthesis")
    await runJob(workspace, "folio-synthesis")
    const timeline = (await call(base, "GET", `/folios/${folio}`, { workspace })).body.folio.timeline as Array<{
      date: string
      synopsis: string
      source: string
    }>
    expect(timeline).toEqual([
      expect.objectContaining({
        date: yesterday(),
        synopsis: "Surveyed the northern coast and fixed the launch date.",
        source: "synthesis"
      })
    ])
  })

  it("dream-cycle injects one reflection into today's note, however many runs", async () => {
    await runJob(workspace, "dream-cycle")
    await runJob(workspace, "dream-cycle")
    const text = (await call(base, "GET", `/daily-notes/${today()}/text`, { workspace })).body.text as string
    expect(text.match(/A calm day of small steps\./g)).toHaveLength(1)
    expect(text).toContain("#dream")
  })

  it("dream-cycle's write is in the note's history as the job's", async () => {
    const history = (await call(base, "GET", `/daily-notes/${today()}/revisions`, { workspace })).body
    expect(history.revisions[0].writer).toEqual({ kind: "job", name: "dream-cycle" })
  })

  it("records a run as skipped, with the reason, when the gateway cannot be reached", async () => {
    gateway.mode = "down"
    try {
      const run = await runJob(workspace, "memory-distill")
      expect(run.status).toBe("skipped")
      expect(run.error).toMatch(/gateway unreachable at/)
    } finally {
      gateway.mode = "normal"
    }
  })
})

describe("roles without a model route", () => {
  it("go to the gateway while a routed role of the same workspace goes to its route", async () => {
    const ollama = await startFakeProvider({
      apiKey: undefined,
      model: "llama3.2",
      answer: (body) => ({ content: `Local: ${messagesOf(body, "user").at(-1) ?? ""}` })
    })
    try {
      const workspace = await createWorkspace(base, "Half routed")
      const routed = await call(base, "PUT", "/model-routes/chat", {
        workspace,
        body: { provider: "ollama", baseUrl: ollama.root, model: "llama3.2" }
      })
      expect(routed.status).toBe(200)
      await call(base, "POST", "/daily-notes/inject", {
        workspace,
        body: { type: "logCard", content: "Ada said she prefers green tea.", date: yesterday() }
      })
      const before = gateway.requests.length
      expect(await runJob(workspace, "memory-distill")).toMatchObject({ status: "succeeded" })
      // utility has no route: the gateway answered it, as this workspace's OpenClaw agent, and Ollama saw nothing.
      const asked = gateway.requests.slice(before).filter((request) => request.path.endsWith("/chat/completions"))
      expect(asked).toHaveLength(1)
      expect(asked[0]!.body.model).toBe("openclaw:main")
      expect(String(asked[0]!.headers["x-openclaw-session-key"])).toMatch(`carabase:${workspace}:memory-distill:`)
      expect(ollama.requests).toHaveLength(0)
      const memories = await asOwner(db, (client) =>
        client.query("select content from memories where workspace_id = $1", [workspace])
      )
      expect(memories.rows.map((row) => row.content)).toContain("Ada prefers green tea")

      // chat has one: an agent task of the same workspace goes to Ollama, not the gateway.
      const gatewayCalls = gateway.requests.length
      const task = await call(base, "POST", "/agent-tasks", {
        workspace,
        body: { instruction: "say hello", provider: "openclaw", date: today() }
      })
      expect(task.status).toBe(202)
      let settled: any
      for (let i = 0; i < 100 && settled === undefined; i++) {
        const found = (await call(base, "GET", `/agent-tasks/${task.body.task.id}`, { workspace })).body.task
        if (found.status === "succeeded" || found.status === "failed") settled = found
        else await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(settled).toMatchObject({ status: "succeeded", result: "Local: say hello" })
      expect(ollama.requests.map((request) => request.path)).toEqual(["/api/chat"])
      expect(gateway.requests.length).toBe(gatewayCalls)
    } finally {
      await ollama.close()
    }
  })
})
