// Daily notes over real HTTP: first-read creation, dates, replacing documents exactly as sent, validation that stores
// nothing, the text rendering and the text_content kept for search, and workspace isolation.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type pg from "pg"
import type { NoteDate } from "../../src/notes/NoteDate"
import { runClient } from "../support/apiClient"
import { connect } from "../support/database"
import { createWorkspace, hostSuite } from "../support/hostSuite"
import { request } from "./helpers"

const t = hostSuite("notes")
let owner: pg.Client
let ws: string

beforeAll(async () => {
  owner = await connect(t.db.ownerUrl)
  ws = await createWorkspace(t.base, "Notes")
})
afterAll(async () => {
  await owner?.end()
})

const day = (date: string) => date as NoteDate

const stored = async (workspace: string, date: string) => {
  const result = await owner.query<{ document: unknown; text_content: string; revision: number }>(
    "select document, text_content, revision from daily_notes where workspace_id = $1 and date = $2",
    [workspace, date]
  )
  return result.rows[0]
}

const noteCount = async (workspace: string) =>
  Number(
    (await owner.query<{ n: string }>("select count(*) as n from daily_notes where workspace_id = $1", [workspace]))
      .rows[0]!.n
  )

describe("GET /daily-notes/:date", () => {
  it("creates an empty note on first read and answers the same note afterwards", async () => {
    const first = await runClient(t.base, (api) => api.notes.get({ path: { date: day("2026-01-05") } }), ws)
    expect(first.date).toBe("2026-01-05")
    expect(first.documentState).toEqual([])
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/)
    const raw = await request(t.base, "GET", "/daily-notes/2026-01-05", ws)
    expect(raw.status).toBe(200)
    expect(raw.body).toMatchObject({ id: first.id, date: "2026-01-05", documentState: [] })
    expect(Number.isNaN(Date.parse(raw.body.updatedAt))).toBe(false)
  })

  it("creates exactly one note when many first reads race", async () => {
    const reads = await Promise.all(
      Array.from({ length: 12 }, () => request(t.base, "GET", "/daily-notes/2026-01-06", ws))
    )
    expect(reads.map((read) => read.status)).toEqual(Array(12).fill(200))
    expect(new Set(reads.map((read) => read.body.id)).size).toBe(1)
    const rows = await owner.query("select id from daily_notes where workspace_id = $1 and date = '2026-01-06'", [ws])
    expect(rows.rowCount).toBe(1)
  })

  it("answers 400 naming the date for days that do not exist, and stores nothing", async () => {
    const before = await noteCount(ws)
    for (const bad of ["2026-13-45", "2026-02-30", "today", "2026-1-5", "2026-01-05x", "0000-01-01"]) {
      const response = await request(t.base, "GET", `/daily-notes/${bad}`, ws)
      expect(response.status, bad).toBe(400)
      expect(response.body._tag).toBe("HttpApiDecodeError")
      expect(response.body.issues[0].path).toEqual(["date"])
      expect(response.body.message).toContain("YYYY-MM-DD")
      expect((await request(t.base, "GET", `/daily-notes/${bad}/text`, ws)).status).toBe(400)
      expect((await request(t.base, "PATCH", `/daily-notes/${bad}`, ws, { documentState: [] })).status).toBe(400)
    }
    expect(await noteCount(ws)).toBe(before)
  })
})

describe("PATCH /daily-notes/:date", () => {
  const document = [
    {
      type: "logCard",
      attrs: {
        timestamp: "08:30 AM",
        visibility: "PUBLIC",
        tags: '["health"]',
        folios: '["Body"]',
        customers: "[]",
        abandoned: "false",
        mood: "sunny"
      },
      content: [
        {
          type: "paragraph",
          content: [{ type: "text", text: "Ran 5 km", marks: [{ type: "bold", attrs: { w: 7 } }] }]
        },
        { type: "taskList", content: [{ type: "taskItem", attrs: { checked: true, due: "friday" }, content: [] }] }
      ]
    },
    { type: "mermaidDiagram", attrs: { source: "graph TD; A-->B", zoom: 1.5, meta: { nested: [1, "two", null] } } },
    { type: "paragraph", attrs: { textAlign: null }, unknownKey: { keep: true } }
  ]

  it("replaces the document and round-trips unknown node types, attributes and keys exactly", async () => {
    const saved = await request(t.base, "PATCH", "/daily-notes/2026-02-01", ws, { documentState: document })
    expect(saved.status).toBe(200)
    expect(saved.body.documentState).toEqual(document)
    expect(saved.body.date).toBe("2026-02-01")
    const read = await runClient(t.base, (api) => api.notes.get({ path: { date: day("2026-02-01") } }), ws)
    expect(read.documentState).toEqual(document)
    expect(read.id).toBe(saved.body.id)
    expect((await stored(ws, "2026-02-01"))?.document).toEqual(document)
  })

  it("bumps the revision and keeps text_content equal to the rendered text on every write", async () => {
    const before = (await stored(ws, "2026-02-01"))!
    const next = [{ type: "paragraph", content: [{ type: "text", text: "rewritten" }] }]
    const saved = await runClient(
      t.base,
      (api) => api.notes.replace({ path: { date: day("2026-02-01") }, payload: { documentState: next } }),
      ws
    )
    expect(saved.revision).toBe(before.revision + 1)
    const after = (await stored(ws, "2026-02-01"))!
    expect(after.revision).toBe(before.revision + 1)
    expect(after.text_content).toBe("rewritten")
    const text = await runClient(t.base, (api) => api.notes.text({ path: { date: day("2026-02-01") } }), ws)
    expect(text).toEqual({ date: "2026-02-01", text: "rewritten" })
  })

  it("refuses malformed documents with a 400 naming the bad node's path, and stores nothing", async () => {
    await request(t.base, "PATCH", "/daily-notes/2026-02-02", ws, { documentState: document })
    const before = (await stored(ws, "2026-02-02"))!
    const cases: Array<[unknown, Array<string | number>]> = [
      [
        { documentState: [{ type: "taskList", content: [{ type: "taskItem", attrs: { checked: "yes" } }] }] },
        ["documentState", 0, "content", 0, "attrs", "checked"]
      ],
      [{ documentState: [{ type: "paragraph" }, { content: [] }] }, ["documentState", 1]],
      [
        { documentState: [{ type: "logCard", attrs: { tags: ["not", "a", "string"] } }] },
        ["documentState", 0, "attrs", "tags"]
      ],
      [{ documentState: [{ type: "paragraph", content: [{ type: "text" }] }] }, ["documentState", 0, "content", 0]],
      [{ documentState: [{ type: "paragraph", attrs: "x" }] }, ["documentState", 0]],
      [{ documentState: [{ type: "text", text: "nul \u0000 byte" }] }, ["documentState", 0, "text"]],
      [{ documentState: { type: "paragraph" } }, ["documentState"]],
      [{ documentState: "[]" }, ["documentState"]],
      [{}, ["documentState"]]
    ]
    for (const [body, path] of cases) {
      const response = await request(t.base, "PATCH", "/daily-notes/2026-02-02", ws, body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(response.body._tag).toBe("HttpApiDecodeError")
      expect(response.body.issues[0].path).toEqual(path)
    }
    const malformed = await request(t.base, "PATCH", "/daily-notes/2026-02-02", ws, '{"documentState": [')
    expect(malformed.status).toBe(400)
    expect(await stored(ws, "2026-02-02")).toEqual(before)
  })

  it("refuses documents nested deeper than 64 levels or larger than 2 MiB", async () => {
    let deep: Record<string, unknown> = { type: "paragraph" }
    for (let i = 0; i < 70; i++) deep = { type: "blockquote", content: [deep] }
    const tooDeep = await request(t.base, "PATCH", "/daily-notes/2026-02-03", ws, { documentState: [deep] })
    expect(tooDeep.status).toBe(400)
    expect(tooDeep.body.message).toMatch(/deeper than 64 levels/)
    const huge = [{ type: "paragraph", content: [{ type: "text", text: "x".repeat(2 * 1024 * 1024) }] }]
    const tooBig = await request(t.base, "PATCH", "/daily-notes/2026-02-03", ws, { documentState: huge })
    expect(tooBig.status).toBe(400)
    expect(tooBig.body.message).toMatch(/2 MiB/)
    expect(await stored(ws, "2026-02-03")).toBeUndefined()
  })
})

describe("GET /daily-notes/:date/text", () => {
  it("renders log cards as `## time #tag [Folio]` headings with tasks, lists and paragraphs below", async () => {
    const documentState = [
      {
        type: "logCard",
        attrs: {
          timestamp: "09:05 AM",
          tags: '["work","ops"]',
          folios: '["Atlas"]',
          visibility: "PRIVATE",
          abandoned: "false",
          customers: "[]"
        },
        content: [
          { type: "paragraph", content: [{ type: "text", text: "Deploy went fine." }] },
          {
            type: "taskList",
            content: [
              {
                type: "taskItem",
                attrs: { checked: false },
                content: [{ type: "paragraph", content: [{ type: "text", text: "write postmortem" }] }]
              },
              {
                type: "taskItem",
                attrs: { checked: true },
                content: [{ type: "paragraph", content: [{ type: "text", text: "roll back" }] }]
              }
            ]
          }
        ]
      },
      { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Later" }] },
      {
        type: "bulletList",
        content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "milk" }] }] }]
      },
      {
        type: "orderedList",
        content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "first" }] }] }]
      }
    ]
    await request(t.base, "PATCH", "/daily-notes/2026-02-10", ws, { documentState })
    const response = await request(t.base, "GET", "/daily-notes/2026-02-10/text", ws)
    expect(response.status).toBe(200)
    expect(response.body).toEqual({
      date: "2026-02-10",
      text: [
        "## 09:05 AM [#work] [#ops] [Atlas]",
        "Deploy went fine.",
        "",
        "- [ ] write postmortem",
        "- [x] roll back",
        "",
        "## Later",
        "",
        "- milk",
        "",
        "1. first"
      ].join("\n")
    })
    expect((await stored(ws, "2026-02-10"))?.text_content).toBe(response.body.text)
  })

  it("answers empty text for a day without a note, without creating one", async () => {
    const response = await request(t.base, "GET", "/daily-notes/1999-12-31/text", ws)
    expect(response).toEqual({ status: 200, body: { date: "1999-12-31", text: "" } })
    expect(await stored(ws, "1999-12-31")).toBeUndefined()
  })
})

describe("isolation between workspaces", () => {
  it("another workspace reading the same date sees its own empty note, never this one's content", async () => {
    const a = await createWorkspace(t.base, "Isolation A")
    const b = await createWorkspace(t.base, "Isolation B")
    const secret = [{ type: "paragraph", content: [{ type: "text", text: "A's secret plan" }] }]
    const saved = await request(t.base, "PATCH", "/daily-notes/2026-04-01", a, { documentState: secret })
    const fromB = await request(t.base, "GET", "/daily-notes/2026-04-01", b)
    expect(fromB.status).toBe(200)
    expect(fromB.body.documentState).toEqual([])
    expect(fromB.body.id).not.toBe(saved.body.id)
    expect((await request(t.base, "GET", "/daily-notes/2026-04-01/text", b)).body.text).toBe("")
    expect((await request(t.base, "GET", "/daily-notes/2026-04-01", a)).body.documentState).toEqual(secret)
  })
})
