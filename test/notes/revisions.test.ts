// Note history and no lost writes, over real HTTP: a PATCH based on a stale revision (If-Match or baseRevision) is a
// 409 that writes nothing, a PATCH without a base still writes but the version it replaced stays in the history,
// revisions are listed, read and restored with who wrote each (route or MCP tool), a restore with a stale If-Match is
// a 409 too, one entry is edited or removed by its index or idempotency key, and workspace B can do none of it to A's
// notes.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { asOwner, call, createWorkspace, hostSuite, openEvents, type Answer, mcpClients } from "../support/hostSuite"

const suite = hostSuite("revisions")
let A: string
let B: string

beforeAll(async () => {
  A = await createWorkspace(suite.base, "History A")
  B = await createWorkspace(suite.base, "History B")
})

/** A JSON request with extra headers (If-Match), which `call` does not send. */
const send = async (
  method: string,
  path: string,
  options: { workspace: string; body?: unknown; headers?: Record<string, string> }
): Promise<Answer> => {
  const response = await fetch(`${suite.base}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", "x-workspace-id": options.workspace, ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
  })
  const text = await response.text()
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) }
}

const paragraph = (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] })
const read = async (date: string, workspace = A) =>
  (await call(suite.base, "GET", `/daily-notes/${date}`, { workspace })).body
const inject = (date: string, content: string, idempotencyKey?: string, workspace = A) =>
  call(suite.base, "POST", "/daily-notes/inject", {
    workspace,
    body: { type: "logCard", content, date, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) }
  })
const history = async (date: string, workspace = A) =>
  (await call(suite.base, "GET", `/daily-notes/${date}/revisions`, { workspace })).body
const texts = (document: Array<any>) => JSON.stringify(document)

const mcp = mcpClients(suite)

describe("no lost writes", () => {
  for (const how of ["If-Match", "baseRevision"] as const) {
    it(`a client saving the copy it read before another client injected an entry gets 409 (${how}) and nothing is lost`, async () => {
      const date = how === "If-Match" ? "2026-03-01" : "2026-03-02"
      await inject(date, "first entry")
      const copy = await read(date)
      expect((await inject(date, "injected meanwhile")).status).toBe(200)
      const current = await read(date)
      expect(current.revision).toBe(copy.revision + 1)

      const stale = await send("PATCH", `/daily-notes/${date}`, {
        workspace: A,
        body: {
          documentState: [...copy.documentState, paragraph("my edit")],
          ...(how === "baseRevision" ? { baseRevision: copy.revision } : {})
        },
        headers: how === "If-Match" ? { "if-match": `"${copy.revision}"` } : {}
      })
      expect(stale.status).toBe(409)
      expect(stale.body).toMatchObject({ _tag: "NoteRevisionConflict", revision: current.revision })
      expect(stale.body.message).toContain(`revision ${current.revision}`)

      const after = await read(date)
      expect(after).toEqual(current)
      expect(texts(after.documentState)).toContain("injected meanwhile")
      expect(texts(after.documentState)).not.toContain("my edit")
      expect((await history(date)).revision).toBe(current.revision)

      // Based on the current revision, the same save goes through.
      const fresh = await send("PATCH", `/daily-notes/${date}`, {
        workspace: A,
        body: {
          documentState: [...current.documentState, paragraph("my edit")],
          ...(how === "baseRevision" ? { baseRevision: current.revision } : {})
        },
        headers: how === "If-Match" ? { "if-match": `"${current.revision}"` } : {}
      })
      expect(fresh.status).toBe(200)
      expect(fresh.body.revision).toBe(current.revision + 1)
    })
  }

  it("without a base the save still wins, and the version it overwrote is in the history", async () => {
    const date = "2026-03-03"
    const copy = await read(date)
    await inject(date, "written by another device")
    const overwritten = await read(date)
    const saved = await call(suite.base, "PATCH", `/daily-notes/${date}`, {
      workspace: A,
      body: { documentState: [...copy.documentState, paragraph("last writer")] }
    })
    expect(saved.status).toBe(200)
    expect(texts(saved.body.documentState)).not.toContain("written by another device")

    const kept = await call(suite.base, "GET", `/daily-notes/${date}/revisions/${overwritten.revision}`, {
      workspace: A
    })
    expect(kept.status).toBe(200)
    expect(kept.body).toMatchObject({ date, revision: overwritten.revision, current: false })
    expect(kept.body.documentState).toEqual(overwritten.documentState)
  })

  it("If-Match accepts a bare or weak revision; a malformed one, or one disagreeing with baseRevision, is a 400", async () => {
    const date = "2026-03-04"
    const { revision, documentState } = await read(date)
    const bare = await send("PATCH", `/daily-notes/${date}`, {
      workspace: A,
      body: { documentState },
      headers: { "if-match": String(revision) }
    })
    expect(bare.status).toBe(200)
    const weak = await send("PATCH", `/daily-notes/${date}`, {
      workspace: A,
      body: { documentState },
      headers: { "if-match": `W/"${revision + 1}"` }
    })
    expect(weak.status).toBe(200)

    const malformed = await send("PATCH", `/daily-notes/${date}`, {
      workspace: A,
      body: { documentState },
      headers: { "if-match": "*" }
    })
    expect(malformed.status).toBe(400)
    expect(malformed.body).toMatchObject({ _tag: "InvalidBaseRevision" })
    expect(malformed.body.message).toContain("If-Match")
    const disagreeing = await send("PATCH", `/daily-notes/${date}`, {
      workspace: A,
      body: { documentState, baseRevision: revision + 2 },
      headers: { "if-match": `"${revision + 1}"` }
    })
    expect(disagreeing.status).toBe(400)
    expect(disagreeing.body.message).toContain("baseRevision")
    const negative = await call(suite.base, "PATCH", `/daily-notes/${date}`, {
      workspace: A,
      body: { documentState, baseRevision: -1 }
    })
    expect(negative.status).toBe(400)
    expect(JSON.stringify(negative.body)).toContain("baseRevision")
    expect((await read(date)).revision).toBe(revision + 2)
  })
})

describe("note history", () => {
  it("lists every version newest first with who wrote it, reads one back, and restores it as a new revision", async () => {
    const date = "2026-04-01"
    await inject(date, "alpha")
    const alpha = await read(date)
    await call(suite.base, "PATCH", `/daily-notes/${date}`, {
      workspace: A,
      body: { documentState: [paragraph("replaced everything")] }
    })
    const listed = await history(date)
    expect(listed.revision).toBe(alpha.revision + 1)
    expect(listed.revisions.map((r: any) => [r.revision, r.current])).toEqual([
      [alpha.revision + 1, true],
      [alpha.revision, false],
      [0, false]
    ])
    const [now, before, empty] = listed.revisions
    expect(now.writer).toEqual({ kind: "route", name: "PATCH /api/v1/daily-notes/:date" })
    expect(before.writer).toEqual({ kind: "route", name: "POST /api/v1/daily-notes/inject" })
    expect(empty.writer).toBeNull()
    expect(before.size).toBe(Buffer.byteLength(JSON.stringify(alpha.documentState)))
    expect(empty.size).toBe(2)
    expect(Date.parse(before.writtenAt)).toBeLessThanOrEqual(Date.parse(now.writtenAt))

    const one = await call(suite.base, "GET", `/daily-notes/${date}/revisions/${alpha.revision}`, { workspace: A })
    expect(one.body.documentState).toEqual(alpha.documentState)
    const currentOne = await call(suite.base, "GET", `/daily-notes/${date}/revisions/${listed.revision}`, {
      workspace: A
    })
    expect(currentOne.body).toMatchObject({ current: true, documentState: [paragraph("replaced everything")] })

    const restored = await call(suite.base, "POST", `/daily-notes/${date}/revisions/${alpha.revision}/restore`, {
      workspace: A
    })
    expect(restored.status).toBe(200)
    expect(restored.body.revision).toBe(listed.revision + 1)
    expect(restored.body.documentState).toEqual(alpha.documentState)
    const after = await history(date)
    expect(after.revisions[0].writer).toEqual({
      kind: "route",
      name: "POST /api/v1/daily-notes/:date/revisions/:n/restore"
    })
    // The restore replaced a version too: the one it overwrote is kept.
    expect(after.revisions.map((r: any) => r.revision)).toEqual([
      listed.revision + 1,
      listed.revision,
      alpha.revision,
      0
    ])
  })

  it("a restore sent with If-Match of a revision the note has moved past is a 409 that writes nothing", async () => {
    const date = "2026-04-04"
    await inject(date, "first")
    const first = await read(date)
    await inject(date, "second, written meanwhile")
    const current = await read(date)
    const stale = await send("POST", `/daily-notes/${date}/revisions/${first.revision}/restore`, {
      workspace: A,
      headers: { "if-match": `"${first.revision}"` }
    })
    expect(stale.status).toBe(409)
    expect(stale.body).toMatchObject({ _tag: "NoteRevisionConflict", revision: current.revision })
    expect(await read(date)).toEqual(current)
    const malformed = await send("POST", `/daily-notes/${date}/revisions/${first.revision}/restore`, {
      workspace: A,
      headers: { "if-match": "latest" }
    })
    expect(malformed.status).toBe(400)
    expect(malformed.body._tag).toBe("InvalidBaseRevision")

    const fresh = await send("POST", `/daily-notes/${date}/revisions/${first.revision}/restore`, {
      workspace: A,
      headers: { "if-match": `"${current.revision}"` }
    })
    expect(fresh.status).toBe(200)
    expect(fresh.body.documentState).toEqual(first.documentState)
  })

  it("an unknown revision, a day without a note and a malformed n are answered plainly", async () => {
    const missing = await call(suite.base, "GET", "/daily-notes/2026-04-01/revisions/999", { workspace: A })
    expect(missing.status).toBe(404)
    expect(missing.body._tag).toBe("RevisionNotFound")
    const noNote = await call(suite.base, "GET", "/daily-notes/1990-01-01/revisions", { workspace: A })
    expect(noNote.status).toBe(404)
    expect(noNote.body._tag).toBe("NoteNotFound")
    const restoreMissing = await call(suite.base, "POST", "/daily-notes/2026-04-01/revisions/999/restore", {
      workspace: A
    })
    expect(restoreMissing.status).toBe(404)
    const bad = await call(suite.base, "GET", "/daily-notes/2026-04-01/revisions/first", { workspace: A })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain("n must be a revision number")
  })

  it("task toggles and MCP tools are recorded as their writers", async () => {
    const date = "2026-04-02"
    const client = await mcp(A)
    const created = await client.callTool({ name: "create_log_entry", arguments: { content: "- [ ] via mcp", date } })
    expect(created.isError).toBeFalsy()
    expect((await history(date)).revisions[0].writer).toEqual({ kind: "mcp", name: "create_log_entry" })

    const toggled = await call(suite.base, "PATCH", "/tasks", {
      workspace: A,
      body: { task_id: `${date}:0`, checked: true }
    })
    expect(toggled.status).toBe(200)
    expect((await history(date)).revisions[0].writer).toEqual({ kind: "route", name: "PATCH /api/v1/tasks" })

    await client.callTool({ name: "toggle_task", arguments: { task_id: `${date}:0`, checked: false } })
    const listed = await history(date)
    expect(listed.revisions.slice(0, 3).map((r: any) => r.writer)).toEqual([
      { kind: "mcp", name: "toggle_task" },
      { kind: "route", name: "PATCH /api/v1/tasks" },
      { kind: "mcp", name: "create_log_entry" }
    ])
  })
})

describe("the nightly note-revisions job", () => {
  it("is scheduled, runs per workspace and drops what the retention rule no longer keeps", async () => {
    const date = "2026-04-03"
    await inject(date, "one")
    await inject(date, "two")
    await inject(date, "three")
    // Backdate the versions: revision 0 replaced 100 days ago, 1 and 2 on the same day 20 days ago.
    await asOwner(suite.db, (owner) =>
      owner.query(
        `update note_revisions r set replaced_at = now() - make_interval(days => case when r.revision = 0 then 100 else 20 end)
           from daily_notes n where n.id = r.note_id and n.date = $1 and n.workspace_id = $2`,
        [date, A]
      )
    )
    const jobs = (await call(suite.base, "GET", "/jobs", { workspace: A })).body
    expect(jobs.schedules.map((schedule: any) => schedule.name)).toContain("note-revisions")
    expect((await call(suite.base, "POST", "/jobs/note-revisions/run", { workspace: A })).status).toBe(202)
    let run: any
    for (let i = 0; i < 150 && run === undefined; i++) {
      const runs = (await call(suite.base, "GET", "/jobs", { workspace: A })).body.runs as Array<any>
      run = runs.find((candidate) => candidate.name === "note-revisions" && candidate.status !== "running")
      if (run === undefined) await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(run).toMatchObject({ status: "succeeded" })
    expect((await history(date)).revisions.map((r: any) => r.revision)).toEqual([3, 2])
  })
})

describe("one entry at a time", () => {
  const date = "2026-05-01"
  const cards = async () =>
    ((await read(date)).documentState as Array<any>)
      .filter((node) => node.type === "logCard")
      .map((card) => JSON.stringify(card.content))

  beforeAll(async () => {
    await inject(date, "zero")
    await inject(date, "one", "key-one")
    await inject(date, "two", "7")
    await call(suite.base, "PATCH", `/daily-notes/${date}`, {
      workspace: A,
      body: { documentState: [paragraph("not an entry"), ...(await read(date)).documentState] }
    })
  })

  it("edits an entry's text by its index among the logCards, keeping its timestamp and key", async () => {
    const before = (await read(date)).documentState.filter((node: any) => node.type === "logCard")
    const edited = await call(suite.base, "PATCH", `/daily-notes/${date}/entries/1`, {
      workspace: A,
      body: { content: "one, corrected", tags: ["#fixed"] }
    })
    expect(edited.status).toBe(200)
    const card = edited.body.documentState.filter((node: any) => node.type === "logCard")[1]
    expect(JSON.stringify(card.content)).toContain("one, corrected")
    expect(card.attrs).toMatchObject({
      timestamp: before[1].attrs.timestamp,
      idempotencyKey: "key-one",
      tags: '["fixed"]'
    })
    expect(edited.body.documentState[0]).toEqual(paragraph("not an entry"))
  })

  it("edits by idempotency key with a whole block, and a key made of digits wins over the index", async () => {
    const byKey = await call(suite.base, "PATCH", `/daily-notes/${date}/entries/key-one`, {
      workspace: A,
      body: { block: { type: "logCard", attrs: { idempotencyKey: "key-one" }, content: [paragraph("one, replaced")] } }
    })
    expect(byKey.status).toBe(200)
    // "7" is the third card's key, not an index (there is no eighth card).
    const digits = await call(suite.base, "PATCH", `/daily-notes/${date}/entries/7`, {
      workspace: A,
      body: { content: "two, by key" }
    })
    expect(digits.status).toBe(200)
    expect(await cards()).toEqual([
      expect.stringContaining("zero"),
      expect.stringContaining("one, replaced"),
      expect.stringContaining("two, by key")
    ])
  })

  it("removes an entry by key and by index; each removal is a revision the entry can be read back from", async () => {
    const before = await read(date)
    const events = await openEvents(suite.base, A)
    try {
      await events.until(/event: ready/)
      const removed = await call(suite.base, "DELETE", `/daily-notes/${date}/entries/key-one`, { workspace: A })
      expect(removed.status).toBe(200)
      await events.until(/"action":"updated"[^\n]*"date":"2026-05-01"/)
    } finally {
      events.close()
    }
    expect(await cards()).toEqual([expect.stringContaining("zero"), expect.stringContaining("two, by key")])
    const byIndex = await call(suite.base, "DELETE", `/daily-notes/${date}/entries/0`, { workspace: A })
    expect(byIndex.status).toBe(200)
    expect(await cards()).toEqual([expect.stringContaining("two, by key")])

    const kept = await call(suite.base, "GET", `/daily-notes/${date}/revisions/${before.revision}`, { workspace: A })
    expect(kept.body.documentState).toEqual(before.documentState)
    expect((await history(date)).revisions[0].writer).toEqual({
      kind: "route",
      name: "DELETE /api/v1/daily-notes/:date/entries/:ref"
    })
  })

  it("an unknown entry is a 404 and a stale If-Match a 409, both writing nothing", async () => {
    const { revision } = await read(date)
    for (const ref of ["5", "no-such-key"]) {
      const answer = await call(suite.base, "DELETE", `/daily-notes/${date}/entries/${ref}`, { workspace: A })
      expect(answer.status).toBe(404)
      expect(answer.body._tag).toBe("EntryNotFound")
    }
    const stale = await send("DELETE", `/daily-notes/${date}/entries/0`, {
      workspace: A,
      headers: { "if-match": `"${revision - 1}"` }
    })
    expect(stale.status).toBe(409)
    expect(stale.body.revision).toBe(revision)
    const staleEdit = await call(suite.base, "PATCH", `/daily-notes/${date}/entries/0`, {
      workspace: A,
      body: { content: "late", baseRevision: revision - 1 }
    })
    expect(staleEdit.status).toBe(409)
    expect((await read(date)).revision).toBe(revision)
    const noNote = await call(suite.base, "DELETE", "/daily-notes/1991-01-01/entries/0", { workspace: A })
    expect(noNote.status).toBe(404)
  })
})

describe("workspace isolation", () => {
  it("B cannot list, read, restore or change A's note history or entries, through the API or MCP", async () => {
    const date = "2026-06-01"
    await inject(date, "A's secret", "a-key")
    await call(suite.base, "PATCH", `/daily-notes/${date}`, { workspace: A, body: { documentState: [] } })
    const before = await history(date)

    const asB = [
      await call(suite.base, "GET", `/daily-notes/${date}/revisions`, { workspace: B }),
      await call(suite.base, "GET", `/daily-notes/${date}/revisions/1`, { workspace: B }),
      await call(suite.base, "POST", `/daily-notes/${date}/revisions/1/restore`, { workspace: B }),
      await call(suite.base, "DELETE", `/daily-notes/${date}/entries/a-key`, { workspace: B }),
      await call(suite.base, "PATCH", `/daily-notes/${date}/entries/0`, {
        workspace: B,
        body: { content: "B was here" }
      })
    ]
    expect(asB.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404])
    expect(JSON.stringify(asB.map((answer) => answer.body))).not.toContain("secret")

    const client = await mcp(B)
    const read = await client.callTool({ name: "read_daily_note", arguments: { date } })
    expect(JSON.stringify(read)).not.toContain("secret")
    const toggle = await client.callTool({ name: "toggle_task", arguments: { task_id: `${date}:0`, checked: true } })
    expect(toggle.isError).toBe(true)
    await client.callTool({ name: "create_log_entry", arguments: { content: "B's own", date } })

    expect(await history(date)).toEqual(before)
    const bHistory = await history(date, B)
    expect(JSON.stringify(bHistory)).not.toContain("secret")
    expect(bHistory.revisions[0].writer).toEqual({ kind: "mcp", name: "create_log_entry" })
  })
})

describe("folio About edits", () => {
  it("a stale If-Match or baseRevision is a 409 that writes nothing; no base still writes", async () => {
    const created = await call(suite.base, "POST", "/folios", { workspace: A, body: { name: "Atlas", about: "v0" } })
    const id = created.body.id
    expect(created.body.folio.revision).toBe(0)
    const first = await send("PATCH", `/folios/${id}`, {
      workspace: A,
      body: { action: "update_about", content: "v1" },
      headers: { "if-match": '"0"' }
    })
    expect(first.status).toBe(200)
    expect(first.body.folio).toMatchObject({ about: "v1", revision: 1 })

    const staleHeader = await send("PATCH", `/folios/${id}`, {
      workspace: A,
      body: { about: "stale" },
      headers: { "if-match": '"0"' }
    })
    expect(staleHeader.status).toBe(409)
    expect(staleHeader.body).toMatchObject({ _tag: "FolioRevisionConflict", revision: 1 })
    const staleBody = await call(suite.base, "PATCH", `/folios/${id}`, {
      workspace: A,
      body: { action: "update_about", content: "stale", baseRevision: 0 }
    })
    expect(staleBody.status).toBe(409)
    expect((await call(suite.base, "GET", `/folios/${id}`, { workspace: A })).body.folio).toMatchObject({
      about: "v1",
      revision: 1
    })

    const blind = await call(suite.base, "PATCH", `/folios/${id}`, { workspace: A, body: { about: "v2" } })
    expect(blind.body.folio).toMatchObject({ about: "v2", revision: 2 })
    const fromB = await send("PATCH", `/folios/${id}`, {
      workspace: B,
      body: { about: "B" },
      headers: { "if-match": '"2"' }
    })
    expect(fromB.status).toBe(404)
  })
})
