// The fully local pipeline: a host with no OpenClaw configured at all (no OPENCLAW_* in its environment) whose
// workspace routes its model roles to local stand-ins speaking Ollama's own chat API (POST /api/chat) and OpenAI's
// (POST /v1/chat/completions). The nightly jobs that ask a model, an agent task and a channel reply all run through
// those routes, their outputs land (memories, a folio synopsis, the dream card, the task's card, the reply sent and
// logged), and each stand-in sees exactly the requests of the roles routed to it. A route that fails says which
// route and why, never its key; a role without a route and no gateway is skipped saying so.
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { TASK_PROMPT } from "../../src/agent/AgentTasks"
import { openChat } from "../chat/sseClient"
import { runClient } from "../support/apiClient"
import { startFakeProvider, messagesOf, type FakeProvider, type ProviderRequest } from "../support/fakeProvider"
import { asOwner, call, createWorkspace, injectLogCard, processHostSuite } from "../support/hostSuite"
import { freePort } from "../support/ports"

const OLLAMA_MODEL = "llama3.2:3b"
const OPENAI_MODEL = "qwen2.5-7b-instruct"
const OPENAI_KEY = "sk-local-" + "5e".repeat(16)

/** Answers each kind of work by the system prompt its caller sends. */
const answer = (body: any) => {
  const system = messagesOf(body, "system")[0] ?? ""
  const user = messagesOf(body, "user").at(-1) ?? ""
  if (system.includes("durable facts")) return { content: "- Ada prefers green tea\n- The launch moved to Friday" }
  if (system.includes("reflection")) return { content: "A calm day of small steps." }
  if (system.includes("timeline")) return { content: "Surveyed the northern coast and fixed the launch date." }
  if (system === TASK_PROMPT) return { content: `Done locally: ${user}` }
  if (system.includes("chat app")) return { content: `Noted locally: ${user}` }
  if (system === "") return { content: `Local chat: ${user}` }
  return { content: "?" }
}

/** Which work a request to a stand-in was, by its system prompt. */
const workOf = (request: ProviderRequest) => {
  const system = messagesOf(request.body, "system")[0] ?? ""
  if (system.includes("durable facts")) return "memory-distill"
  if (system.includes("reflection")) return "dream-cycle"
  if (system.includes("timeline")) return "folio-synthesis"
  if (system === TASK_PROMPT) return "agent-task"
  if (system.includes("chat app")) return "channel-reply"
  if (system === "") return "chat"
  return "other"
}

/** Answers like Telegram's sendMessage and records what it was asked to send. */
const platform = await (async () => {
  const calls: Array<{ path: string; body: any }> = []
  const server = http.createServer((request, response) => {
    let raw = ""
    request.on("data", (chunk: Buffer) => (raw += chunk.toString()))
    request.on("end", () => {
      calls.push({ path: request.url ?? "", body: raw === "" ? undefined : JSON.parse(raw) })
      response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true,"result":{}}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { calls, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
})()

let ollama: FakeProvider
let openai: FakeProvider
beforeAll(async () => {
  ollama = await startFakeProvider({ apiKey: undefined, model: OLLAMA_MODEL, answer })
  openai = await startFakeProvider({ apiKey: OPENAI_KEY, model: OPENAI_MODEL, answer })
})
afterAll(async () => {
  platform.close()
  await ollama?.close()
  await openai?.close()
})

// No OPENCLAW_* at all: hostEnv drops the runner's, and none is given.
const suite = processHostSuite("local_pipeline", {
  TZ: "UTC",
  CARABASE_TELEGRAM_API_URL: platform.url
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const until = async <A>(probe: () => Promise<A | undefined>, what: string): Promise<A> => {
  for (let i = 0; i < 150; i++) {
    const found = await probe()
    if (found !== undefined) return found
    await sleep(200)
  }
  throw new Error(`timed out waiting for ${what}`)
}

const today = () => new Date().toISOString().slice(0, 10)
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)

const runJob = async (workspace: string, name: string) => {
  // Runs are matched by id: entity extraction's own runs (queued by what a job writes) may be listed above this one.
  type Run = { id: string; name: string; status: string; error: string | null }
  const runs = async () => (await call(suite.base, "GET", "/jobs", { workspace })).body.runs as Array<Run>
  const before = new Set((await runs()).filter((run) => run.name === name).map((run) => run.id))
  expect((await call(suite.base, "POST", `/jobs/${name}/run`, { workspace })).status).toBe(202)
  return until(
    async () => (await runs()).find((run) => run.name === name && !before.has(run.id) && run.status !== "running"),
    `${name} to finish`
  )
}

const route = async (workspace: string, role: string, body: Record<string, unknown>) => {
  const answered = await call(suite.base, "PUT", `/model-routes/${role}`, { workspace, body })
  expect(answered.status).toBe(200)
}

const noteText = async (workspace: string, date: string) =>
  (await call(suite.base, "GET", `/daily-notes/${date}/text`, { workspace })).body.text as string

/** The requests a stand-in saw for one workspace's work, by kind of work. */
const seen = (provider: FakeProvider, work: string) =>
  provider.requests.filter((request) => request.path !== "/v1/models" && workOf(request) === work)

describe("a host with no OpenClaw, every model role routed to local providers", () => {
  let workspace: string
  let folio: string
  beforeAll(async () => {
    workspace = await createWorkspace(suite.base, "Local only")
    await route(workspace, "utility", { provider: "ollama", baseUrl: ollama.root, model: OLLAMA_MODEL })
    await route(workspace, "utilityHigh", {
      provider: "openai-compatible",
      baseUrl: openai.url,
      model: OPENAI_MODEL,
      apiKey: OPENAI_KEY
    })
    await route(workspace, "chat", { provider: "ollama", baseUrl: ollama.root, model: OLLAMA_MODEL })
    folio = (await call(suite.base, "POST", "/folios", { workspace, body: { name: "Atlas", about: "Coast survey" } }))
      .body.id
    const injected = await call(suite.base, "POST", "/daily-notes/inject", {
      workspace,
      body: {
        type: "logCard",
        content: "Ada said she prefers green tea. The launch moved to Friday.",
        folio: "Atlas",
        date: yesterday()
      }
    })
    expect(injected.status).toBeLessThan(300)
  })

  it("runs the nightly set: memory-distill on utility (Ollama), folio-synthesis and dream-cycle on utilityHigh", async () => {
    for (const job of ["memory-distill", "folio-synthesis", "dream-cycle", "corpus-curation"]) {
      expect(await runJob(workspace, job)).toMatchObject({ status: "succeeded", error: null })
    }

    const memories = await asOwner(suite.db, (client) =>
      client.query("select content, source from memories where workspace_id = $1 order by content", [workspace])
    )
    expect(memories.rows).toEqual([
      { content: "Ada prefers green tea", source: `daily-note:${yesterday()}` },
      { content: "The launch moved to Friday", source: `daily-note:${yesterday()}` }
    ])
    const timeline = (await call(suite.base, "GET", `/folios/${folio}`, { workspace })).body.folio.timeline
    expect(timeline).toEqual([
      expect.objectContaining({
        date: yesterday(),
        synopsis: "Surveyed the northern coast and fixed the launch date.",
        source: "synthesis"
      })
    ])
    const text = await noteText(workspace, today())
    expect(text).toContain("A calm day of small steps.")
    expect(text).toContain("#dream")

    // utility went to Ollama's own chat API, unstreamed, with the route's model, no key and no OpenClaw session.
    const distilled = seen(ollama, "memory-distill")
    expect(distilled).toHaveLength(1)
    expect(distilled[0]!.path).toBe("/api/chat")
    expect(distilled[0]!.body).toMatchObject({ model: OLLAMA_MODEL, stream: false })
    expect(messagesOf(distilled[0]!.body, "user")[0]).toContain("Ada said she prefers green tea")
    expect(distilled[0]!.headers.authorization).toBeUndefined()
    expect(distilled[0]!.headers["x-openclaw-session-key"]).toBeUndefined()
    // utilityHigh went to the OpenAI-compatible server with its key.
    for (const work of ["folio-synthesis", "dream-cycle"]) {
      const asked = seen(openai, work)
      expect(asked).toHaveLength(1)
      expect(asked[0]!.path).toBe("/v1/chat/completions")
      expect(asked[0]!.body).toMatchObject({ model: OPENAI_MODEL, stream: false })
      expect(asked[0]!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`)
      expect(asked[0]!.headers["x-openclaw-session-key"]).toBeUndefined()
      expect(seen(ollama, work)).toHaveLength(0)
    }
    expect(seen(openai, "memory-distill")).toHaveLength(0)
  })

  it("runs an agent task on the chat route, streamed from Ollama, and writes its result into the note", async () => {
    const created = await call(suite.base, "POST", "/agent-tasks", {
      workspace,
      body: { instruction: "list this week's launches", provider: "openclaw", date: today() }
    })
    expect(created.status).toBe(202)
    const task = await until(async () => {
      const found = (await call(suite.base, "GET", `/agent-tasks/${created.body.task.id}`, { workspace })).body.task
      return found.status === "succeeded" || found.status === "failed" ? found : undefined
    }, "the agent task to finish")
    expect(task).toMatchObject({ status: "succeeded", result: "Done locally: list this week's launches", error: null })
    expect(await noteText(workspace, today())).toContain("Done locally: list this week's launches")

    const asked = seen(ollama, "agent-task")
    expect(asked).toHaveLength(1)
    expect(asked[0]!.path).toBe("/api/chat")
    // Streamed: Ollama's default, so the request leaves `stream` true and the answer comes as NDJSON pieces.
    expect(asked[0]!.body).toMatchObject({ model: OLLAMA_MODEL, stream: true })
    expect(seen(openai, "agent-task")).toHaveLength(0)
  })

  it("streams a chat turn from Ollama on the chat route", async () => {
    const chat = await openChat(suite.base, workspace, { message: "what is on today?" })
    expect(chat.response.status).toBe(200)
    const events = await chat.rest()
    const deltas = events.filter((event) => event.event === "delta").map((event) => event.data.content)
    expect(deltas.length).toBeGreaterThan(1)
    expect(deltas.join("")).toBe("Local chat: what is on today?")
    expect(events.at(-1)?.event).toBe("done")
    const asked = seen(ollama, "chat")
    expect(asked).toHaveLength(1)
    expect(asked[0]!.path).toBe("/api/chat")
    expect(asked[0]!.body).toMatchObject({ model: OLLAMA_MODEL, stream: true })
    expect(messagesOf(asked[0]!.body, "user")).toEqual(["what is on today?"])
  })

  it("answers a Telegram message on the chat route and sends the reply once", async () => {
    const secret = "telegram_local_pipeline_01"
    const channel = await runClient(
      suite.base,
      (api) =>
        api.channels.create({
          payload: { kind: "telegram", name: "Phone", signingSecret: secret, botToken: "601:local" }
        }),
      workspace
    ).then((answered) => answered.channel)
    const update = JSON.stringify({
      update_id: 7001,
      message: {
        message_id: 7001,
        from: { id: 4601, is_bot: false },
        chat: { id: 4601 },
        date: Math.floor(Date.now() / 1000),
        text: "water the ferns"
      }
    })
    const delivered = await fetch(`${suite.base}${new URL(channel.webhookUrl).pathname}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body: update
    })
    expect(delivered.status).toBe(200)

    const sent = await until(
      async () => platform.calls.find((call) => call.path === "/bot601:local/sendMessage"),
      "the reply"
    )
    expect(sent.body).toEqual({ chat_id: "4601", text: "Noted locally: water the ferns" })
    const event = await until(async () => {
      const [found] = (
        await runClient(
          suite.base,
          (api) => api.channels.events({ path: { id: channel.id }, urlParams: {} }),
          workspace
        )
      ).events
      return found?.status === "replied" ? found : undefined
    }, "the event to be replied")
    expect(event.attempts).toBe(0)
    expect(await noteText(workspace, today())).toContain("Noted locally: water the ferns")

    const asked = seen(ollama, "channel-reply")
    expect(asked).toHaveLength(1)
    expect(asked[0]!.body).toMatchObject({ model: OLLAMA_MODEL, stream: false })
    expect(messagesOf(asked[0]!.body, "user")).toEqual(["water the ferns"])
    await sleep(2_500)
    expect(platform.calls.filter((call) => call.path === "/bot601:local/sendMessage")).toHaveLength(1)
  })
})

describe("how roles resolve without OpenClaw", () => {
  it("utilityHigh work without a route of its own uses the utility route", async () => {
    const workspace = await createWorkspace(suite.base, "Utility only")
    await route(workspace, "utility", { provider: "ollama", baseUrl: ollama.root, model: OLLAMA_MODEL })
    await injectLogCard(suite.base, workspace, {
      date: yesterday(),
      timestamp: "09:00",
      tags: [],
      folios: [],
      words: "Walked to the harbour at dawn."
    })
    const before = seen(ollama, "dream-cycle").length
    expect(await runJob(workspace, "dream-cycle")).toMatchObject({ status: "succeeded" })
    const asked = seen(ollama, "dream-cycle").slice(before)
    expect(asked).toHaveLength(1)
    expect(messagesOf(asked[0]!.body, "user")[0]).toContain("Walked to the harbour at dawn.")
    expect(await noteText(workspace, today())).toContain("A calm day of small steps.")
  })

  it("a role with no route and no gateway is skipped, saying which role and what to set", async () => {
    const workspace = await createWorkspace(suite.base, "Nothing routed")
    await injectLogCard(suite.base, workspace, {
      date: yesterday(),
      timestamp: "10:00",
      tags: [],
      folios: [],
      words: "Bought seeds."
    })
    const run = await runJob(workspace, "memory-distill")
    expect(run.status).toBe("skipped")
    expect(run.error).toContain("no model route serves utility and the agent gateway is not configured")
    expect(run.error).toContain("PUT /api/v1/model-routes/utility")
    const task = await call(suite.base, "POST", "/agent-tasks", {
      workspace,
      body: { instruction: "anything", provider: "openclaw" }
    })
    expect(task.status).toBe(503)
    expect(task.body._tag).toBe("GatewayUnconfigured")
    expect(task.body.message).toContain("PUT /api/v1/model-routes/chat")
  })

  it("a route that fails names the route and why, and never its key", async () => {
    const workspace = await createWorkspace(suite.base, "Broken routes")
    const deadPort = await freePort()
    await route(workspace, "utility", {
      provider: "ollama",
      baseUrl: `http://127.0.0.1:${deadPort}`,
      model: OLLAMA_MODEL
    })
    const wrongKey = "sk-wrong-" + "0a".repeat(12)
    await route(workspace, "utilityHigh", {
      provider: "openai-compatible",
      baseUrl: openai.url,
      model: OPENAI_MODEL,
      apiKey: wrongKey
    })
    await injectLogCard(suite.base, workspace, {
      date: yesterday(),
      timestamp: "11:00",
      tags: [],
      folios: [],
      words: "Fixed the gate."
    })
    // Nothing listens there: skipped until the owner starts it, naming the route and its address.
    const unreachable = await runJob(workspace, "memory-distill")
    expect(unreachable.status).toBe("skipped")
    expect(unreachable.error).toBe(`ollama provider of model route utility unreachable at http://127.0.0.1:${deadPort}`)
    // Ollama's own refusal (a model it does not have) is relayed with the route's name.
    await route(workspace, "chat", { provider: "ollama", baseUrl: ollama.root, model: "not-pulled" })
    const chat = await call(suite.base, "POST", "/chat/stream", { workspace, body: { message: "hello" } })
    expect(chat.status).toBe(502)
    expect(chat.body.message).toBe(
      `ollama provider of model route chat at ${ollama.root} answered HTTP 404: model 'not-pulled' not found, try pulling it first`
    )
    // Refused: a failure naming the route and the key to fix, without the key.
    const refused = await runJob(workspace, "dream-cycle")
    expect(refused.status).toMatch(/failed|dead/)
    expect(refused.error).toContain("openai-compatible provider of model route utilityHigh")
    expect(refused.error).toContain("PUT /api/v1/model-routes/utilityHigh")
    expect(refused.error).not.toContain(wrongKey)
    expect(refused.error).not.toContain(wrongKey.slice(-4))
  })
})
