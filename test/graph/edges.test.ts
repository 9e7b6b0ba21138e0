// Edges over real HTTP: defaults and validation, endpoints that must exist in this workspace (404 naming the end,
// never a 500 from the foreign key), the edge list, an entity's edges in both directions, workspace isolation, and
// live updates for entity writes.
import { describe, expect, it } from "@effect/vitest"
import type { EntityId } from "../../src/graph/GraphApi"
import { runClient } from "../support/apiClient"
import { call, createWorkspace, hostSuite, openEvents } from "../support/hostSuite"

const suite = hostSuite("edges")

const createEntity = async (workspace: string, name: string) => {
  const answer = await call(suite.base, "POST", "/entities", { workspace, body: { name, type: "person" } })
  expect(answer.status).toBe(201)
  return answer.body.entity.id as EntityId
}

const edgeCount = async (workspace: string) =>
  ((await call(suite.base, "GET", "/edges", { workspace })).body.edges as Array<unknown>).length

const unknownId = "7a2d4f3e-1c9b-4e8a-b6d5-0f1e2d3c4b5a"

describe("POST /edges", () => {
  it("answers 201 with the edge, defaulting to extracted with confidence 1 and empty provenance", async () => {
    const workspace = await createWorkspace(suite.base, "edge")
    const ada = await createEntity(workspace, "Ada")
    const charles = await createEntity(workspace, "Charles")
    const answer = await call(suite.base, "POST", "/edges", {
      workspace,
      body: { sourceId: ada, targetId: charles, type: "worked_with" }
    })
    expect(answer.status).toBe(201)
    expect(answer.body.edge).toMatchObject({
      sourceId: ada,
      targetId: charles,
      type: "worked_with",
      sourceKind: "extracted",
      confidence: 1,
      provenance: {}
    })
    const explicit = await runClient(
      suite.base,
      (api) =>
        api.graph.createEdge({
          payload: {
            sourceId: charles,
            targetId: ada,
            type: "mentored",
            sourceKind: "inferred",
            confidence: 0.25,
            provenance: { note: "2025-01-02" }
          }
        }),
      workspace
    )
    expect(explicit.edge).toMatchObject({
      sourceKind: "inferred",
      confidence: 0.25,
      provenance: { note: "2025-01-02" }
    })
    const listed = await call(suite.base, "GET", "/edges", { workspace })
    expect(listed.body.edges.map((edge: { type: string }) => edge.type)).toEqual(["worked_with", "mentored"])
    expect(listed.body.edges[1]).toMatchObject({ id: explicit.edge.id, sourceId: charles, targetId: ada })
  })

  it("rejects out-of-range confidence, unknown kinds, missing fields and non-UUID ids with a 400, storing nothing", async () => {
    const workspace = await createWorkspace(suite.base, "edge bad")
    const a = await createEntity(workspace, "A")
    const b = await createEntity(workspace, "B")
    const bodies = [
      { sourceId: a, targetId: b, type: "knows", confidence: 1.5 },
      { sourceId: a, targetId: b, type: "knows", confidence: -0.1 },
      { sourceId: a, targetId: b, type: "knows", confidence: "0.5" },
      { sourceId: a, targetId: b, type: "knows", sourceKind: "guessed" },
      { sourceId: a, targetId: b, type: "knows", provenance: "chat" },
      { sourceId: a, targetId: b },
      { sourceId: a, targetId: b, type: "  " },
      { sourceId: a, type: "knows" },
      { sourceId: "a", targetId: b, type: "knows" },
      { sourceId: a, targetId: 12, type: "knows" }
    ]
    for (const body of bodies) {
      const answer = await call(suite.base, "POST", "/edges", { workspace, body })
      expect(answer.status, JSON.stringify(body)).toBe(400)
    }
    expect(await edgeCount(workspace)).toBe(0)
  })

  it("answers 404 naming the end when an endpoint does not exist", async () => {
    const workspace = await createWorkspace(suite.base, "edge missing")
    const a = await createEntity(workspace, "A")
    const source = await call(suite.base, "POST", "/edges", {
      workspace,
      body: { sourceId: unknownId, targetId: a, type: "knows" }
    })
    expect(source.status).toBe(404)
    expect(source.body).toMatchObject({ _tag: "EdgeEndpointNotFound", end: "source" })
    expect(source.body.message).toContain(unknownId)
    const target = await call(suite.base, "POST", "/edges", {
      workspace,
      body: { sourceId: a, targetId: unknownId, type: "knows" }
    })
    expect(target.status).toBe(404)
    expect(target.body).toMatchObject({ _tag: "EdgeEndpointNotFound", end: "target" })
    expect(await edgeCount(workspace)).toBe(0)
  })
})

describe("an entity's edges", () => {
  it("lists outgoing and incoming edges, each with the name of the entity at the other end", async () => {
    const workspace = await createWorkspace(suite.base, "entity edges")
    const ada = await createEntity(workspace, "Ada")
    const charles = await createEntity(workspace, "Charles")
    const engine = await createEntity(workspace, "Analytical Engine")
    const loner = await createEntity(workspace, "Loner")
    const edge = (sourceId: string, targetId: string, type: string) =>
      call(suite.base, "POST", "/edges", { workspace, body: { sourceId, targetId, type } })
    await edge(ada, engine, "wrote_about")
    await edge(charles, ada, "corresponded_with")
    await edge(charles, engine, "designed")
    const read = await call(suite.base, "GET", `/entities/${ada}`, { workspace })
    expect(read.body.entity.edges).toEqual([
      expect.objectContaining({
        sourceId: ada,
        targetId: engine,
        type: "wrote_about",
        direction: "outgoing",
        targetName: "Analytical Engine",
        sourceKind: "extracted",
        confidence: 1
      }),
      expect.objectContaining({
        sourceId: charles,
        targetId: ada,
        type: "corresponded_with",
        direction: "incoming",
        targetName: "Charles"
      })
    ])
    expect((await call(suite.base, "GET", `/entities/${loner}`, { workspace })).body.entity.edges).toEqual([])
  })
})

describe("workspace isolation of the graph", () => {
  it("another workspace cannot list, read or patch an entity, nor link to it, nor see its edges", async () => {
    const a = await createWorkspace(suite.base, "A")
    const b = await createWorkspace(suite.base, "B")
    const secret = await createEntity(a, "Secret Project")
    const other = await createEntity(a, "Other")
    await call(suite.base, "POST", "/edges", { workspace: a, body: { sourceId: secret, targetId: other, type: "x" } })
    const mine = await createEntity(b, "Mine")
    expect((await call(suite.base, "GET", "/entities?search=secret", { workspace: b })).body.entities).toEqual([])
    expect((await call(suite.base, "GET", "/entities", { workspace: b })).body.entities).toHaveLength(1)
    expect((await call(suite.base, "GET", `/entities/${secret}`, { workspace: b })).status).toBe(404)
    const patch = await call(suite.base, "PATCH", `/entities/${secret}`, { workspace: b, body: { name: "Mine now" } })
    expect(patch.status).toBe(404)
    const canonical = await call(suite.base, "PATCH", `/entities/${mine}`, {
      workspace: b,
      body: { canonicalId: secret }
    })
    expect(canonical.status).toBe(404)
    const toA = await call(suite.base, "POST", "/edges", {
      workspace: b,
      body: { sourceId: mine, targetId: secret, type: "spies_on" }
    })
    expect(toA.status).toBe(404)
    expect(toA.body).toMatchObject({ _tag: "EdgeEndpointNotFound", end: "target" })
    const fromA = await call(suite.base, "POST", "/edges", {
      workspace: b,
      body: { sourceId: secret, targetId: mine, type: "spies_on" }
    })
    expect(fromA.body).toMatchObject({ _tag: "EdgeEndpointNotFound", end: "source" })
    expect(await edgeCount(b)).toBe(0)
    expect(await edgeCount(a)).toBe(1)
    expect((await call(suite.base, "GET", `/entities/${secret}`, { workspace: a })).body.entity.name).toBe(
      "Secret Project"
    )
  })
})

describe("live updates", () => {
  it("creating and patching an entity send entity changes on the workspace's event stream", async () => {
    const workspace = await createWorkspace(suite.base, "live")
    const events = await openEvents(suite.base, workspace)
    try {
      await events.until(/event: ready/)
      const id = await createEntity(workspace, "Ada")
      await events.until(new RegExp(`"type":"entity","action":"created","id":"${id}"`))
      await call(suite.base, "PATCH", `/entities/${id}`, { workspace, body: { name: "Ada L." } })
      await events.until(new RegExp(`"type":"entity","action":"updated","id":"${id}"`))
    } finally {
      events.close()
    }
  })
})
