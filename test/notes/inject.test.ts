// POST /daily-notes/inject over real HTTP, on a host whose local time zone is UTC+14 (so "today" and the log card's
// timestamp must come from the host's zone, not UTC): both body shapes, markdown content, idempotency keys, and
// concurrent injects that all survive.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import type { NoteDate } from "../../src/notes/NoteDate"
import { runClient } from "../support/apiClient"
import { createWorkspace, processHostSuite } from "../support/hostSuite"
import { request, todayIn } from "./helpers"

const zone = "Pacific/Kiritimati"
const t = processHostSuite("inject", { TZ: zone })
let ws: string

beforeAll(async () => {
  ws = await createWorkspace(t.base, "Inject")
})

const note = (date: string, workspace = ws) =>
  runClient(t.base, (api) => api.notes.get({ path: { date: date as NoteDate } }), workspace)

const clockIn = (tz: string, at: Date) =>
  new Intl.DateTimeFormat("en-US", { timeZone: tz, hour: "2-digit", minute: "2-digit", hour12: true }).format(at)

describe("inject a markdown log entry", () => {
  it("writes a logCard with string attrs, tasks from `- [ ]` lines, and defaults to today in the host's zone", async () => {
    const started = new Date()
    const response = await runClient(
      t.base,
      (api) =>
        api.notes.inject({
          payload: {
            type: "logCard",
            content: "Call with the vendor.\nThey agreed.\n\n- [ ] send contract\n- [x] book call\n- note taken",
            folio: "Atlas",
            tags: ["#work", "vendors", "work"]
          }
        }),
      ws
    )
    const finished = new Date()
    expect([todayIn(zone, started), todayIn(zone, finished)]).toContain(response.date)
    expect(response).toMatchObject({ success: true, duplicate: false })
    const { documentState } = await note(response.date)
    const card = documentState.at(-1)!
    expect(card.type).toBe("logCard")
    expect(card.attrs).toEqual({
      timestamp: expect.any(String),
      visibility: "PRIVATE",
      tags: '["work","vendors"]',
      folios: '["Atlas"]',
      customers: "[]",
      abandoned: "false"
    })
    expect([clockIn(zone, started), clockIn(zone, finished)]).toContain(card.attrs!.timestamp)
    expect(card.content).toEqual([
      {
        type: "paragraph",
        content: [
          { type: "text", text: "Call with the vendor." },
          { type: "hardBreak" },
          { type: "text", text: "They agreed." }
        ]
      },
      {
        type: "taskList",
        content: [
          {
            type: "taskItem",
            attrs: { checked: false },
            content: [{ type: "paragraph", content: [{ type: "text", text: "send contract" }] }]
          },
          {
            type: "taskItem",
            attrs: { checked: true },
            content: [{ type: "paragraph", content: [{ type: "text", text: "book call" }] }]
          }
        ]
      },
      {
        type: "bulletList",
        content: [
          { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "note taken" }] }] }
        ]
      }
    ])
    const text = await request(t.base, "GET", `/daily-notes/${response.date}/text`, ws)
    expect(text.body.text).toContain(
      `## ${card.attrs!.timestamp} [#work] [#vendors] [Atlas]\nCall with the vendor.\nThey agreed.\n\n- [ ] send contract\n- [x] book call`
    )
  })

  it("appends to the note of an explicit date, after what is already there", async () => {
    await request(t.base, "PATCH", "/daily-notes/2026-05-01", ws, { documentState: [{ type: "paragraph" }] })
    const response = await request(t.base, "POST", "/daily-notes/inject", ws, {
      type: "logCard",
      content: "later",
      date: "2026-05-01",
      folio: null
    })
    expect(response).toEqual({ status: 200, body: { success: true, date: "2026-05-01", duplicate: false } })
    const { documentState } = await note("2026-05-01")
    expect(documentState.map((node) => node.type)).toEqual(["paragraph", "logCard"])
    expect(documentState[1]!.attrs!.folios).toBe("[]")
  })
})

describe("inject a block", () => {
  it("appends the node exactly as sent, unknown types and attributes included", async () => {
    const block = {
      type: "logCard",
      attrs: {
        timestamp: "07:00 AM",
        visibility: "PUBLIC",
        tags: "[]",
        folios: "[]",
        customers: "[]",
        abandoned: "false",
        source: "slack"
      },
      content: [{ type: "embed", attrs: { url: "https://x", ratio: 0.5 } }]
    }
    const response = await request(t.base, "POST", "/daily-notes/inject", ws, { block, date: "2026-05-02" })
    expect(response.body).toEqual({ success: true, date: "2026-05-02", duplicate: false })
    expect((await note("2026-05-02")).documentState).toEqual([block])
  })

  it("refuses a malformed block with a 400 naming its path, and stores nothing", async () => {
    const before = (await note("2026-05-03")).documentState
    const cases: Array<unknown> = [
      { block: { type: "taskItem", attrs: { checked: "no" } }, date: "2026-05-03" },
      { block: { attrs: {} }, date: "2026-05-03" },
      { block: "paragraph", date: "2026-05-03" },
      { block: { type: "paragraph" }, date: "2026-02-30" },
      { type: "logCard", date: "2026-05-03" },
      { type: "logCard", content: "   ", date: "2026-05-03" },
      { type: "logCard", content: "x", tags: "work", date: "2026-05-03" },
      { type: "logCard", content: "x", tags: ["#"], date: "2026-05-03" },
      { type: "logCard", content: "x", folio: "", date: "2026-05-03" },
      { type: "logCard", content: "x", date: "today" },
      { type: "logCard", content: "x", idempotencyKey: "", date: "2026-05-03" },
      { type: "logCard", content: 42, date: "2026-05-03" },
      { type: "note", content: "x", date: "2026-05-03" }
    ]
    for (const body of cases) {
      const response = await request(t.base, "POST", "/daily-notes/inject", ws, body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(response.body._tag).toBe("HttpApiDecodeError")
    }
    const nested = await request(t.base, "POST", "/daily-notes/inject", ws, {
      block: { type: "taskList", content: [{ type: "taskItem", attrs: { checked: 1 } }] },
      date: "2026-05-03"
    })
    expect(nested.body.issues.map((issue: { path: Array<unknown> }) => issue.path)).toContainEqual([
      "block",
      "content",
      0,
      "attrs",
      "checked"
    ])
    expect((await note("2026-05-03")).documentState).toEqual(before)
  })
})

describe("idempotency keys", () => {
  it("adds a markdown entry with a key once, however often it is sent", async () => {
    const body = { type: "logCard", content: "- [ ] once", idempotencyKey: "msg-123", date: "2026-06-01" }
    const first = await request(t.base, "POST", "/daily-notes/inject", ws, body)
    const second = await request(t.base, "POST", "/daily-notes/inject", ws, body)
    expect(first.body).toEqual({ success: true, date: "2026-06-01", duplicate: false })
    expect(second.body).toEqual({ success: true, date: "2026-06-01", duplicate: true })
    const { documentState, revision } = await note("2026-06-01")
    expect(documentState).toHaveLength(1)
    expect(documentState[0]!.attrs!.idempotencyKey).toBe("msg-123")
    expect(revision).toBe(1)
  })

  it("deduplicates a block by attrs.idempotencyKey or the top-level key, and the same key on another day is new", async () => {
    const block = { type: "logCard", attrs: { timestamp: "10:00 AM", idempotencyKey: "blk-1" }, content: [] }
    await request(t.base, "POST", "/daily-notes/inject", ws, { block, date: "2026-06-02" })
    const again = await request(t.base, "POST", "/daily-notes/inject", ws, {
      block: { ...block, content: [{ type: "paragraph" }] },
      date: "2026-06-02"
    })
    expect(again.body.duplicate).toBe(true)
    const plain = { type: "logCard", attrs: { timestamp: "10:00 AM" } }
    const topLevel = await request(t.base, "POST", "/daily-notes/inject", ws, {
      block: plain,
      idempotencyKey: "blk-1",
      date: "2026-06-02"
    })
    expect(topLevel.body.duplicate).toBe(true)
    const fresh = await request(t.base, "POST", "/daily-notes/inject", ws, {
      block: plain,
      idempotencyKey: "blk-2",
      date: "2026-06-02"
    })
    expect(fresh.body.duplicate).toBe(false)
    const otherDay = await request(t.base, "POST", "/daily-notes/inject", ws, { block, date: "2026-06-03" })
    expect(otherDay.body.duplicate).toBe(false)
    const { documentState } = await note("2026-06-02")
    expect(documentState.map((node) => node.attrs?.idempotencyKey)).toEqual(["blk-1", "blk-2"])
  })

  it("refuses a block whose two keys disagree, and stores nothing", async () => {
    const response = await request(t.base, "POST", "/daily-notes/inject", ws, {
      block: { type: "logCard", attrs: { idempotencyKey: "a" } },
      idempotencyKey: "b",
      date: "2026-06-04"
    })
    expect(response.status).toBe(400)
    expect(response.body._tag).toBe("InvalidInject")
    expect((await note("2026-06-04")).documentState).toEqual([])
  })

  it("keeps one entry when the same key is injected concurrently", async () => {
    const body = { type: "logCard", content: "racing", idempotencyKey: "race-1", date: "2026-06-05" }
    const results = await Promise.all(
      Array.from({ length: 8 }, () => request(t.base, "POST", "/daily-notes/inject", ws, body))
    )
    expect(results.map((result) => result.status)).toEqual(Array(8).fill(200))
    expect(results.filter((result) => result.body.duplicate === false)).toHaveLength(1)
    expect((await note("2026-06-05")).documentState).toHaveLength(1)
  })
})

describe("concurrency and limits", () => {
  it("keeps all 20 of 20 parallel injects into one note, and bumps the revision once each", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(t.base, "POST", "/daily-notes/inject", ws, {
          type: "logCard",
          content: `entry ${i}`,
          date: "2026-07-01"
        })
      )
    )
    expect(results.map((result) => result.status)).toEqual(Array(20).fill(200))
    const { documentState, revision } = await note("2026-07-01")
    expect(documentState).toHaveLength(20)
    const texts = documentState.map((card) => card.content![0]!.content![0]!.text)
    expect(new Set(texts)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `entry ${i}`)))
    expect(revision).toBe(20)
  })

  it("refuses an inject that would grow the note past 2 MiB, keeping the note as it was", async () => {
    const big = [{ type: "paragraph", content: [{ type: "text", text: "y".repeat(2 * 1024 * 1024 - 200) }] }]
    expect((await request(t.base, "PATCH", "/daily-notes/2026-07-02", ws, { documentState: big })).status).toBe(200)
    const response = await request(t.base, "POST", "/daily-notes/inject", ws, {
      type: "logCard",
      content: "one more",
      date: "2026-07-02"
    })
    expect(response.status).toBe(400)
    expect(response.body._tag).toBe("NoteTooLarge")
    expect(response.body.message).toMatch(/2026-07-02/)
    expect((await note("2026-07-02")).documentState).toHaveLength(1)
  })
})
