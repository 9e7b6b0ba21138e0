// Memories over real HTTP: create, list newest first, search by relevance, bad input, and workspace isolation.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { createWorkspace, hostSuite } from "../support/hostSuite"

let base: string

const suite = hostSuite("memories")
beforeAll(async () => {
  base = suite.base
})

const workspace = (name: string) => createWorkspace(base, name)

const request = (workspaceId: string, method: string, path: string, body?: unknown) =>
  fetch(`${base}/api/v1${path}`, {
    method,
    headers: { "x-workspace-id": workspaceId, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }))

const remember = (workspaceId: string, content: string, source?: string) =>
  runClient(
    base,
    (api) => api.memories.create({ payload: source === undefined ? { content } : { content, source } }),
    workspaceId
  ).then((result) => result.memory)

const list = (workspaceId: string, urlParams: { search?: string; limit?: number } = {}) =>
  runClient(base, (api) => api.memories.list({ urlParams }), workspaceId).then((result) => result.memories)

describe("POST /memories", () => {
  it("stores a memory and answers 201 with id, content and createdAt", async () => {
    const ws = await workspace("Mem create")
    const response = await request(ws, "POST", "/memories", {
      content: "  Ada prefers tea over coffee  ",
      source: "chat"
    })
    expect(response.status).toBe(201)
    expect(response.body.memory.content).toBe("Ada prefers tea over coffee")
    expect(response.body.memory.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(Number.isNaN(Date.parse(response.body.memory.createdAt))).toBe(false)
    expect((await list(ws)).map((memory) => memory.id)).toEqual([response.body.memory.id])
  })

  it("rejects missing, blank and mistyped content with a 400 naming the field, and stores nothing", async () => {
    const ws = await workspace("Mem bad")
    for (const body of [{}, { content: "   " }, { content: 42 }, { content: "ok", source: 7 }, { content: ["x"] }]) {
      const response = await request(ws, "POST", "/memories", body)
      expect(response.status).toBe(400)
      expect(response.body._tag).toBe("HttpApiDecodeError")
    }
    const malformed = await request(ws, "POST", "/memories", '{"content": "unterminated')
    expect(malformed.status).toBe(400)
    const huge = await request(ws, "POST", "/memories", { content: "x".repeat(20_001) })
    expect(huge.status).toBe(400)
    expect(await list(ws)).toEqual([])
  })

  it("needs a workspace: a missing header is 400 and an unknown workspace 404", async () => {
    const missing = await fetch(`${base}/api/v1/memories`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ content: "x" })
    })
    expect(missing.status).toBe(400)
    const unknown = await request("6f1c1f47-35f5-4bd4-9bd9-1d1dbd0b7c6e", "GET", "/memories")
    expect(unknown.status).toBe(404)
  })
})

describe("GET /memories", () => {
  it("lists newest first, honours limit (default 20), and rejects a bad limit", async () => {
    const ws = await workspace("Mem list")
    const made = []
    for (let i = 0; i < 23; i++) made.push(await remember(ws, `fact number ${i}`))
    const all = await list(ws)
    expect(all.length).toBe(20)
    expect(all[0]!.id).toBe(made[22]!.id)
    expect((await list(ws, { limit: 3 })).map((memory) => memory.content)).toEqual([
      "fact number 22",
      "fact number 21",
      "fact number 20"
    ])
    for (const limit of ["0", "101", "abc", "2.5"]) {
      const response = await request(ws, "GET", `/memories?limit=${limit}`)
      expect(response.status).toBe(400)
      expect(response.body._tag).toBe("HttpApiDecodeError")
    }
  })

  it("with search, ranks the relevant memory first (full-text and vector paths) and only lists memories", async () => {
    const ws = await workspace("Mem search")
    await remember(ws, "The dentist appointment is on Tuesday at nine")
    const bike = await remember(ws, "Ada's bicycle needs a new rear tyre before the race")
    await remember(ws, "The wifi password for the cabin is on the fridge")
    const garden = await remember(ws, "Tomatoes in the greenhouse ripen in late August")
    expect((await list(ws, { search: "bicycle tyre" }))[0]!.id).toBe(bike.id)
    // No memory contains the word "greenhouses": only the vector path (character n-grams) can find it.
    expect((await list(ws, { search: "greenhouses" }))[0]!.id).toBe(garden.id)
    const results = await list(ws, { search: "race", limit: 2 })
    expect(results.length).toBeLessThanOrEqual(2)
    expect(results[0]!.id).toBe(bike.id)
    expect(results[0]!.content).toBe("Ada's bicycle needs a new rear tyre before the race")
  })

  it("workspace B never sees workspace A's memories, listed or searched", async () => {
    const a = await workspace("Mem A")
    const b = await workspace("Mem B")
    await remember(a, "The vault combination is hidden in the atlas")
    expect(await list(b)).toEqual([])
    expect(await list(b, { search: "vault combination atlas" })).toEqual([])
    expect((await list(a, { search: "vault combination" })).length).toBe(1)
  })
})
