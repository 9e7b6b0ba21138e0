// The agent gateway down, slow, or stalling mid-answer under chat load, with a real host: 24 chats at once (new
// sessions and continued ones) on POST /chat/stream, plus agent tasks (POST /agent-tasks, answered 202 and run in the
// background). Every request ends within the host's own bound (OPENCLAW_GATEWAY_TIMEOUT_MS, here 3 s, plus slack),
// with a status and a message naming the gateway, no stack trace and never the gateway password; health answers all
// along; and once the gateway is back, chats and tasks succeed without a restart.
//
// What is stored, as src/chat stores it: the user message is kept before the gateway is called (the user's own words
// are never lost); an assistant message exists only as `complete` with the whole answer, or `interrupted` with exactly
// the deltas the client was shown. So a refused exchange leaves the user message with no reply after it, a stalled
// one an interrupted reply, and nothing is ever `streaming`, a partial answer marked complete, or a reply without its
// question. An agent task writes one card into the note, the failure when it failed, never a partial answer.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createDatabase, type TestDatabase } from "../support/database"
import { startFakeGateway, type FakeGateway, type FakeGatewayOptions } from "../support/fakeGateway"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { asOwner, call, createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"

const PASSWORD = "outage-" + "9d".repeat(24)
const TIMEOUT_MS = 3_000
/** A generous "no hang" bound per request: the host's gateway timeout plus slack for a loaded 2-core machine. */
const BOUND_MS = TIMEOUT_MS + 10_000
const CHATS = 24
const CONTINUED = 8
const TASKS = 4

const answerTo = (message: string) => `Here is the answer to "${message}", in full.`
const gatewayOptions = (port?: number): FakeGatewayOptions => ({
  passwords: [PASSWORD],
  reply: answerTo,
  // Slow means slower than any bound here: a host without its own timeout would hang on it.
  slowMs: 120_000,
  ...(port === undefined ? {} : { port })
})

let db: TestDatabase
let gateway: FakeGateway | undefined
let gatewayPort: number
let gatewayUrl: string
let host: HostProcess
let base: string
let workspace: string
const answers: Array<string> = []

beforeAll(async () => {
  db = await createDatabase("gateway_outage")
  gateway = await startFakeGateway(gatewayOptions())
  gatewayPort = gateway.port
  gatewayUrl = gateway.url
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, port, {
      TZ: "UTC",
      CARABASE_TIMEZONE: "UTC",
      OPENCLAW_GATEWAY_URL: gatewayUrl,
      OPENCLAW_GATEWAY_PASSWORD: PASSWORD,
      OPENCLAW_GATEWAY_TIMEOUT_MS: String(TIMEOUT_MS),
      LOG_LEVEL: "info"
    })
  })
  await host.ready()
  workspace = await createWorkspace(base, "Outage")
}, 120_000)

afterAll(async () => {
  await host?.stop()
  await gateway?.close()
  await db?.drop()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface SseEvent {
  readonly event: string
  readonly data: any
}

interface ChatOutcome {
  readonly message: string
  readonly sessionId: string | undefined
  readonly status: number
  readonly type: string
  readonly ms: number
  readonly json?: any
  readonly events: ReadonlyArray<SseEvent>
}

const parseSse = (text: string): Array<SseEvent> =>
  text
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1] ?? "message",
      data: JSON.parse(
        block
          .split("\n")
          .filter((line) => line.startsWith("data: "))
          .map((line) => line.slice(6))
          .join("\n")
      )
    }))

/** One chat turn read to its end, as a client would; a turn still open long after the bound counts as hung (0). */
const chat = async (message: string, sessionId?: string): Promise<ChatOutcome> => {
  const started = Date.now()
  try {
    const response = await fetch(`${base}/api/v1/chat/stream`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-workspace-id": workspace },
      body: JSON.stringify(sessionId === undefined ? { message } : { message, sessionId }),
      signal: AbortSignal.timeout(BOUND_MS + 20_000)
    })
    const text = await response.text()
    answers.push(text)
    const type = response.headers.get("content-type") ?? ""
    const ms = Date.now() - started
    return type.includes("text/event-stream")
      ? { message, sessionId, status: response.status, type, ms, events: parseSse(text) }
      : { message, sessionId, status: response.status, type, ms, json: JSON.parse(text), events: [] }
  } catch {
    return { message, sessionId, status: 0, type: "", ms: Date.now() - started, events: [] }
  }
}

const deltasOf = (outcome: ChatOutcome) =>
  outcome.events
    .filter((event) => event.event === "delta")
    .map((event) => event.data.content as string)
    .join("")

/** Health, asked every 200 ms while a phase runs. */
const healthProbe = () => {
  const seen: Array<{ status: number; ms: number; body: any }> = []
  let running = true
  const loop = (async () => {
    while (running) {
      const started = Date.now()
      try {
        const response = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(BOUND_MS) })
        const text = await response.text()
        answers.push(text)
        seen.push({ status: response.status, ms: Date.now() - started, body: JSON.parse(text) })
      } catch {
        seen.push({ status: 0, ms: Date.now() - started, body: null })
      }
      await sleep(200)
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return seen
    }
  }
}

interface TaskOutcome {
  readonly instruction: string
  readonly status: string
  readonly error: string | null
  readonly ms: number
}

/** An agent task from its 202 to its end, polled the way the UI polls it. */
const task = async (instruction: string, boundMs: number): Promise<TaskOutcome> => {
  const started = Date.now()
  const created = await call(base, "POST", "/agent-tasks", { workspace, body: { instruction, provider: "openclaw" } })
  expect(created.status).toBe(202)
  for (;;) {
    const { body } = await call(base, "GET", `/agent-tasks/${created.body.task.id}`, { workspace })
    answers.push(JSON.stringify(body))
    const { status, error } = body.task as { status: string; error: string | null }
    if (status === "succeeded" || status === "failed") return { instruction, status, error, ms: Date.now() - started }
    if (Date.now() - started > boundMs + 20_000) return { instruction, status: "hung", error, ms: Date.now() - started }
    await sleep(100)
  }
}

/** Two agent tasks run at a time, so a phase's tasks may take that many gateway bounds in turn. */
const TASK_BOUND_MS = Math.ceil(TASKS / 2) * TIMEOUT_MS + 10_000

const phase = async (name: string, continued: ReadonlyArray<string>) => {
  const health = healthProbe()
  const [chats, tasks] = await Promise.all([
    Promise.all(
      Array.from({ length: CHATS }, (_, i) =>
        chat(`${name} question ${i}`, i < continued.length ? continued[i] : undefined)
      )
    ),
    Promise.all(Array.from({ length: TASKS }, (_, i) => task(`${name} task ${i}`, TASK_BOUND_MS)))
  ])
  return { chats, tasks, health: await health.stop() }
}

const expectBounded = (outcomes: ReadonlyArray<{ readonly ms: number }>, boundMs: number) => {
  for (const outcome of outcomes) expect(outcome.ms, JSON.stringify(outcome)).toBeLessThan(boundMs)
}

/** Agent tasks the gateway could not serve: each failed within its bound, saying why. */
const expectTasksFailedClearly = (done: ReadonlyArray<TaskOutcome>) => {
  for (const outcome of done) {
    expect(outcome.status, JSON.stringify(outcome)).toBe("failed")
    expectClearGatewayMessage(outcome.error)
  }
  expectBounded(done, TASK_BOUND_MS)
}

const expectHealthy = (seen: ReadonlyArray<{ status: number; ms: number; body: any }>) => {
  expect(seen.length).toBeGreaterThan(0)
  for (const answer of seen) {
    expect(answer, JSON.stringify(answer)).toMatchObject({ status: 200, body: { status: "ok", database: "up" } })
    expect(answer.ms).toBeLessThan(BOUND_MS)
  }
}

/** A message a user can act on: names the gateway and where it is, and carries no internals. */
const expectClearGatewayMessage = (message: unknown) => {
  expect(typeof message).toBe("string")
  expect(message).toContain("gateway")
  expect(message).toContain(gatewayUrl)
}

describe("the gateway down, slow and stalling under chat load", () => {
  const sessions: Array<string> = []
  const sent: Array<{ readonly phase: string; readonly outcome: ChatOutcome }> = []
  const tasks: Array<{ readonly phase: string; readonly outcome: TaskOutcome }> = []

  beforeAll(async () => {
    // Sessions with one complete exchange each, continued in every phase below.
    for (let i = 0; i < CONTINUED; i++) {
      const warm = await chat(`warm-up question ${i}`)
      expect(warm.events.at(-1)?.event, JSON.stringify(warm)).toBe("done")
      sessions.push(warm.events[0]!.data.sessionId)
      sent.push({ phase: "warm-up", outcome: warm })
    }
  })

  it("answers 503 naming the gateway at once when nothing listens there (connection refused)", async () => {
    await gateway!.close()
    gateway = undefined
    const { chats, tasks: done, health } = await phase("refused", sessions)
    sent.push(...chats.map((outcome) => ({ phase: "refused", outcome })))
    tasks.push(...done.map((outcome) => ({ phase: "refused", outcome })))
    for (const outcome of chats) {
      expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 503, json: { _tag: "GatewayUnreachable" } })
      expect(outcome.type).toContain("application/json")
      expectClearGatewayMessage(outcome.json.message)
      expect(outcome.json.message).toContain("gateway unreachable at")
    }
    expectBounded(chats, BOUND_MS)
    expectTasksFailedClearly(done)
    expectHealthy(health)
    expect(health.every((answer) => answer.body.gateway === "down")).toBe(true)
  })

  it("answers 504 within the gateway timeout when the gateway accepts but does not answer", async () => {
    gateway = await startFakeGateway(gatewayOptions(gatewayPort))
    gateway.mode = "slow"
    const { chats, tasks: done, health } = await phase("slow", sessions)
    sent.push(...chats.map((outcome) => ({ phase: "slow", outcome })))
    tasks.push(...done.map((outcome) => ({ phase: "slow", outcome })))
    for (const outcome of chats) {
      expect(outcome, JSON.stringify(outcome)).toMatchObject({ status: 504, json: { _tag: "GatewayTimeout" } })
      expectClearGatewayMessage(outcome.json.message)
      expect(outcome.json.message).toContain(`within ${TIMEOUT_MS} ms`)
    }
    expectBounded(chats, BOUND_MS)
    expectTasksFailedClearly(done)
    expectHealthy(health)
    // Every turn and task did reach the gateway: the host waited on it, then gave up by itself.
    expect(gateway.requests.filter((r) => r.path === "/v1/chat/completions").length).toBe(CHATS + TASKS)
  })

  it("ends a stream that stalls mid-answer with an error event, keeping what was shown as interrupted", async () => {
    gateway!.mode = "gated"
    const { chats, tasks: done, health } = await phase("stalled", sessions)
    gateway!.release()
    sent.push(...chats.map((outcome) => ({ phase: "stalled", outcome })))
    tasks.push(...done.map((outcome) => ({ phase: "stalled", outcome })))
    for (const outcome of chats) {
      expect(outcome.status, JSON.stringify(outcome)).toBe(200)
      expect(outcome.events.map((event) => event.event)).toEqual(["start", "delta", "error"])
      expect(deltasOf(outcome)).toBe("Here")
      const error = outcome.events.at(-1)!.data
      expect(error._tag).toBe("GatewayTimeout")
      expectClearGatewayMessage(error.message)
      expect(error.assistantMessageId).toEqual(expect.any(String))
    }
    expectBounded(chats, BOUND_MS)
    expectTasksFailedClearly(done)
    expectHealthy(health)
  })

  it("serves chats and tasks again once the gateway is back, without a restart", async () => {
    gateway!.mode = "normal"
    const stalledSessions = sent
      .filter((s) => s.phase === "stalled" && s.outcome.sessionId === undefined)
      .map((s) => s.outcome.events[0]!.data.sessionId as string)
    const { chats, tasks: done, health } = await phase("back", [...sessions, ...stalledSessions])
    sent.push(...chats.map((outcome) => ({ phase: "back", outcome })))
    tasks.push(...done.map((outcome) => ({ phase: "back", outcome })))
    for (const outcome of chats) {
      expect(outcome.status, JSON.stringify(outcome)).toBe(200)
      expect(outcome.events.at(-1)!.event).toBe("done")
      expect(deltasOf(outcome)).toBe(answerTo(outcome.message))
    }
    expectBounded(chats, BOUND_MS)
    for (const outcome of done) expect(outcome.status, JSON.stringify(outcome)).toBe("succeeded")
    expectHealthy(health)
    expect(health.at(-1)!.body.gateway).toBe("up")
    expect(host.child.exitCode).toBeNull()
    expect(host.child.signalCode).toBeNull()
  })

  it("stored no half exchange: no reply without its question, no partial answer marked complete", async () => {
    const rows = await asOwner(db, (client) =>
      client.query<{ id: string; session_id: string; role: string; content: string; status: string }>(
        `select m.id::text, m.session_id::text, m.role, m.content, m.status from chat_messages m
         where m.workspace_id = $1 order by m.session_id, m.created_at, m.id`,
        [workspace]
      )
    )
    const bySession = new Map<string, Array<(typeof rows.rows)[number]>>()
    for (const row of rows.rows) bySession.set(row.session_id, [...(bySession.get(row.session_id) ?? []), row])
    const sessionCount = await asOwner(db, (client) =>
      client.query<{ n: number }>("select count(*)::int as n from chat_sessions where workspace_id = $1", [workspace])
    )
    // A send refused before its stream began leaves nothing behind: not its question, not a session it opened.
    const undone = (s: (typeof sent)[number]) =>
      (s.phase === "refused" || s.phase === "slow") && s.outcome.status !== 200
    const kept = sent.filter((s) => !undone(s))
    expect(sent.some(undone)).toBe(true)
    // One session per kept turn that did not continue one, and none left empty.
    expect(sessionCount.rows[0]!.n).toBe(kept.filter((s) => s.outcome.sessionId === undefined).length)
    expect(bySession.size).toBe(sessionCount.rows[0]!.n)
    expect(rows.rows.filter((row) => row.role === "user")).toHaveLength(kept.length)

    for (const { phase, outcome } of sent) {
      if (undone({ phase, outcome })) {
        expect(
          rows.rows.filter((m) => m.content === outcome.message),
          outcome.message
        ).toEqual([])
        continue
      }
      const session = [...bySession.values()].find((messages) => messages.some((m) => m.content === outcome.message))!
      expect(session, outcome.message).toBeDefined()
      const at = session.findIndex((m) => m.content === outcome.message)
      const question = session[at]!
      const after = session[at + 1]
      expect(question).toMatchObject({ role: "user", status: "complete" })
      if (outcome.status === 200) expect(outcome.events[0]!.data.userMessageId).toBe(question.id)
      if (phase === "refused" || phase === "slow") {
        // Answered 200 but refused before anything was relayed: the question stays, no reply follows it.
        expect(after?.role ?? "none", outcome.message).not.toBe("assistant")
      } else if (phase === "stalled") {
        expect(after, outcome.message).toMatchObject({ role: "assistant", status: "interrupted", content: "Here" })
        expect(outcome.events.at(-1)!.data.assistantMessageId).toBe(after!.id)
      } else {
        expect(after, outcome.message).toMatchObject({
          role: "assistant",
          status: "complete",
          content: answerTo(outcome.message)
        })
        expect(outcome.events.at(-1)!.data.assistantMessageId).toBe(after!.id)
      }
    }
    for (const messages of bySession.values()) {
      for (const [i, message] of messages.entries()) {
        expect(["complete", "interrupted"]).toContain(message.status)
        if (message.role !== "assistant") continue
        // Every reply follows its question, and a complete reply is the whole answer to it.
        expect(messages[i - 1]?.role).toBe("user")
        if (message.status === "complete") expect(message.content).toBe(answerTo(messages[i - 1]!.content))
      }
    }

    // Each agent task wrote exactly one card into today's note: the answer, or the failure without a partial answer.
    const today = new Date().toISOString().slice(0, 10)
    const note = (await call(base, "GET", `/daily-notes/${today}/text`, { workspace })).body.text as string
    for (const { phase, outcome } of tasks) {
      const header =
        phase === "back" ? `Agent task: ${outcome.instruction}` : `Agent task failed: ${outcome.instruction}`
      expect(note.split(header).length - 1, header).toBe(1)
    }
    expect(note.split("#agent").length - 1).toBe(tasks.length)
    expect(note.split("Here is the answer").length - 1).toBe(tasks.filter((t) => t.phase === "back").length)
  })

  it("never shows a stack trace or the gateway password", () => {
    for (const answer of answers) {
      expect(answer).not.toContain(PASSWORD)
      expect(answer).not.toMatch(/\n\s+at |node_modules|dist\/main\.js|\.ts:\d+/)
    }
    expect(host.stdout() + host.stderr()).not.toContain(PASSWORD)
  })
})
