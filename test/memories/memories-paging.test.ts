// GET /memories pages newest first with a cursor (no memory falls off after the newest 20), GET /memories/:id opens
// one memory, and GET /activity counts a range's log entries per day: what the admin UI's Memories, search hits and
// Today's activity chart read.
import { describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("memories_paging")

describe("memories paging and opening", () => {
  it("walks every memory newest first, page by page, without a repeat or a gap", async () => {
    const workspace = await createWorkspace(suite.base, "Paging")
    const written: Array<string> = []
    for (let i = 0; i < 26; i++) {
      const content = i === 0 ? "penicillin allergy" : `fact number ${i}`
      const { status } = await call(suite.base, "POST", "/memories", { workspace, body: { content } })
      expect(status).toBe(201)
      written.push(content)
    }
    const seen: Array<string> = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = cursor === null ? "?limit=10" : `?limit=10&cursor=${cursor}`
      const { status, body } = await call(suite.base, "GET", `/memories${query}`, { workspace })
      expect(status).toBe(200)
      seen.push(...(body.memories as Array<{ content: string }>).map((memory) => memory.content))
      cursor = body.nextCursor
      pages++
    } while (cursor !== null && pages < 10)
    expect(pages).toBe(3)
    expect(seen).toEqual([...written].reverse())
    expect(seen).toContain("penicillin allergy")
  })

  it("refuses a cursor it did not answer, naming the field", async () => {
    const workspace = await createWorkspace(suite.base, "Bad cursor")
    const { status, body } = await call(suite.base, "GET", "/memories?cursor=not-a-cursor", { workspace })
    expect(status).toBe(400)
    expect(JSON.stringify(body)).toContain("cursor")
  })

  it("opens one memory by id, and answers 404 MemoryNotFound for one that is not in the workspace", async () => {
    const workspace = await createWorkspace(suite.base, "Open one")
    const other = await createWorkspace(suite.base, "Someone else")
    const created = await call(suite.base, "POST", "/memories", { workspace, body: { content: "the boat is blue" } })
    const id = created.body.memory.id as string
    const opened = await call(suite.base, "GET", `/memories/${id}`, { workspace })
    expect(opened.status).toBe(200)
    expect(opened.body.memory).toMatchObject({ id, content: "the boat is blue" })
    const elsewhere = await call(suite.base, "GET", `/memories/${id}`, { workspace: other })
    expect(elsewhere.status).toBe(404)
    expect(elsewhere.body).toMatchObject({ _tag: "MemoryNotFound", memoryId: id })
  })
})

describe("GET /activity", () => {
  it("counts each day's log entries for the days ending at `to`, zero for days without a note", async () => {
    const workspace = await createWorkspace(suite.base, "Activity")
    for (const [date, count] of [
      ["2030-03-10", 2],
      ["2030-03-12", 3]
    ] as const) {
      for (let i = 0; i < count; i++) {
        const { status } = await call(suite.base, "POST", "/daily-notes/inject", {
          workspace,
          body: { type: "logCard", date, content: `entry ${i} of ${date}` }
        })
        expect(status).toBeLessThan(300)
      }
    }
    const { status, body } = await call(suite.base, "GET", "/activity?to=2030-03-12&days=4", { workspace })
    expect(status).toBe(200)
    expect(body.days).toEqual([
      { date: "2030-03-09", entries: 0 },
      { date: "2030-03-10", entries: 2 },
      { date: "2030-03-11", entries: 0 },
      { date: "2030-03-12", entries: 3 }
    ])
  })

  it("refuses a bad day count and a missing `to`, naming the field", async () => {
    const workspace = await createWorkspace(suite.base, "Activity bad")
    const tooMany = await call(suite.base, "GET", "/activity?to=2030-03-12&days=1000", { workspace })
    expect(tooMany.status).toBe(400)
    expect(JSON.stringify(tooMany.body)).toContain("days")
    const noEnd = await call(suite.base, "GET", "/activity", { workspace })
    expect(noEnd.status).toBe(400)
    expect(JSON.stringify(noEnd.body)).toContain("to")
  })
})
