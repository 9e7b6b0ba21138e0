// Model routes over a running host: keys are sealed bound to their row and never returned (only hasApiKey and the
// last four characters), embeddings and chat go through a workspace's route, and roles without one fall back to the
// environment's defaults.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { runClient } from "../support/apiClient"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { fakeEmbedding, startFakeGateway, type FakeGateway } from "../support/fakeGateway"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { openChat } from "../chat/sseClient"

const PASSWORD = "routes-" + "3c".repeat(20)
const ROUTE_KEY = "sk-route-" + "9f8e7d6c5b4a".repeat(3) + "WXYZ"
let db: TestDatabase
let fake: FakeGateway
let host: HostProcess
let base: string
let ws: string
const answers: Array<string> = []

beforeAll(async () => {
  db = await createDatabase("model_routes")
  fake = await startFakeGateway({ passwords: [PASSWORD, ROUTE_KEY], embeddingDimensions: 12 })
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({
    cwd: scratchDir(),
    env: hostEnv(db, port, { OPENCLAW_GATEWAY_URL: fake.url, OPENCLAW_GATEWAY_PASSWORD: PASSWORD })
  })
  await host.ready()
  ws = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Routes" } }))).workspace.id
})
afterAll(async () => {
  await host?.stop()
  await fake?.close()
  await db?.drop()
})

const call = async (method: string, path: string, body?: unknown, workspace = ws) => {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", "x-workspace-id": workspace },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  answers.push(text)
  return { status: response.status, json: text === "" ? undefined : (JSON.parse(text) as any) }
}

const ownerQuery = async <A>(sql: string, params: Array<unknown> = []): Promise<Array<A>> => {
  const client = await connect(db.ownerUrl)
  try {
    return (await client.query(sql, params)).rows as Array<A>
  } finally {
    await client.end()
  }
}

describe("model routes", () => {
  it("stores a route with a sealed key and answers only hasApiKey and the last four characters", async () => {
    const put = await call("PUT", "/model-routes/embeddings", {
      provider: "openai-compatible",
      baseUrl: `${fake.url}/v1`,
      model: "text-embedding-small",
      apiKey: ROUTE_KEY
    })
    expect(put.status).toBe(200)
    expect(put.json.route).toMatchObject({
      role: "embeddings",
      provider: "openai-compatible",
      baseUrl: `${fake.url}/v1`,
      model: "text-embedding-small",
      hasApiKey: true,
      apiKeyLast4: "WXYZ"
    })
    expect(Object.keys(put.json.route)).not.toContain("apiKey")
    const listed = await runClient(base, (api) => api.modelRoutes.list(), ws)
    expect(listed.routes.map((route) => [route.role, route.hasApiKey, route.apiKeyLast4])).toEqual([
      ["embeddings", true, "WXYZ"]
    ])
    const one = await call("GET", "/model-routes/embeddings")
    expect(one.json.route.apiKeyLast4).toBe("WXYZ")
  })

  it("keeps no plaintext key in the database: the row holds only a sealed envelope", async () => {
    const rows = await ownerQuery<{ row: string; sealed: Buffer; last4: string }>(
      "select t::text as row, api_key_sealed as sealed, api_key_last4 as last4 from model_routes t where workspace_id = $1",
      [ws]
    )
    expect(rows).toHaveLength(1)
    const keyBytes = Buffer.from(ROUTE_KEY, "utf8")
    expect(rows[0]!.sealed.includes(keyBytes)).toBe(false)
    expect(rows[0]!.sealed.includes(keyBytes.subarray(0, 12))).toBe(false)
    expect(rows[0]!.row).not.toContain(ROUTE_KEY)
    expect(rows[0]!.row).not.toContain(keyBytes.toString("hex"))
    expect(rows[0]!.last4).toBe("WXYZ")
  })

  it("embeds through the workspace's embeddings route with the route's model and key", async () => {
    const result = await call("POST", "/embeddings", { input: ["alpha", "beta"] })
    expect(result.status).toBe(200)
    expect(result.json).toMatchObject({ object: "list", model: "text-embedding-small", source: "route" })
    expect(result.json.data).toEqual([
      { object: "embedding", index: 0, embedding: fakeEmbedding("alpha", 12) },
      { object: "embedding", index: 1, embedding: fakeEmbedding("beta", 12) }
    ])
    const request = fake.requests.at(-1)!
    expect(request.path).toBe("/v1/embeddings")
    expect(request.headers.authorization).toBe(`Bearer ${ROUTE_KEY}`)
    expect(request.body).toMatchObject({ model: "text-embedding-small", input: ["alpha", "beta"] })
    expect(request.headers["x-openclaw-session-key"]).toBeUndefined()
  })

  it("falls back to the host's embedder in a workspace without an embeddings route", async () => {
    const other = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Plain" } }))).workspace.id
    const requestsBefore = fake.requests.length
    const result = await call("POST", "/embeddings", { input: "alpha" }, other)
    expect(result.status).toBe(200)
    expect(result.json.source).toBe("default")
    expect(result.json.data[0].embedding).toHaveLength(384)
    expect(fake.requests.length).toBe(requestsBefore)
  })

  it("keeps the key when a route is updated without one, and removes it with apiKey: null", async () => {
    const kept = await call("PUT", "/model-routes/embeddings", {
      provider: "openai-compatible",
      baseUrl: `${fake.url}/v1`,
      model: "text-embedding-large"
    })
    expect(kept.json.route).toMatchObject({ model: "text-embedding-large", hasApiKey: true, apiKeyLast4: "WXYZ" })
    await call("POST", "/embeddings", { input: "x" })
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${ROUTE_KEY}`)

    const cleared = await call("PUT", "/model-routes/utility", {
      provider: "ollama",
      model: "llama3.2",
      apiKey: "short"
    })
    expect(cleared.json.route).toMatchObject({ baseUrl: null, hasApiKey: true, apiKeyLast4: null })
    const removed = await call("PUT", "/model-routes/utility", { provider: "ollama", model: "llama3.2", apiKey: null })
    expect(removed.json.route).toMatchObject({ hasApiKey: false, apiKeyLast4: null })
    expect((await call("DELETE", "/model-routes/utility")).json).toEqual({ deleted: true })
    expect((await call("GET", "/model-routes/utility")).status).toBe(404)
    expect((await call("DELETE", "/model-routes/utility")).status).toBe(404)
  })

  it("a sealed key copied into another row does not open there: 409 with how to fix it", async () => {
    const other = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Thief" } }))).workspace.id
    await call(
      "PUT",
      "/model-routes/embeddings",
      { provider: "openai-compatible", baseUrl: `${fake.url}/v1`, model: "m", apiKey: "sk-other-000000000" },
      other
    )
    await ownerQuery(
      "update model_routes set api_key_sealed = (select api_key_sealed from model_routes where workspace_id = $1 and purpose = 'embeddings') where workspace_id = $2",
      [ws, other]
    )
    const result = await call("POST", "/embeddings", { input: "x" }, other)
    expect(result.status).toBe(409)
    expect(result.json._tag).toBe("ModelRouteUnusable")
    expect(result.json.message).toContain("PUT /api/v1/model-routes/embeddings")
  })

  it("a key the provider refuses is a 502 that names the route to fix", async () => {
    const other = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "BadKey" } }))).workspace.id
    await call(
      "PUT",
      "/model-routes/embeddings",
      { provider: "openai-compatible", baseUrl: `${fake.url}/v1`, model: "m", apiKey: "sk-wrong-1111111111" },
      other
    )
    const result = await call("POST", "/embeddings", { input: "x" }, other)
    expect(result.status).toBe(502)
    expect(result.json.message).toContain("model route embeddings")
    expect(result.json.message).not.toContain("sk-wrong-1111111111")
  })

  it("chats through a chat route to an OpenAI-compatible provider, sending the session's history", async () => {
    const other = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Routed chat" } })))
      .workspace.id
    await call(
      "PUT",
      "/model-routes/chat",
      { provider: "openai-compatible", baseUrl: `${fake.url}/v1`, model: "gpt-x", apiKey: ROUTE_KEY },
      other
    )
    const first = (await (await openChat(base, other, { message: "first" })).rest()).at(-1)!
    expect(first.event).toBe("done")
    const second = (
      await (await openChat(base, other, { sessionId: first.data.sessionId, message: "second" })).rest()
    ).at(-1)!
    expect(second.event).toBe("done")
    const request = fake.requests.at(-1)!
    expect(request.body.model).toBe("gpt-x")
    expect(request.headers.authorization).toBe(`Bearer ${ROUTE_KEY}`)
    expect(request.headers["x-openclaw-session-key"]).toBeUndefined()
    expect(request.body.messages).toEqual([
      { role: "user", content: "first" },
      { role: "assistant", content: "You said: first" },
      { role: "user", content: "second" }
    ])
  })

  it("routes chat to another OpenClaw agent with an openclaw route", async () => {
    const other = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Agent" } }))).workspace.id
    await call("PUT", "/model-routes/chat", { provider: "openclaw", model: "research" }, other)
    const done = (await (await openChat(base, other, { message: "hi" })).rest()).at(-1)!
    expect(done.event).toBe("done")
    expect(fake.requests.at(-1)!.body.model).toBe("openclaw:research")
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${PASSWORD}`)
  })

  it("accepts every model form OpenClaw lists, and sends it as written", async () => {
    const other = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Forms" } }))).workspace.id
    for (const model of ["openclaw/main", "openclaw", "openclaw/default", "agent:Research_2", "openclaw:main"]) {
      const put = await call("PUT", "/model-routes/chat", { provider: "openclaw", model }, other)
      expect(put.status, model).toBe(200)
      const done = (await (await openChat(base, other, { message: "hi" })).rest()).at(-1)!
      expect(done.event, model).toBe("done")
      expect(fake.requests.at(-1)!.body.model).toBe(model)
    }
  })

  it("lists the agents OpenClaw's /v1/models names, for the model-route page", async () => {
    const agents = await call("GET", "/openclaw/agents")
    expect(agents.status).toBe(200)
    expect(agents.json.agents).toEqual([
      { model: "openclaw:main", agentId: "main" },
      { model: "openclaw:research", agentId: "research" }
    ])
  })

  it("rejects routes that cannot work with a 400 that says why", async () => {
    const cases: Array<[string, unknown, string]> = [
      ["/model-routes/chat", { provider: "openai-compatible", model: "m" }, "needs baseUrl"],
      [
        "/model-routes/chat",
        { provider: "openclaw", baseUrl: "http://10.9.8.7:18789", model: "main" },
        "OPENCLAW_ALLOW_REMOTE"
      ],
      ["/model-routes/chat", { provider: "ollama", baseUrl: "http://u:p@127.0.0.1:11434", model: "m" }, "credentials"],
      ["/model-routes/chat", { provider: "ollama", baseUrl: "file:///etc/passwd", model: "m" }, "http"],
      ["/model-routes/chat", { provider: "openclaw", model: "not an agent" }, "agent id"],
      // OpenClaw's ids have no dots: a dotted one would pass here and fail every chat with 502.
      ["/model-routes/chat", { provider: "openclaw", model: "research.v2" }, "no dots"],
      ["/model-routes/chat", { provider: "openclaw", model: "openclaw/research.v2" }, "no dots"],
      ["/model-routes/chat", { provider: "openclaw", model: "openclaw/" }, "agent id"]
    ]
    for (const [path, body, fragment] of cases) {
      const result = await call("PUT", path, body)
      expect(result.status, JSON.stringify(body)).toBe(400)
      expect(result.json.message).toContain(fragment)
    }
    expect((await call("PUT", "/model-routes/nonsense", { provider: "ollama", model: "m" })).status).toBe(400)
    expect((await call("PUT", "/model-routes/chat", { provider: "somebody", model: "m" })).status).toBe(400)
    expect((await call("PUT", "/model-routes/chat", { provider: "ollama", model: "m", apiKey: "" })).status).toBe(400)
  })

  it("never returned a key or the gateway password in any answer or log line", () => {
    for (const answer of answers) {
      expect(answer).not.toContain(ROUTE_KEY)
      expect(answer).not.toContain(PASSWORD)
    }
    expect(host.stdout() + host.stderr()).not.toContain(ROUTE_KEY)
    expect(host.stdout() + host.stderr()).not.toContain(PASSWORD)
  })
})
