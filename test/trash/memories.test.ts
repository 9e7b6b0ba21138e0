// Memories: edit (indexed again), delete to the trash (gone from the list and from search at once), restore (back in
// both, with its vector), purge, and workspace B can do none of it to A's memory.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { asOwner, call, createWorkspace, hostSuite, openEvents } from "../support/hostSuite"

const suite = hostSuite("trash_memories")
let A: string
let B: string

beforeAll(async () => {
  A = await createWorkspace(suite.base, "Trash A")
  B = await createWorkspace(suite.base, "Trash B")
})

const remember = async (workspace: string, content: string) =>
  (await call(suite.base, "POST", "/memories", { workspace, body: { content } })).body.memory.id as string

const searchIds = async (workspace: string, query: string) =>
  (
    (await call(suite.base, "POST", "/harvest/search", { workspace, body: { query, limit: 20 } })).body
      .results as Array<{
      id: string
    }>
  ).map((hit) => hit.id)

const listed = async (workspace: string, search?: string) =>
  (
    (
      await call(suite.base, "GET", `/memories${search === undefined ? "" : `?search=${encodeURIComponent(search)}`}`, {
        workspace
      })
    ).body.memories as Array<{ id: string; content: string }>
  ).map((memory) => memory.id)

describe("memories: edit, delete, restore, purge", () => {
  it("PATCH replaces the content, and search finds the new words, not the old ones", async () => {
    const id = await remember(A, "The zeppelin hangar key is under the mat")
    const patched = await call(suite.base, "PATCH", `/memories/${id}`, {
      workspace: A,
      body: { content: "The lighthouse key is in the blue jar" }
    })
    expect(patched.status).toBe(200)
    expect(patched.body.memory).toMatchObject({ id, content: "The lighthouse key is in the blue jar" })
    expect(await searchIds(A, "lighthouse jar")).toContain(id)
    expect(await searchIds(A, "zeppelin hangar")).not.toContain(id)
    const bad = await call(suite.base, "PATCH", `/memories/${id}`, { workspace: A, body: { content: "  " } })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain("content")
  })

  it("DELETE moves it to the trash: gone from GET and search at once, back in both after restore", async () => {
    const id = await remember(A, "Quasar marmalade goes on rye toast")
    const chunks = await asOwner(suite.db, (owner) =>
      owner.query("select embedding::text from search_chunks where source_id = $1", [id])
    )
    expect(await searchIds(A, "quasar marmalade")).toContain(id)

    const deleted = await call(suite.base, "DELETE", `/memories/${id}`, { workspace: A })
    expect(deleted.status).toBe(200)
    const trashId = deleted.body.trashId as string
    expect(await listed(A)).not.toContain(id)
    expect(await listed(A, "quasar marmalade")).not.toContain(id)
    expect(await searchIds(A, "quasar marmalade")).not.toContain(id)
    expect((await call(suite.base, "DELETE", `/memories/${id}`, { workspace: A })).status).toBe(404)

    const trash = await call(suite.base, "GET", "/trash", { workspace: A })
    expect(trash.status).toBe(200)
    const item = trash.body.items.find((entry: { id: string }) => entry.id === trashId)
    expect(item).toMatchObject({
      kind: "memory",
      originalId: id,
      label: "Quasar marmalade goes on rye toast",
      deletedBy: "DELETE /api/v1/memories/:id"
    })
    expect(Date.parse(item.expiresAt) - Date.parse(item.deletedAt)).toBe(30 * 24 * 3600 * 1000)

    const restored = await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: A })
    expect(restored.status).toBe(200)
    expect(restored.body.restored).toEqual({ kind: "memory", id })
    expect(await listed(A)).toContain(id)
    expect(await searchIds(A, "quasar marmalade")).toContain(id)
    // The chunks came back as they were, vectors included: nothing was embedded again.
    const after = await asOwner(suite.db, (owner) =>
      owner.query("select embedding::text from search_chunks where source_id = $1", [id])
    )
    expect(after.rows).toEqual(chunks.rows)
    expect((await call(suite.base, "GET", "/trash", { workspace: A })).body.items.map((e: any) => e.id)).not.toContain(
      trashId
    )
    expect((await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: A })).status).toBe(404)
  })

  it("a restore whose id is taken again is a 409 naming the conflict, and the entry stays in the trash", async () => {
    const id = await remember(A, "Cobalt kettle descaling day is Friday")
    const { trashId } = (await call(suite.base, "DELETE", `/memories/${id}`, { workspace: A })).body
    await asOwner(suite.db, (owner) =>
      owner.query("insert into memories (id, workspace_id, content) values ($1, $2, 'squatter')", [id, A])
    )
    const refused = await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: A })
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ _tag: "TrashRestoreConflict", trashId, kind: "memory", originalId: id })
    expect(refused.body.message).toContain(id)
    expect((await call(suite.base, "GET", "/trash", { workspace: A })).body.items.map((e: any) => e.id)).toContain(
      trashId
    )
  })

  it("DELETE /trash/:id purges the entry for good", async () => {
    const id = await remember(A, "Purge me: vermilion umbrella")
    const { trashId } = (await call(suite.base, "DELETE", `/memories/${id}`, { workspace: A })).body
    expect((await call(suite.base, "DELETE", `/trash/${trashId}`, { workspace: A })).status).toBe(204)
    expect((await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: A })).status).toBe(404)
    expect((await call(suite.base, "DELETE", `/trash/${trashId}`, { workspace: A })).status).toBe(404)
    const rows = await asOwner(suite.db, (owner) => owner.query("select 1 from trash where id = $1", [trashId]))
    expect(rows.rowCount).toBe(0)
  })

  it("workspace B can neither edit, delete, restore, purge nor list A's memory", async () => {
    const id = await remember(A, "Saffron is in the top drawer")
    expect((await call(suite.base, "PATCH", `/memories/${id}`, { workspace: B, body: { content: "x" } })).status).toBe(
      404
    )
    expect((await call(suite.base, "DELETE", `/memories/${id}`, { workspace: B })).status).toBe(404)
    const { trashId } = (await call(suite.base, "DELETE", `/memories/${id}`, { workspace: A })).body
    expect((await call(suite.base, "GET", "/trash", { workspace: B })).body.items).toEqual([])
    expect((await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: B })).status).toBe(404)
    expect((await call(suite.base, "DELETE", `/trash/${trashId}`, { workspace: B })).status).toBe(404)
    expect((await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: A })).status).toBe(200)
    expect(await listed(A)).toContain(id)
  })

  it("announces the edit, the delete and the restore on the live updates stream", async () => {
    const id = await remember(A, "Announce me")
    const events = await openEvents(suite.base, A)
    try {
      await events.until(/event: ready/)
      await call(suite.base, "PATCH", `/memories/${id}`, { workspace: A, body: { content: "Announced" } })
      await events.until(new RegExp(`"type":"memory","action":"updated","id":"${id}"`))
      const { trashId } = (await call(suite.base, "DELETE", `/memories/${id}`, { workspace: A })).body
      await events.until(new RegExp(`"type":"memory","action":"deleted","id":"${id}"`))
      await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: A })
      await events.until(new RegExp(`"type":"memory","action":"created","id":"${id}"`))
    } finally {
      events.close()
    }
  })

  it("refuses an id that is not a UUID with a 400 naming it", async () => {
    const bad = await call(suite.base, "DELETE", "/memories/not-a-uuid", { workspace: A })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain("memory id must be a UUID")
    expect((await call(suite.base, "POST", "/trash/nope/restore", { workspace: A })).status).toBe(400)
  })
})
