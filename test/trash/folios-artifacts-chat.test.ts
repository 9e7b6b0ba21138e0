// Folios, artifacts and chat sessions: delete to the trash (with commits, timeline, search entries, bytes, messages),
// gone from GET and search at once, back after restore, purge, and workspace B can do none of it to A's rows.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { asOwner, call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("trash_kinds")
let A: string
let B: string

beforeAll(async () => {
  A = await createWorkspace(suite.base, "Kinds A")
  B = await createWorkspace(suite.base, "Kinds B")
})

const searchIds = async (workspace: string, query: string) =>
  (
    (await call(suite.base, "POST", "/harvest/search", { workspace, body: { query, limit: 20 } })).body
      .results as Array<{
      id: string
      kind: string
    }>
  ).map((hit) => `${hit.kind}:${hit.id}`)

const upload = async (workspace: string, name: string, text: string) => {
  const form = new FormData()
  form.append("file", new Blob([text], { type: "text/plain" }), name)
  const response = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
    method: "POST",
    headers: { "x-workspace-id": workspace },
    body: form
  })
  return ((await response.json()) as { artifact: { id: string } }).artifact.id
}

const trashIds = async (workspace: string) =>
  ((await call(suite.base, "GET", "/trash", { workspace })).body.items as Array<{ id: string }>).map((e) => e.id)

describe("folios", () => {
  it("DELETE takes its commits, timeline and their search entries along; log cards keep their text; restore brings all back", async () => {
    const folio = (await call(suite.base, "POST", "/folios", { workspace: A, body: { name: "Orrery" } })).body.id
    const commit = (
      await call(suite.base, "POST", `/folios/${folio}/commits`, {
        workspace: A,
        body: { message: "Polished brass gears" }
      })
    ).body.commit.id
    await asOwner(suite.db, (owner) =>
      owner.query(
        "insert into folio_timeline_entries (workspace_id, folio_id, date, synopsis) values ($1, $2, '2026-01-02', 'gears')",
        [A, folio]
      )
    )
    await call(suite.base, "POST", "/daily-notes/inject", {
      workspace: A,
      body: { type: "logCard", content: "Orrery night", folio: "Orrery", date: "2026-11-20" }
    })
    expect(await searchIds(A, "brass gears")).toContain(`folio_commit:${commit}`)

    const deleted = await call(suite.base, "DELETE", `/folios/${folio}`, { workspace: A })
    expect(deleted.status).toBe(200)
    expect((await call(suite.base, "GET", `/folios/${folio}`, { workspace: A })).status).toBe(404)
    expect(await searchIds(A, "brass gears")).not.toContain(`folio_commit:${commit}`)
    const note = await call(suite.base, "GET", "/daily-notes/2026-11-20", { workspace: A })
    expect(JSON.stringify(note.body)).toContain("Orrery night")

    const restored = await call(suite.base, "POST", `/trash/${deleted.body.trashId}/restore`, { workspace: A })
    expect(restored.body.restored).toEqual({ kind: "folio", id: folio })
    const back = (await call(suite.base, "GET", `/folios/${folio}`, { workspace: A })).body.folio
    expect(back.commits.map((c: { id: string }) => c.id)).toEqual([commit])
    expect(back.timeline.map((t: { synopsis: string }) => t.synopsis)).toEqual(["gears"])
    expect(await searchIds(A, "brass gears")).toContain(`folio_commit:${commit}`)
  })

  it("a restore whose name is taken again is a 409 naming the folio that holds it", async () => {
    const folio = (await call(suite.base, "POST", "/folios", { workspace: A, body: { name: "Twice" } })).body.id
    const { trashId } = (await call(suite.base, "DELETE", `/folios/${folio}`, { workspace: A })).body
    const holder = (await call(suite.base, "POST", "/folios", { workspace: A, body: { name: "twice" } })).body.id
    const refused = await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: A })
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ _tag: "TrashRestoreConflict", kind: "folio", originalId: folio })
    expect(refused.body.conflict).toContain(holder)
    expect(await trashIds(A)).toContain(trashId)
    expect((await call(suite.base, "DELETE", `/trash/${trashId}`, { workspace: A })).status).toBe(204)
  })
})

describe("artifacts", () => {
  it("DELETE: gone from GET, content and search at once; restore brings back bytes, text and search entries", async () => {
    const id = await upload(A, "harpsichord.txt", "The harpsichord tuning uses quarter-comma meantone.")
    expect(await searchIds(A, "harpsichord meantone")).toContain(`artifact:${id}`)
    const bytes = await asOwner(suite.db, (owner) =>
      owner.query("select encode(content, 'hex') as hex from artifacts where id = $1", [id])
    )
    const deleted = await call(suite.base, "DELETE", `/artifacts/${id}`, { workspace: A })
    expect(deleted.status).toBe(200)
    expect((await call(suite.base, "GET", `/artifacts/${id}`, { workspace: A })).status).toBe(404)
    expect((await call(suite.base, "GET", `/artifacts/${id}/content`, { workspace: A })).status).toBe(404)
    expect(await searchIds(A, "harpsichord meantone")).not.toContain(`artifact:${id}`)
    expect((await call(suite.base, "DELETE", `/artifacts/${id}`, { workspace: A })).status).toBe(404)

    expect((await call(suite.base, "POST", `/trash/${deleted.body.trashId}/restore`, { workspace: A })).status).toBe(
      200
    )
    expect((await call(suite.base, "GET", `/artifacts/${id}`, { workspace: A })).body.artifact.filename).toBe(
      "harpsichord.txt"
    )
    expect((await call(suite.base, "GET", `/artifacts/${id}/content`, { workspace: A })).body.content).toContain(
      "quarter-comma"
    )
    expect(await searchIds(A, "harpsichord meantone")).toContain(`artifact:${id}`)
    const after = await asOwner(suite.db, (owner) =>
      owner.query("select encode(content, 'hex') as hex from artifacts where id = $1", [id])
    )
    expect(after.rows).toEqual(bytes.rows)
  })

  it("purging a deleted artifact removes its bytes for good", async () => {
    const id = await upload(A, "ephemeral.txt", "Ephemeral zither notes")
    const { trashId } = (await call(suite.base, "DELETE", `/artifacts/${id}`, { workspace: A })).body
    expect((await call(suite.base, "DELETE", `/trash/${trashId}`, { workspace: A })).status).toBe(204)
    const left = await asOwner(suite.db, (owner) =>
      owner.query(
        "select (select count(*)::int from artifacts where id = $1) + (select count(*)::int from trash where id = $2) as n",
        [id, trashId]
      )
    )
    expect(left.rows[0].n).toBe(0)
  })
})

describe("chat sessions", () => {
  it("DELETE moves a session and its messages to the trash; restore brings both back; purge ends it", async () => {
    const session = crypto.randomUUID()
    await asOwner(suite.db, async (owner) => {
      await owner.query("insert into chat_sessions (id, workspace_id, title) values ($1, $2, 'Telescope talk')", [
        session,
        A
      ])
      await owner.query(
        "insert into chat_messages (workspace_id, session_id, role, content) values ($1, $2, 'user', 'Which eyepiece?'), ($1, $2, 'assistant', 'The 25 mm.')",
        [A, session]
      )
    })
    const deleted = await call(suite.base, "DELETE", `/chat/sessions/${session}`, { workspace: A })
    expect(deleted.status).toBe(200)
    expect((await call(suite.base, "GET", `/chat/sessions/${session}`, { workspace: A })).status).toBe(404)
    const item = (await call(suite.base, "GET", "/trash?kind=chat_session", { workspace: A })).body.items[0]
    expect(item).toMatchObject({ kind: "chat_session", originalId: session, label: "Telescope talk" })

    expect((await call(suite.base, "POST", `/trash/${deleted.body.trashId}/restore`, { workspace: A })).status).toBe(
      200
    )
    const back = (await call(suite.base, "GET", `/chat/sessions/${session}`, { workspace: A })).body.session
    expect(back.messages.map((m: { content: string }) => m.content).sort()).toEqual(["The 25 mm.", "Which eyepiece?"])

    const again = (await call(suite.base, "DELETE", `/chat/sessions/${session}`, { workspace: A })).body.trashId
    expect((await call(suite.base, "DELETE", `/trash/${again}`, { workspace: A })).status).toBe(204)
    expect((await call(suite.base, "POST", `/trash/${again}/restore`, { workspace: A })).status).toBe(404)
  })
})

describe("workspace B", () => {
  it("can delete none of A's folios, artifacts or chat sessions, nor restore or purge their trash", async () => {
    const folio = (await call(suite.base, "POST", "/folios", { workspace: A, body: { name: "Guarded" } })).body.id
    const artifact = await upload(A, "guarded.txt", "guarded text")
    const session = crypto.randomUUID()
    await asOwner(suite.db, (owner) =>
      owner.query("insert into chat_sessions (id, workspace_id, title) values ($1, $2, 'Guarded')", [session, A])
    )
    expect((await call(suite.base, "DELETE", `/folios/${folio}`, { workspace: B })).status).toBe(404)
    expect((await call(suite.base, "DELETE", `/artifacts/${artifact}`, { workspace: B })).status).toBe(404)
    expect((await call(suite.base, "DELETE", `/chat/sessions/${session}`, { workspace: B })).status).toBe(404)
    const trashed = [
      (await call(suite.base, "DELETE", `/folios/${folio}`, { workspace: A })).body.trashId,
      (await call(suite.base, "DELETE", `/artifacts/${artifact}`, { workspace: A })).body.trashId,
      (await call(suite.base, "DELETE", `/chat/sessions/${session}`, { workspace: A })).body.trashId
    ]
    expect(await trashIds(B)).toEqual([])
    for (const trashId of trashed) {
      expect((await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: B })).status).toBe(404)
      expect((await call(suite.base, "DELETE", `/trash/${trashId}`, { workspace: B })).status).toBe(404)
      expect((await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: A })).status).toBe(200)
    }
  })
})
