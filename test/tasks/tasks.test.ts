// Tasks over real HTTP: derived from daily notes, filtered, ordered and limited; added as log cards; toggled by either
// body shape under the note's row lock; 404 for what does not exist, 400 for what is malformed; isolated per workspace.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import type { NoteDate } from "../../src/notes/NoteDate"
import { runClient } from "../support/apiClient"
import { request } from "../notes/helpers"
import { createWorkspace, hostSuite } from "../support/hostSuite"

const t = hostSuite("tasks")
let ws: string

const taskItem = (text: string, checked: boolean) => ({
  type: "taskItem",
  attrs: { checked },
  content: [{ type: "paragraph", content: [{ type: "text", text }] }]
})
const card = (attrs: Record<string, string>, ...items: Array<ReturnType<typeof taskItem>>) => ({
  type: "logCard",
  attrs: { visibility: "PRIVATE", customers: "[]", abandoned: "false", ...attrs },
  content: [{ type: "taskList", content: items }]
})

beforeAll(async () => {
  ws = await createWorkspace(t.base, "Tasks")
  await request(t.base, "PATCH", "/daily-notes/2026-03-01", ws, {
    documentState: [
      { type: "taskList", content: [taskItem("old loose", false), taskItem("old done", true)] },
      card({ timestamp: "08:00 AM", tags: '["home"]', folios: '["House"]' }, taskItem("fix sink", false))
    ]
  })
  await request(t.base, "PATCH", "/daily-notes/2026-03-05", ws, {
    documentState: [
      { type: "paragraph", content: [{ type: "text", text: "no tasks up here" }] },
      card(
        { timestamp: "02:30 PM", tags: '["work"]', folios: '["Atlas"]' },
        taskItem("ship v2", false),
        taskItem("write notes", true)
      )
    ]
  })
  await request(t.base, "PATCH", "/daily-notes/2026-03-03", ws, { documentState: [{ type: "paragraph" }] })
})

const list = (query = "", workspace = ws) => request(t.base, "GET", `/tasks${query}`, workspace)

describe("GET /tasks", () => {
  it("lists every task, unchecked first, then newest day first, then document order, with inherited card metadata", async () => {
    const { status, body } = await list()
    expect(status).toBe(200)
    expect(body.tasks.map((task: { id: string }) => task.id)).toEqual([
      "2026-03-05:0",
      "2026-03-01:0",
      "2026-03-01:2",
      "2026-03-05:1",
      "2026-03-01:1"
    ])
    expect(body.tasks[0]).toEqual({
      id: "2026-03-05:0",
      text: "ship v2",
      checked: false,
      date: "2026-03-05",
      folios: ["Atlas"],
      tags: ["work"],
      timestamp: "02:30 PM",
      nodeIndex: 0
    })
    expect(body.tasks[1]).toMatchObject({ text: "old loose", folios: [], tags: [], timestamp: null })
  })

  it("filters by checked, folio, tag and date range, and limits", async () => {
    const ids = async (query: string) => (await list(query)).body.tasks.map((task: { id: string }) => task.id)
    expect(await ids("?checked=true")).toEqual(["2026-03-05:1", "2026-03-01:1"])
    expect(await ids("?checked=false&folio=atlas")).toEqual(["2026-03-05:0"])
    expect(await ids("?tag=%23home")).toEqual(["2026-03-01:2"])
    expect(await ids("?tag=home&folio=Atlas")).toEqual([])
    expect(await ids("?date_from=2026-03-02&date_to=2026-03-05")).toEqual(["2026-03-05:0", "2026-03-05:1"])
    expect(await ids("?date_to=2026-03-01")).toEqual(["2026-03-01:0", "2026-03-01:2", "2026-03-01:1"])
    expect(await ids("?limit=2")).toEqual(["2026-03-05:0", "2026-03-01:0"])
    const typed = await runClient(t.base, (api) => api.tasks.list({ urlParams: { checked: false, limit: 1 } }), ws)
    expect(typed.tasks.map((task) => task.id)).toEqual(["2026-03-05:0"])
  })

  it("answers 400 for malformed query parameters", async () => {
    for (const query of [
      "?limit=0",
      "?limit=501",
      "?limit=1.5",
      "?limit=ten",
      "?checked=yes",
      "?date_from=2026-02-30",
      "?date_to=tomorrow",
      "?date_from=2026-03-05&date_to=2026-03-01"
    ]) {
      const response = await list(query)
      expect(response.status, query).toBe(400)
      expect(response.body._tag).toBe("HttpApiDecodeError")
    }
    expect((await list("?limit=0")).body.issues[0]).toMatchObject({
      path: ["limit"],
      message: "limit must be a whole number from 1 to 500"
    })
  })

  it("defaults to 50 tasks", async () => {
    const other = await createWorkspace(t.base, "Many tasks")
    const items = Array.from({ length: 60 }, (_, i) => taskItem(`t${i}`, false))
    await request(t.base, "PATCH", "/daily-notes/2026-03-10", other, {
      documentState: [{ type: "taskList", content: items }]
    })
    const { body } = await list("", other)
    expect(body.tasks).toHaveLength(50)
    expect(body.tasks[49].nodeIndex).toBe(49)
  })
})

describe("POST /tasks", () => {
  it("writes the task as logCard > taskList > taskItem and answers it with its id", async () => {
    const created = await runClient(
      t.base,
      (api) =>
        api.tasks.create({
          payload: { text: "renew passport", folio: "Travel", tags: ["#admin"], date: "2026-03-20" as NoteDate }
        }),
      ws
    )
    expect(created.success).toBe(true)
    expect(created.task).toMatchObject({
      text: "renew passport",
      date: "2026-03-20",
      folio: "Travel",
      tags: ["admin"],
      id: "2026-03-20:0",
      nodeIndex: 0
    })
    expect(created.task.timestamp).toMatch(/^(0[1-9]|1[0-2]):[0-5]\d (AM|PM)$/)
    const note = await request(t.base, "GET", "/daily-notes/2026-03-20", ws)
    expect(note.body.documentState).toEqual([
      {
        type: "logCard",
        attrs: {
          timestamp: created.task.timestamp,
          visibility: "PRIVATE",
          tags: '["admin"]',
          folios: '["Travel"]',
          customers: "[]",
          abandoned: "false"
        },
        content: [{ type: "taskList", content: [taskItem("renew passport", false)] }]
      }
    ])
    const second = await request(t.base, "POST", "/tasks", ws, { text: "  second\n line ", date: "2026-03-20" })
    expect(second.body.task).toMatchObject({
      id: "2026-03-20:1",
      nodeIndex: 1,
      folio: null,
      tags: [],
      text: "second line"
    })
    const listed = (await list("?date_from=2026-03-20&date_to=2026-03-20")).body.tasks
    expect(listed.map((task: { text: string }) => task.text)).toEqual(["renew passport", "second line"])
    expect(listed[0]).toMatchObject({ folios: ["Travel"], tags: ["admin"] })
  })

  it("refuses bad bodies with a 400 and stores nothing", async () => {
    for (const body of [
      {},
      { text: "" },
      { text: "   " },
      { text: 5 },
      { text: "x", date: "2026-02-30" },
      { text: "x", tags: "a" },
      { text: "x", folio: 3 }
    ]) {
      const response = await request(t.base, "POST", "/tasks", ws, { date: "2026-03-21", ...body })
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(response.body._tag).toBe("HttpApiDecodeError")
    }
    expect((await request(t.base, "GET", "/daily-notes/2026-03-21/text", ws)).body.text).toBe("")
  })
})

describe("PATCH /tasks", () => {
  it("toggles by { date, nodeIndex } and by { task_id }, keeping the rest of the note as it was", async () => {
    const before = (await request(t.base, "GET", "/daily-notes/2026-03-05", ws)).body
    const byIndex = await request(t.base, "PATCH", "/tasks", ws, { date: "2026-03-05", nodeIndex: 0, checked: true })
    expect(byIndex).toEqual({
      status: 200,
      body: {
        success: true,
        task: { id: "2026-03-05:0", text: "ship v2", checked: true, date: "2026-03-05", nodeIndex: 0 }
      }
    })
    const byId = await runClient(
      t.base,
      (api) => api.tasks.toggle({ payload: { task_id: "2026-03-05:1", checked: false } }),
      ws
    )
    expect(byId.task).toEqual({
      id: "2026-03-05:1",
      text: "write notes",
      checked: false,
      date: "2026-03-05",
      nodeIndex: 1
    })
    const after = (await request(t.base, "GET", "/daily-notes/2026-03-05", ws)).body
    expect(after.revision).toBe(before.revision + 2)
    const expected = structuredClone(before.documentState)
    expected[1].content[0].content[0].attrs.checked = true
    expected[1].content[0].content[1].attrs.checked = false
    expect(after.documentState).toEqual(expected)
    expect((await request(t.base, "GET", "/daily-notes/2026-03-05/text", ws)).body.text).toContain(
      "- [x] ship v2\n- [ ] write notes"
    )
  })

  it("does not rewrite the note when the task is already in the asked state", async () => {
    const before = (await request(t.base, "GET", "/daily-notes/2026-03-01", ws)).body.revision
    const response = await request(t.base, "PATCH", "/tasks", ws, { task_id: "2026-03-01:1", checked: true })
    expect(response.body.task.checked).toBe(true)
    expect((await request(t.base, "GET", "/daily-notes/2026-03-01", ws)).body.revision).toBe(before)
  })

  it("keeps every toggle when many land on one note at once", async () => {
    const items = Array.from({ length: 10 }, (_, i) => taskItem(`p${i}`, false))
    await request(t.base, "PATCH", "/daily-notes/2026-03-25", ws, {
      documentState: [{ type: "taskList", content: items }]
    })
    await Promise.all(
      items.map((_, i) => request(t.base, "PATCH", "/tasks", ws, { task_id: `2026-03-25:${i}`, checked: true }))
    )
    const tasks = (await list("?date_from=2026-03-25&date_to=2026-03-25")).body.tasks
    expect(tasks.map((task: { checked: boolean }) => task.checked)).toEqual(Array(10).fill(true))
  })

  it("answers 404 for a task that does not exist, without creating a note", async () => {
    for (const body of [
      { task_id: "2026-03-05:7", checked: true },
      { date: "2030-01-01", nodeIndex: 0, checked: true },
      { date: "2026-03-03", nodeIndex: 0, checked: true }
    ]) {
      const response = await request(t.base, "PATCH", "/tasks", ws, body)
      expect(response.status, JSON.stringify(body)).toBe(404)
      expect(response.body._tag).toBe("TaskNotFound")
    }
    expect((await request(t.base, "GET", "/daily-notes/2030-01-01/text", ws)).body.text).toBe("")
  })

  it("answers 400 for malformed task ids and bodies", async () => {
    for (const body of [
      { task_id: "2026-03-05", checked: true },
      { task_id: "2026-03-05:x", checked: true },
      { task_id: "2026-02-30:0", checked: true },
      { task_id: "2026-3-5:0", checked: true },
      { task_id: "2026-03-05:-1", checked: true },
      { task_id: "2026-03-05:0", checked: "yes" },
      { task_id: "2026-03-05:0" },
      { date: "2026-03-05", nodeIndex: -1, checked: true },
      { date: "2026-03-05", nodeIndex: 1.5, checked: true },
      { date: "2026-03-05", checked: true }
    ]) {
      const response = await request(t.base, "PATCH", "/tasks", ws, body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(response.body._tag).toBe("HttpApiDecodeError")
    }
    const message = (await request(t.base, "PATCH", "/tasks", ws, { task_id: "nope", checked: true })).body.message
    expect(message).toContain("task_id must be YYYY-MM-DD:nodeIndex")
  })
})

describe("isolation between workspaces", () => {
  it("another workspace never lists these tasks and cannot toggle them", async () => {
    const a = await createWorkspace(t.base, "Tasks A")
    const b = await createWorkspace(t.base, "Tasks B")
    await request(t.base, "POST", "/tasks", a, { text: "A's private task", date: "2026-09-01" })
    expect((await list("", b)).body.tasks).toEqual([])
    const toggle = await request(t.base, "PATCH", "/tasks", b, { task_id: "2026-09-01:0", checked: true })
    expect(toggle.status).toBe(404)
    const mine = (await list("", a)).body.tasks
    expect(mine).toEqual([expect.objectContaining({ text: "A's private task", checked: false })])
  })
})
