// Log entries: removing one from a daily note puts it in the trash (listed with its text), restore puts it back where
// it was (and back in search), a key taken again meanwhile refuses the restore, purge is final, and workspace B can
// do none of it to A's entry. Through MCP, remove_log_entry is off until the workspace turns it on, then removes to the
// trash, and a session bound to B cannot reach A's note.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite, mcpClients } from "../support/hostSuite"

const suite = hostSuite("trash_log_entries")
let A: string
let B: string

beforeAll(async () => {
  A = await createWorkspace(suite.base, "Entries A")
  B = await createWorkspace(suite.base, "Entries B")
})

const connect = mcpClients(suite)

const inject = (workspace: string, date: string, content: string, idempotencyKey?: string) =>
  call(suite.base, "POST", "/daily-notes/inject", {
    workspace,
    body: { type: "logCard", content, date, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) }
  })
const cards = async (workspace: string, date: string) =>
  ((await call(suite.base, "GET", `/daily-notes/${date}`, { workspace })).body.documentState as Array<unknown>).map(
    (node) => JSON.stringify(node)
  )
const trashed = async (workspace: string) =>
  (await call(suite.base, "GET", "/trash?kind=log_entry", { workspace })).body.items as Array<{
    id: string
    originalId: string
    label: string
    kind: string
  }>
const searchHits = async (workspace: string, query: string) =>
  JSON.stringify((await call(suite.base, "POST", "/harvest/search", { workspace, body: { query, limit: 20 } })).body)

describe("log entries: remove to the trash, restore, purge", () => {
  it("a removed entry is listed in the trash, gone from the note and search, and comes back in its place", async () => {
    const date = "2026-04-02"
    await inject(A, date, "first of the day")
    await inject(A, date, "Periwinkle ostrich sighting at the canal", "sighting-1")
    await inject(A, date, "last of the day")
    expect(await searchHits(A, "periwinkle ostrich")).toContain("Periwinkle")

    const removed = await call(suite.base, "DELETE", `/daily-notes/${date}/entries/sighting-1`, { workspace: A })
    expect(removed.status).toBe(200)
    expect(JSON.stringify(removed.body.documentState)).not.toContain("Periwinkle")
    expect(await searchHits(A, "periwinkle ostrich")).not.toContain("Periwinkle")
    const [entry] = (await trashed(A)).filter((item) => item.originalId === "sighting-1")
    expect(entry).toMatchObject({ kind: "log_entry", label: `${date}: Periwinkle ostrich sighting at the canal` })
    // The answer names the trash entry, so a client can offer undo without searching the trash.
    expect(removed.body.trashId).toBe(entry!.id)

    // B sees nothing of it and cannot restore or purge it.
    expect((await trashed(B)).map((item) => item.id)).not.toContain(entry!.id)
    expect((await call(suite.base, "POST", `/trash/${entry!.id}/restore`, { workspace: B })).status).toBe(404)
    expect((await call(suite.base, "DELETE", `/trash/${entry!.id}`, { workspace: B })).status).toBe(404)

    const restored = await call(suite.base, "POST", `/trash/${entry!.id}/restore`, { workspace: A })
    expect(restored.status).toBe(200)
    const after = await cards(A, date)
    expect(after).toHaveLength(3)
    expect(after[1]).toContain("Periwinkle ostrich sighting")
    expect(after[1]).toContain("sighting-1")
    expect(await searchHits(A, "periwinkle ostrich")).toContain("Periwinkle")
    expect((await trashed(A)).map((item) => item.id)).not.toContain(entry!.id)
    expect((await call(suite.base, "POST", `/trash/${entry!.id}/restore`, { workspace: A })).status).toBe(404)
  })

  it("an entry removed by index is restored at that index", async () => {
    const date = "2026-04-03"
    await inject(A, date, "zero")
    await inject(A, date, "one, no key")
    await inject(A, date, "two")
    expect((await call(suite.base, "DELETE", `/daily-notes/${date}/entries/1`, { workspace: A })).status).toBe(200)
    const [entry] = (await trashed(A)).filter((item) => item.originalId === `${date}#1`)
    expect(entry!.label).toBe(`${date}: one, no key`)
    expect((await call(suite.base, "POST", `/trash/${entry!.id}/restore`, { workspace: A })).status).toBe(200)
    const after = await cards(A, date)
    expect(after.map((card) => /zero|one, no key|two/.exec(card)?.[0])).toEqual(["zero", "one, no key", "two"])
  })

  it("restoring an entry whose key was written again meanwhile is a 409 that leaves it in the trash", async () => {
    const date = "2026-04-04"
    await inject(A, date, "original text", "again-1")
    await call(suite.base, "DELETE", `/daily-notes/${date}/entries/again-1`, { workspace: A })
    await inject(A, date, "written again with the same key", "again-1")
    const [entry] = (await trashed(A)).filter((item) => item.originalId === "again-1")
    const refused = await call(suite.base, "POST", `/trash/${entry!.id}/restore`, { workspace: A })
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ _tag: "TrashRestoreConflict", kind: "log_entry", originalId: "again-1" })
    expect((await cards(A, date)).join()).not.toContain("original text")
    expect((await trashed(A)).map((item) => item.id)).toContain(entry!.id)

    expect((await call(suite.base, "DELETE", `/trash/${entry!.id}`, { workspace: A })).status).toBe(204)
    expect((await trashed(A)).map((item) => item.id)).not.toContain(entry!.id)
    expect((await call(suite.base, "POST", `/trash/${entry!.id}/restore`, { workspace: A })).status).toBe(404)
  })
})

describe("remove_log_entry over MCP", () => {
  it("is off by default, then with mcp_tools.remove_log_entry = true moves the entry to the trash", async () => {
    const date = "2026-04-05"
    await inject(A, date, "Saffron umbrella left on the tram", "umbrella-1")
    const off = await connect(A)
    expect((await off.listTools()).tools.map((t) => t.name)).not.toContain("remove_log_entry")
    await expect(off.callTool({ name: "remove_log_entry", arguments: { date, entry: "umbrella-1" } })).rejects.toThrow(
      /turned off/
    )
    expect((await cards(A, date)).join()).toContain("Saffron umbrella")

    for (const workspace of [A, B]) {
      const set = await call(suite.base, "PUT", "/workspace-settings", {
        workspace,
        body: { mcp_tools: { remove_log_entry: true } }
      })
      expect(set.status).toBe(200)
    }
    // B's session names A's entry: B has no such entry, and A's note keeps it.
    const fromB = await (
      await connect(B)
    ).callTool({ name: "remove_log_entry", arguments: { date, entry: "umbrella-1" } })
    expect(fromB.isError).toBe(true)
    expect((await cards(A, date)).join()).toContain("Saffron umbrella")

    const on = await connect(A)
    const removed = await on.callTool({ name: "remove_log_entry", arguments: { date, entry: "umbrella-1" } })
    expect(removed.isError).toBeFalsy()
    const answer = JSON.parse((removed.content as Array<{ text: string }>)[0]!.text)
    expect((await cards(A, date)).join()).not.toContain("Saffron umbrella")
    const [entry] = (await trashed(A)).filter((item) => item.id === answer.trashId)
    expect(entry).toMatchObject({ kind: "log_entry", originalId: "umbrella-1" })
    expect((await call(suite.base, "POST", `/trash/${answer.trashId}/restore`, { workspace: A })).status).toBe(200)
    expect((await cards(A, date)).join()).toContain("Saffron umbrella")
  })
})
