// Agent tasks over a running host and the fake gateway: a task is accepted queued, runs through the gateway, and its
// result lands in the originating daily note as one #agent logCard right after the origin block; failures are
// recorded on the task and in the note.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { hostSuite } from "../support/hostSuite"
import { waitFor } from "../chat/sseClient"

const PASSWORD = "agent-" + "4b".repeat(20)
let fake: FakeGateway
let base: string
let ws: string

beforeAll(async () => {
  fake = await startFakeGateway({ passwords: [PASSWORD] })
})
afterAll(async () => {
  await fake?.close()
})
const suite = hostSuite("agent_tasks", () => ({ OPENCLAW_GATEWAY_URL: fake.url, OPENCLAW_GATEWAY_PASSWORD: PASSWORD }))
beforeAll(async () => {
  base = suite.base
  ws = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Agent" } }))).workspace.id
})

const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", "x-workspace-id": ws },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  return { status: response.status, json: text === "" ? undefined : (JSON.parse(text) as any) }
}

const settled = (id: string) =>
  waitFor(async () => {
    const { json } = await call("GET", `/agent-tasks/${id}`)
    return json.task.status === "succeeded" || json.task.status === "failed" ? json.task : undefined
  }, 10_000)

const textOf = (node: any): string =>
  node.text ?? (node.content ?? []).map(textOf).join(node.type === "paragraph" ? "" : "\n")

describe("agent tasks", () => {
  it("queues a task, runs it through the gateway and writes the result after its origin block", async () => {
    const date = "2026-03-14"
    const patched = await call("PATCH", `/daily-notes/${date}`, {
      documentState: [
        { type: "paragraph", attrs: { id: "blk-ask" }, content: [{ type: "text", text: "summarise my week" }] },
        { type: "paragraph", content: [{ type: "text", text: "later entry" }] }
      ]
    })
    expect(patched.status).toBe(200)
    const created = await call("POST", "/agent-tasks", {
      instruction: "summarise my week",
      originBlockId: "blk-ask",
      provider: "openclaw",
      date
    })
    expect(created.status).toBe(202)
    expect(created.json.task).toMatchObject({
      instruction: "summarise my week",
      originBlockId: "blk-ask",
      provider: "openclaw",
      agentId: "main",
      status: "queued",
      noteDate: date
    })
    const task = await settled(created.json.task.id)
    expect(task).toMatchObject({ status: "succeeded", result: "You said: summarise my week", error: null })

    const request = [...fake.requests].reverse().find((r) => r.path === "/v1/chat/completions")!
    expect(request.body.model).toBe("openclaw:main")
    expect(request.body.messages.at(-1)).toEqual({ role: "user", content: "summarise my week" })
    expect(request.headers["x-openclaw-session-key"]).toBe(`carabase:${ws}:agent-task:${task.id}`)

    const note = (await call("GET", `/daily-notes/${date}`)).json
    const blocks = note.documentState as Array<any>
    expect(blocks.map((b) => b.type)).toEqual(["paragraph", "logCard", "paragraph"])
    expect(blocks[1].attrs).toMatchObject({ tags: '["agent"]', idempotencyKey: `agent-task:${task.id}` })
    expect(textOf(blocks[1])).toContain("You said: summarise my week")
    expect(textOf(blocks[1])).toContain("Agent task: summarise my week")
    const history = (await call("GET", `/daily-notes/${date}/revisions`)).json
    expect(history.revisions[0].writer).toEqual({ kind: "agent", name: "main" })
  })

  it("takes the day from an origin written YYYY-MM-DD:index, and appends when the origin is not found", async () => {
    const byIndex = await call("POST", "/agent-tasks", {
      instruction: "look it up",
      originBlockId: "2026-04-02:7",
      provider: "openclaw"
    })
    expect(byIndex.json.task.noteDate).toBe("2026-04-02")
    await settled(byIndex.json.task.id)
    const blocks = (await call("GET", "/daily-notes/2026-04-02")).json.documentState as Array<any>
    expect(blocks).toHaveLength(1)
    expect(blocks[0].type).toBe("logCard")
  })

  it("records a gateway failure on the task and in the note", async () => {
    fake.passwords = new Set(["something-else"])
    try {
      const created = await call("POST", "/agent-tasks", {
        instruction: "this will fail",
        provider: "openclaw",
        date: "2026-05-01"
      })
      const task = await settled(created.json.task.id)
      expect(task.status).toBe("failed")
      expect(task.error).toContain("gateway password mismatch")
      const blocks = (await call("GET", "/daily-notes/2026-05-01")).json.documentState as Array<any>
      expect(textOf(blocks.at(-1))).toContain("Agent task failed: this will fail")
    } finally {
      fake.passwords = new Set([PASSWORD])
    }
  })

  it("lists tasks newest first and 404s an unknown one", async () => {
    const { json } = await call("GET", "/agent-tasks")
    expect(json.tasks.map((t: any) => t.instruction)).toEqual(["this will fail", "look it up", "summarise my week"])
    expect((await call("GET", "/agent-tasks/00000000-0000-4000-8000-000000000000")).status).toBe(404)
  })

  it("rejects a task that cannot run with a 400", async () => {
    for (const body of [
      { instruction: "x", provider: "someone-else" },
      { instruction: "   ", provider: "openclaw" },
      { instruction: "x", provider: "openclaw", date: "2026-02-30" },
      { instruction: "x" }
    ]) {
      expect((await call("POST", "/agent-tasks", body)).status, JSON.stringify(body)).toBe(400)
    }
  })
})
