// Renaming a folio (PATCH /folios/:id { name }) over real HTTP: the answer, its live notice, and that workspace B
// cannot rename A's folio.
import { describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite, openEvents } from "../support/hostSuite"

const suite = hostSuite("folio_rename")

describe("renaming a folio", () => {
  it("answers the renamed folio and announces it on the workspace's live stream only", async () => {
    const ws = await createWorkspace(suite.base, "Folios")
    const other = await createWorkspace(suite.base, "Folios other")
    const id = (await call(suite.base, "POST", "/folios", { workspace: ws, body: { name: "Atlas", about: "maps" } }))
      .body.id as string
    const events = await openEvents(suite.base, ws)
    const otherEvents = await openEvents(suite.base, other)
    try {
      await events.until(/event: ready/)
      await otherEvents.until(/event: ready/)
      const answer = await call(suite.base, "PATCH", `/folios/${id}`, { workspace: ws, body: { name: "Atlas 2" } })
      expect(answer.status).toBe(200)
      expect(answer.body.folio).toMatchObject({ id, name: "Atlas 2", about: "maps" })
      await events.until(new RegExp(`"type":"folio","action":"updated","id":"${id}"`))
      await expect(otherEvents.until(/event: change/, 300)).rejects.toThrow(/no event/)
      const listed = await call(suite.base, "GET", "/folios", { workspace: ws })
      expect(listed.body.folios.map((f: { name: string }) => f.name)).toEqual(["Atlas 2"])
    } finally {
      events.close()
      otherEvents.close()
    }
  })

  it("workspace B cannot rename A's folio: 404, and A's name stays", async () => {
    const a = await createWorkspace(suite.base, "Folio A")
    const b = await createWorkspace(suite.base, "Folio B")
    const id = (await call(suite.base, "POST", "/folios", { workspace: a, body: { name: "Private" } })).body
      .id as string
    const stolen = await call(suite.base, "PATCH", `/folios/${id}`, { workspace: b, body: { name: "pwned" } })
    expect(stolen).toMatchObject({ status: 404, body: { _tag: "FolioNotFound" } })
    const read = await call(suite.base, "GET", `/folios/${id}`, { workspace: a })
    expect(read.body.folio.name).toBe("Private")
  })
})
