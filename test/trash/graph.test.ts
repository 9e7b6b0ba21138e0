// Entities and edges: edit, delete to the trash (an entity with edges only with ?cascade, else 409), restore with its
// edges and alias links, a refused restore when an edge's other end is gone, purge, and workspace B can do none of it.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("trash_graph")
let A: string
let B: string

beforeAll(async () => {
  A = await createWorkspace(suite.base, "Graph trash A")
  B = await createWorkspace(suite.base, "Graph trash B")
})

const entity = async (workspace: string, name: string) =>
  (await call(suite.base, "POST", "/entities", { workspace, body: { name, type: "person" } })).body.entity.id as string

const edge = async (workspace: string, sourceId: string, targetId: string, type = "knows") =>
  (await call(suite.base, "POST", "/edges", { workspace, body: { sourceId, targetId, type } })).body.edge.id as string

const edgeIds = async (workspace: string) =>
  ((await call(suite.base, "GET", "/edges", { workspace })).body.edges as Array<{ id: string }>).map((e) => e.id)

describe("edges: edit, delete, restore, purge", () => {
  it("PATCH changes type, confidence, kind and provenance; an unknown edge is a 404 naming it", async () => {
    const ada = await entity(A, "Ada E1")
    const bob = await entity(A, "Bob E1")
    const id = await edge(A, ada, bob)
    const patched = await call(suite.base, "PATCH", `/edges/${id}`, {
      workspace: A,
      body: { type: "mentors", confidence: 0.5, sourceKind: "inferred", provenance: { note: "2026-01-02" } }
    })
    expect(patched.status).toBe(200)
    expect(patched.body.edge).toMatchObject({
      id,
      sourceId: ada,
      targetId: bob,
      type: "mentors",
      confidence: 0.5,
      sourceKind: "inferred",
      provenance: { note: "2026-01-02" }
    })
    const bad = await call(suite.base, "PATCH", `/edges/${id}`, { workspace: A, body: { confidence: 2 } })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain("confidence")
    const missing = await call(suite.base, "PATCH", `/edges/${crypto.randomUUID()}`, { workspace: A, body: {} })
    expect(missing.status).toBe(404)
    expect(missing.body._tag).toBe("EdgeNotFound")
  })

  it("DELETE moves an edge to the trash; restore brings it back; a restore whose end is gone is a 409", async () => {
    const ada = await entity(A, "Ada E2")
    const bob = await entity(A, "Bob E2")
    const id = await edge(A, ada, bob)
    const deleted = await call(suite.base, "DELETE", `/edges/${id}`, { workspace: A })
    expect(deleted.status).toBe(200)
    expect(await edgeIds(A)).not.toContain(id)
    const restored = await call(suite.base, "POST", `/trash/${deleted.body.trashId}/restore`, { workspace: A })
    expect(restored.body.restored).toEqual({ kind: "edge", id })
    expect(await edgeIds(A)).toContain(id)

    const again = await call(suite.base, "DELETE", `/edges/${id}`, { workspace: A })
    expect((await call(suite.base, "DELETE", `/entities/${bob}`, { workspace: A })).status).toBe(200)
    const refused = await call(suite.base, "POST", `/trash/${again.body.trashId}/restore`, { workspace: A })
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ _tag: "TrashRestoreConflict", kind: "edge", originalId: id })
    expect(refused.body.message).toContain(bob)
    expect((await call(suite.base, "DELETE", `/trash/${again.body.trashId}`, { workspace: A })).status).toBe(204)
  })
})

describe("entities: delete with or without cascade, restore, purge", () => {
  it("refuses to delete an entity with edges without ?cascade (409 with the count); with it the edges go too", async () => {
    const ada = await entity(A, "Ada C")
    const bob = await entity(A, "Bob C")
    const cy = await entity(A, "Cy C")
    const e1 = await edge(A, ada, bob)
    const e2 = await edge(A, cy, ada)
    await call(suite.base, "PATCH", `/entities/${cy}`, { workspace: A, body: { canonicalId: ada } })

    const refused = await call(suite.base, "DELETE", `/entities/${ada}`, { workspace: A })
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ _tag: "EntityHasEdges", entityId: ada, edges: 2 })
    expect(refused.body.message).toContain("cascade")
    expect((await call(suite.base, "GET", `/entities/${ada}`, { workspace: A })).status).toBe(200)

    const deleted = await call(suite.base, "DELETE", `/entities/${ada}?cascade=true`, { workspace: A })
    expect(deleted.status).toBe(200)
    expect((await call(suite.base, "GET", `/entities/${ada}`, { workspace: A })).status).toBe(404)
    expect(await edgeIds(A)).not.toContain(e1)
    expect(await edgeIds(A)).not.toContain(e2)
    expect((await call(suite.base, "GET", `/entities/${cy}`, { workspace: A })).body.entity.canonicalId).toBeNull()
    const item = (await call(suite.base, "GET", "/trash?kind=entity", { workspace: A })).body.items[0]
    expect(item).toMatchObject({ kind: "entity", originalId: ada, label: "Ada C" })

    const restored = await call(suite.base, "POST", `/trash/${deleted.body.trashId}/restore`, { workspace: A })
    expect(restored.status).toBe(200)
    const back = (await call(suite.base, "GET", `/entities/${ada}`, { workspace: A })).body.entity
    expect(back.name).toBe("Ada C")
    expect(back.edges.map((e: { id: string }) => e.id).sort()).toEqual([e1, e2].sort())
    expect((await call(suite.base, "GET", `/entities/${cy}`, { workspace: A })).body.entity.canonicalId).toBe(ada)
  })

  it("an entity without edges is deleted without ?cascade, and purged for good", async () => {
    const lone = await entity(A, "Lone Entity")
    const deleted = await call(suite.base, "DELETE", `/entities/${lone}`, { workspace: A })
    expect(deleted.status).toBe(200)
    expect(
      ((await call(suite.base, "GET", "/entities?search=Lone", { workspace: A })).body.entities as Array<any>).length
    ).toBe(0)
    expect((await call(suite.base, "DELETE", `/trash/${deleted.body.trashId}`, { workspace: A })).status).toBe(204)
    expect((await call(suite.base, "POST", `/trash/${deleted.body.trashId}/restore`, { workspace: A })).status).toBe(
      404
    )
  })

  it("workspace B can neither edit nor delete A's entities and edges, nor restore or purge their trash", async () => {
    const ada = await entity(A, "Ada X")
    const bob = await entity(A, "Bob X")
    const id = await edge(A, ada, bob)
    expect((await call(suite.base, "PATCH", `/edges/${id}`, { workspace: B, body: { type: "x" } })).status).toBe(404)
    expect((await call(suite.base, "DELETE", `/edges/${id}`, { workspace: B })).status).toBe(404)
    expect((await call(suite.base, "DELETE", `/entities/${ada}?cascade`, { workspace: B })).status).toBe(404)
    expect((await call(suite.base, "PATCH", `/entities/${ada}`, { workspace: B, body: { name: "x" } })).status).toBe(
      404
    )
    const { trashId } = (await call(suite.base, "DELETE", `/entities/${ada}?cascade`, { workspace: A })).body
    expect((await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: B })).status).toBe(404)
    expect((await call(suite.base, "DELETE", `/trash/${trashId}`, { workspace: B })).status).toBe(404)
    expect((await call(suite.base, "GET", "/trash", { workspace: B })).body.items).toEqual([])
    expect((await call(suite.base, "POST", `/trash/${trashId}/restore`, { workspace: A })).status).toBe(200)
    expect(await edgeIds(A)).toContain(id)
  })
})
