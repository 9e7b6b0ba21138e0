// Entities over real HTTP against a real host and database: create, read, patch, list with type and limit, search
// that ignores case and accents and ranks exact before prefix before substring, aliases, and canonical links.
import { describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("entities")

type EntityType = "person" | "project" | "concept" | "organization" | "tool" | "topic" | "event"

const createEntity = async (
  workspace: string,
  name: string,
  type: EntityType = "person",
  extra: { aliases?: Array<string>; metadata?: Record<string, unknown> } = {}
) => {
  const answer = await call(suite.base, "POST", "/entities", { workspace, body: { name, type, ...extra } })
  expect(answer.status, JSON.stringify(answer.body)).toBe(201)
  return answer.body.entity as { id: string; name: string; aliases: Array<string>; canonicalId: string | null }
}

const names = async (workspace: string, query: string) => {
  const answer = await call(suite.base, "GET", `/entities${query}`, { workspace })
  expect(answer.status, JSON.stringify(answer.body)).toBe(200)
  return (answer.body.entities as Array<{ name: string }>).map((entity) => entity.name)
}

const unknownId = "5d0c3c1e-0f7a-4f44-8d8e-2b7f1f0b6a11"

describe("creating and reading entities", () => {
  it("POST /entities answers 201 with the entity; GET /entities/:id answers it with its edges", async () => {
    const workspace = await createWorkspace(suite.base, "create")
    const answer = await call(suite.base, "POST", "/entities", {
      workspace,
      body: { name: "  Ada Lovelace ", type: "person", metadata: { born: 1815 }, aliases: ["Ada", " ada ", "Countess"] }
    })
    expect(answer.status).toBe(201)
    expect(answer.body.entity).toMatchObject({
      name: "Ada Lovelace",
      type: "person",
      metadata: { born: 1815 },
      aliases: ["Ada", "Countess"],
      canonicalId: null
    })
    const read = await runClient(
      suite.base,
      (api) => api.graph.getEntity({ path: { id: answer.body.entity.id } }),
      workspace
    )
    expect(read.entity).toMatchObject({ id: answer.body.entity.id, name: "Ada Lovelace", edges: [] })
    const plain = await createEntity(workspace, "Engine", "project")
    expect(plain).toMatchObject({ aliases: [], canonicalId: null, metadata: {} })
  })

  it("rejects a bad type, a blank or missing name, and mistyped metadata or aliases with a 400, storing nothing", async () => {
    const workspace = await createWorkspace(suite.base, "bad create")
    const bodies = [
      { name: "Rex", type: "animal" },
      { name: "Rex" },
      { type: "person" },
      { name: "", type: "person" },
      { name: "   ", type: "person" },
      { name: 3, type: "person" },
      { name: "x".repeat(501), type: "person" },
      { name: "Rex", type: "person", metadata: [1, 2] },
      { name: "Rex", type: "person", metadata: "text" },
      { name: "Rex", type: "person", aliases: "Rexy" },
      { name: "Rex", type: "person", aliases: ["ok", ""] },
      { name: "Rex", type: "person", aliases: [4] }
    ]
    for (const body of bodies) {
      const answer = await call(suite.base, "POST", "/entities", { workspace, body })
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.body._tag).toBe("HttpApiDecodeError")
    }
    expect(await names(workspace, "")).toEqual([])
  })

  it("answers 404 for an unknown entity and 400 for an id that is not a UUID", async () => {
    const workspace = await createWorkspace(suite.base, "unknown")
    const missing = await call(suite.base, "GET", `/entities/${unknownId}`, { workspace })
    expect(missing).toEqual({
      status: 404,
      body: {
        _tag: "EntityNotFound",
        message: `entity ${unknownId} does not exist in this workspace`,
        entityId: unknownId
      }
    })
    const patch = await call(suite.base, "PATCH", `/entities/${unknownId}`, { workspace, body: { name: "x" } })
    expect(patch.status).toBe(404)
    for (const method of ["GET", "PATCH"]) {
      const answer = await call(suite.base, method, "/entities/42", {
        workspace,
        body: method === "GET" ? undefined : {}
      })
      expect(answer.status).toBe(400)
    }
  })
})

describe("PATCH /entities/:id", () => {
  it("changes only the given fields; metadata and aliases replace the stored ones", async () => {
    const workspace = await createWorkspace(suite.base, "patch")
    const ada = await createEntity(workspace, "Ada", "person", { aliases: ["A"], metadata: { a: 1 } })
    const renamed = await call(suite.base, "PATCH", `/entities/${ada.id}`, { workspace, body: { name: "Ada L." } })
    expect(renamed.body.entity).toMatchObject({ name: "Ada L.", type: "person", aliases: ["A"], metadata: { a: 1 } })
    const retyped = await call(suite.base, "PATCH", `/entities/${ada.id}`, {
      workspace,
      body: { type: "concept", metadata: { b: 2 }, aliases: ["Lovelace"] }
    })
    expect(retyped.status).toBe(200)
    expect(retyped.body.entity).toMatchObject({
      name: "Ada L.",
      type: "concept",
      aliases: ["Lovelace"],
      metadata: { b: 2 }
    })
    const read = await call(suite.base, "GET", `/entities/${ada.id}`, { workspace })
    expect(read.body.entity).toMatchObject({
      name: "Ada L.",
      type: "concept",
      aliases: ["Lovelace"],
      metadata: { b: 2 }
    })
  })

  it("rejects bad values with a 400 and changes nothing", async () => {
    const workspace = await createWorkspace(suite.base, "patch bad")
    const ada = await createEntity(workspace, "Ada")
    for (const body of [
      { type: "animal" },
      { name: "" },
      { metadata: [] },
      { aliases: [""] },
      { canonicalId: "nope" }
    ]) {
      const answer = await call(suite.base, "PATCH", `/entities/${ada.id}`, { workspace, body })
      expect(answer.status, JSON.stringify(body)).toBe(400)
    }
    const read = await call(suite.base, "GET", `/entities/${ada.id}`, { workspace })
    expect(read.body.entity).toMatchObject({
      name: "Ada",
      type: "person",
      aliases: [],
      metadata: {},
      canonicalId: null
    })
  })
})

describe("canonical links", () => {
  it("links an alias entity to its canonical one and unlinks it with null", async () => {
    const workspace = await createWorkspace(suite.base, "canonical")
    const robert = await createEntity(workspace, "Robert Smith")
    const bob = await createEntity(workspace, "Bob")
    const linked = await call(suite.base, "PATCH", `/entities/${bob.id}`, {
      workspace,
      body: { canonicalId: robert.id }
    })
    expect(linked.status).toBe(200)
    expect(linked.body.entity.canonicalId).toBe(robert.id)
    const listed = await call(suite.base, "GET", "/entities?search=bob", { workspace })
    expect(listed.body.entities[0]).toMatchObject({ id: bob.id, canonicalId: robert.id })
    const unlinked = await call(suite.base, "PATCH", `/entities/${bob.id}`, { workspace, body: { canonicalId: null } })
    expect(unlinked.body.entity.canonicalId).toBeNull()
  })

  it("rejects a self-link and any link that would close a loop with a 400, and an unknown canonical with a 404", async () => {
    const workspace = await createWorkspace(suite.base, "cycles")
    const a = await createEntity(workspace, "A")
    const b = await createEntity(workspace, "B")
    const c = await createEntity(workspace, "C")
    const link = (from: string, to: string | null) =>
      call(suite.base, "PATCH", `/entities/${from}`, { workspace, body: { canonicalId: to } })
    const self = await link(a.id, a.id)
    expect(self.status).toBe(400)
    expect(self.body._tag).toBe("InvalidCanonicalLink")
    expect((await link(b.id, a.id)).status).toBe(200)
    const direct = await link(a.id, b.id)
    expect(direct.status).toBe(400)
    expect(direct.body.message).toMatch(/loop/)
    expect((await link(c.id, b.id)).status).toBe(200)
    expect((await link(a.id, c.id)).status).toBe(400)
    const unknown = await link(a.id, unknownId)
    expect(unknown.status).toBe(404)
    expect(unknown.body.message).toContain(unknownId)
    const read = await call(suite.base, "GET", `/entities/${a.id}`, { workspace })
    expect(read.body.entity.canonicalId).toBeNull()
    // Re-pointing along the chain is fine: C may link straight to A.
    expect((await link(c.id, a.id)).status).toBe(200)
  })
})

describe("GET /entities", () => {
  it("lists by name, filters by type, and honours limit (default 50, at most 500)", async () => {
    const workspace = await createWorkspace(suite.base, "list")
    await createEntity(workspace, "zeta tool", "tool")
    await createEntity(workspace, "Alpha", "project")
    await createEntity(workspace, "beta", "tool")
    expect(await names(workspace, "")).toEqual(["Alpha", "beta", "zeta tool"])
    expect(await names(workspace, "?type=tool")).toEqual(["beta", "zeta tool"])
    expect(await names(workspace, "?limit=2")).toEqual(["Alpha", "beta"])
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        createEntity(workspace, `Bulk ${String(index).padStart(2, "0")}`, "topic")
      )
    )
    expect(await names(workspace, "")).toHaveLength(50)
    expect(await names(workspace, "?limit=500")).toHaveLength(53)
  })

  it("rejects a bad type or limit with a 400", async () => {
    const workspace = await createWorkspace(suite.base, "list bad")
    for (const query of ["?type=animal", "?limit=0", "?limit=501", "?limit=abc", "?limit=2.5", "?limit=-1"]) {
      const answer = await call(suite.base, "GET", `/entities${query}`, { workspace })
      expect(answer.status, query).toBe(400)
    }
  })

  it("searches names and aliases ignoring case and accents: exact, then prefix, then substring", async () => {
    const workspace = await createWorkspace(suite.base, "search")
    await createEntity(workspace, "Chloe Zoeller")
    await createEntity(workspace, "Zoë Kravitz")
    await createEntity(workspace, "Zed", "person", { aliases: ["ZOE"] })
    await createEntity(workspace, "Zoe")
    await createEntity(workspace, "Zed Other")
    await createEntity(workspace, "Zoe Labs", "organization")
    const expected = ["Zoe", "Zed", "Zoe Labs", "Zoë Kravitz", "Chloe Zoeller"]
    expect(await names(workspace, "?search=zoe")).toEqual(expected)
    expect(await names(workspace, `?search=${encodeURIComponent("Zoë")}`)).toEqual(expected)
    expect(await names(workspace, "?search=ZOE")).toEqual(expected)
    expect(await names(workspace, `?search=${encodeURIComponent("Zoe\u0308")}`)).toEqual(expected)
    expect(await names(workspace, `?search=${encodeURIComponent("KRAVÍTZ")}`)).toEqual(["Zoë Kravitz"])
    expect(await names(workspace, "?search=zoe&type=organization")).toEqual(["Zoe Labs"])
    expect(await names(workspace, "?search=zoe&limit=2")).toEqual(["Zoe", "Zed"])
    expect(await names(workspace, "?search=nobody")).toEqual([])
  })

  it("finds an entity by any of its aliases", async () => {
    const workspace = await createWorkspace(suite.base, "alias")
    await createEntity(workspace, "Robert Smith", "person", { aliases: ["Bob", "Bobby S."] })
    await createEntity(workspace, "Alice")
    expect(await names(workspace, "?search=bob")).toEqual(["Robert Smith"])
    expect(await names(workspace, "?search=by%20s")).toEqual(["Robert Smith"])
    expect(await names(workspace, "?search=smith")).toEqual(["Robert Smith"])
  })
})
