// Chat through a running host and the fake OpenClaw gateway: deltas are relayed as they arrive, both messages are
// stored, a broken stream or a departed client leaves an interrupted assistant message (and cancels upstream), and
// gateway failures before the stream are JSON errors a user can act on. The password never shows.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ChatSessionId } from "../../src/chat/ChatApi"
import { runClient } from "../support/apiClient"
import { createDatabase, type TestDatabase } from "../support/database"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { openChat, waitFor } from "./sseClient"

const PASSWORD = "chat-" + "5a".repeat(24)
let db: TestDatabase
let fake: FakeGateway
let host: HostProcess
let base: string
let ws: string
const bodies: Array<string> = []

beforeAll(async () => {
  db = await createDatabase("chat")
  fake = await startFakeGateway({ passwords: [PASSWORD], slowMs: 4_000 })
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, port, {
      OPENCLAW_GATEWAY_URL: fake.url,
      OPENCLAW_GATEWAY_PASSWORD: PASSWORD,
      OPENCLAW_GATEWAY_TIMEOUT_MS: "2000",
      LOG_LEVEL: "debug"
    })
  })
  await host.ready()
  ws = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Chat" } }))).workspace.id
})
afterAll(async () => {
  await host?.stop()
  await fake?.close()
  await db?.drop()
})

const session = (id: ChatSessionId) =>
  runClient(base, (api) => api.chat.session({ path: { id } }), ws).then((result) => result.session)

const withMode = async <A>(mode: FakeGateway["mode"], use: () => Promise<A>) => {
  fake.mode = mode
  try {
    return await use()
  } finally {
    fake.mode = "normal"
  }
}

const postJson = async (body: unknown) => {
  const response = await fetch(`${base}/api/v1/chat/stream`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-workspace-id": ws },
    body: JSON.stringify(body)
  })
  const text = await response.text()
  bodies.push(text)
  return { status: response.status, type: response.headers.get("content-type"), text }
}

describe("POST /chat/stream", () => {
  it("relays deltas before the gateway has finished, then a done event with the stored message ids", async () => {
    fake.mode = "gated"
    try {
      const chat = await openChat(base, ws, { message: "tell me a story" })
      expect(chat.response.status).toBe(200)
      expect(chat.response.headers.get("content-type")).toContain("text/event-stream")
      const start = await chat.next()
      expect(start?.event).toBe("start")
      const first = await chat.next()
      // The gateway is holding the rest of its answer until released: this delta was relayed as it arrived.
      expect(first).toEqual({ event: "delta", data: { content: "You" } })
      fake.release()
      const rest = await chat.rest()
      expect(rest.filter((e) => e.event === "delta").map((e) => e.data.content)).toEqual([
        " said:",
        " tell",
        " me",
        " a",
        " story"
      ])
      const done = rest.at(-1)!
      expect(done.event).toBe("done")
      expect(done.data).toEqual({
        sessionId: start!.data.sessionId,
        userMessageId: start!.data.userMessageId,
        assistantMessageId: expect.stringMatching(/^[0-9a-f-]{36}$/)
      })
    } finally {
      fake.mode = "normal"
    }
  })

  it("stores the user and the assistant message, and continues the session with a stable session key", async () => {
    const first = await (await openChat(base, ws, { message: "first question" })).rest()
    const done = first.at(-1)!.data
    const stored = await session(done.sessionId)
    expect(stored.title).toBe("first question")
    expect(stored.agentId).toBe("main")
    expect(stored.messages.map((m) => [m.id, m.role, m.content, m.status])).toEqual([
      [done.userMessageId, "user", "first question", "complete"],
      [done.assistantMessageId, "assistant", "You said: first question", "complete"]
    ])
    const keyOfFirst = fake.requests.at(-1)!.headers["x-openclaw-session-key"]
    expect(keyOfFirst).toBe(`carabase:${ws}:${done.sessionId}`)

    const second = await (await openChat(base, ws, { sessionId: done.sessionId, message: "and then?" })).rest()
    expect(second.at(-1)!.data.sessionId).toBe(done.sessionId)
    expect(fake.requests.at(-1)!.headers["x-openclaw-session-key"]).toBe(keyOfFirst)
    // OpenClaw keeps the context by session key: only the new message is sent.
    expect(fake.requests.at(-1)!.body.messages).toEqual([{ role: "user", content: "and then?" }])
    expect((await session(done.sessionId)).messages).toHaveLength(4)

    const { sessions } = await runClient(base, (api) => api.chat.sessions(), ws)
    expect(sessions[0]).toMatchObject({ id: done.sessionId, messageCount: 4 })
  })

  it("uses the agent a new session asks for", async () => {
    const events = await (await openChat(base, ws, { message: "research this", agentId: "research" })).rest()
    expect(fake.requests.at(-1)!.body.model).toBe("openclaw:research")
    expect((await session(events.at(-1)!.data.sessionId)).agentId).toBe("research")
  })

  it("ends with an error event and an interrupted assistant message when the gateway stream breaks", async () => {
    const events = await withMode("broken", async () => (await openChat(base, ws, { message: "one two three" })).rest())
    const last = events.at(-1)!
    expect(last.event).toBe("error")
    expect(last.data._tag).toBe("GatewayMalformedStream")
    expect(last.data.message).toContain("before data: [DONE]")
    const stored = await session(last.data.sessionId)
    expect(stored.messages.map((m) => [m.role, m.status, m.content])).toEqual([
      ["user", "complete", "one two three"],
      ["assistant", "interrupted", "You said:"]
    ])
    expect(stored.messages[1]!.id).toBe(last.data.assistantMessageId)
  })

  it("marks a malformed stream interrupted too", async () => {
    const events = await withMode("malformed", async () => (await openChat(base, ws, { message: "x y" })).rest())
    expect(events.at(-1)).toMatchObject({ event: "error", data: { _tag: "GatewayMalformedStream" } })
  })

  it("cancels the upstream request when the client goes away, and keeps what arrived as interrupted", async () => {
    fake.mode = "gated"
    try {
      const before = fake.cancelled()
      const chat = await openChat(base, ws, { message: "long answer please" })
      const start = await chat.next()
      expect(await chat.next()).toEqual({ event: "delta", data: { content: "You" } })
      const cancelled = fake.waitForCancel(5_000)
      chat.abort()
      await cancelled
      expect(fake.cancelled()).toBe(before + 1)
      const stored = await waitFor(async () => {
        const s = await session(start!.data.sessionId)
        return s.messages.length === 2 ? s : undefined
      })
      expect(stored.messages[1]).toMatchObject({ role: "assistant", status: "interrupted", content: "You" })
    } finally {
      fake.mode = "normal"
    }
  })

  it("answers 502 with the fix when the password does not match, and leaves no orphan session or message", async () => {
    fake.passwords = new Set(["not-the-host-password"])
    try {
      const result = await postJson({ message: "are you there?" })
      expect(result.status).toBe(502)
      expect(result.type).toContain("application/json")
      expect(JSON.parse(result.text)).toEqual({
        _tag: "GatewayPasswordMismatch",
        message:
          "gateway password mismatch: OPENCLAW_GATEWAY_PASSWORD must equal gateway.auth.password in OpenClaw's config",
        provider: "openclaw",
        address: fake.url
      })
      // Refused before the stream began: no conversation of "1 messages" is left behind.
      const { sessions } = await runClient(base, (api) => api.chat.sessions(), ws)
      expect(sessions.find((s) => s.title === "are you there?")).toBeUndefined()
    } finally {
      fake.passwords = new Set([PASSWORD])
    }
  })

  it("a refused send in an existing conversation leaves its messages as they were", async () => {
    const first = await postJson({ message: "first turn" })
    expect(first.status).toBe(200)
    const { sessions } = await runClient(base, (api) => api.chat.sessions(), ws)
    const id = sessions.find((s) => s.title === "first turn")!.id
    const before = (await session(id)).messages.map((m) => [m.role, m.content])
    const refused = await withMode("down", () => postJson({ message: "lost turn", sessionId: id }))
    expect(refused.status).toBe(503)
    expect((await session(id)).messages.map((m) => [m.role, m.content])).toEqual(before)
  })

  it("answers 503 naming the URL when the gateway is down", async () => {
    const result = await withMode("down", () => postJson({ message: "hello?" }))
    expect(result.status).toBe(503)
    const error = JSON.parse(result.text) as { _tag: string; message: string }
    expect(error._tag).toBe("GatewayUnreachable")
    expect(error.message).toContain(`gateway unreachable at ${fake.url}`)
  })

  it("answers 504 when the gateway does not start answering within OPENCLAW_GATEWAY_TIMEOUT_MS", async () => {
    const result = await withMode("slow", () => postJson({ message: "slowly" }))
    expect(result.status).toBe(504)
    expect(JSON.parse(result.text)).toMatchObject({ _tag: "GatewayTimeout" })
  })

  it("rejects client mistakes with 4xx, never 500", async () => {
    expect((await postJson({ message: "   " })).status).toBe(400)
    expect((await postJson({})).status).toBe(400)
    expect((await postJson({ message: "hi", sessionId: "nope" })).status).toBe(400)
    const unknown = await postJson({ message: "hi", sessionId: "00000000-0000-4000-8000-000000000000" })
    expect(unknown.status).toBe(404)
    expect(JSON.parse(unknown.text)).toMatchObject({ _tag: "ChatSessionNotFound" })
    const missing = await fetch(`${base}/api/v1/chat/sessions/00000000-0000-4000-8000-000000000000`, {
      headers: { "x-workspace-id": ws }
    })
    expect(missing.status).toBe(404)
  })

  it("keeps one workspace's sessions from another", async () => {
    const other = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Other" } }))).workspace.id
    const { sessions } = await runClient(base, (api) => api.chat.sessions(), other)
    expect(sessions).toEqual([])
    const mine = (await runClient(base, (api) => api.chat.sessions(), ws)).sessions[0]!
    const response = await fetch(`${base}/api/v1/chat/sessions/${mine.id}`, { headers: { "x-workspace-id": other } })
    expect(response.status).toBe(404)
  })

  it("never writes the gateway password to its logs or its answers", () => {
    expect(host.stdout() + host.stderr()).not.toContain(PASSWORD)
    for (const body of bodies) expect(body).not.toContain(PASSWORD)
    expect(host.stdout()).toMatch(/chat stream/)
  })
})

describe("GET /health", () => {
  it("reports the gateway up, then down when it stops answering", async () => {
    expect((await runClient(base, (api) => api.meta.health({ headers: {} }))).gateway).toBe("up")
    await withMode("down", async () => {
      expect((await runClient(base, (api) => api.meta.health({ headers: {} }))).gateway).toBe("down")
    })
  })
})
