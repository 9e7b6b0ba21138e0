// A model route's API key follows only its own base URL. An owner (or anyone holding the UI) who points a route at
// another server without resending the key gets a 400 naming apiKey, and the key stays where it was; a route row whose
// URL is changed behind the API's back (a direct database write) cannot open its key at all, so the new server never
// sees it. Keys sealed before the binding existed are bound at the next boot.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Crypto from "../../src/platform/Crypto"
import { startFakeEmbeddings } from "../embeddings/fakeEmbeddingsServer"
import { asOwner, call, createWorkspace, hostSuite } from "../support/hostSuite"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { TEST_MASTER_KEY } from "../support/keys"
import { freePort } from "../support/ports"

const FIRST_KEY = "sk-first-" + "6b1f0c9a2e".repeat(3)
const SECOND_KEY = "sk-second-" + "e4d27a90c3".repeat(3)

type Fake = Awaited<ReturnType<typeof startFakeEmbeddings>>
let first: Fake
let second: Fake

beforeAll(async () => {
  first = await startFakeEmbeddings()
  second = await startFakeEmbeddings()
})
afterAll(async () => {
  await first?.close()
  await second?.close()
})

/** Every Authorization header `fake` has seen. */
const authorizations = (fake: Fake) => fake.requests.map((request) => request.authorization)

describe("a model route's key and its base URL", () => {
  const suite = hostSuite("model_key_binding")
  let ws: string
  const route = (body: Record<string, unknown>) =>
    call(suite.base, "PUT", "/model-routes/embeddings", {
      workspace: ws,
      body: { provider: "openai-compatible", model: "m", ...body }
    })
  const embed = () => call(suite.base, "POST", "/embeddings", { workspace: ws, body: { input: "hello" } })

  beforeAll(async () => {
    ws = await createWorkspace(suite.base, "Binding")
  })

  it("refuses a new baseUrl without the key: 400 naming apiKey, and the route and its key stay put", async () => {
    expect((await route({ baseUrl: first.baseUrl, apiKey: FIRST_KEY })).status).toBe(200)
    expect((await embed()).status).toBe(200)
    expect(authorizations(first)).toEqual([`Bearer ${FIRST_KEY}`])

    const moved = await route({ baseUrl: second.baseUrl })
    expect(moved.status).toBe(400)
    expect(moved.body._tag).toBe("ModelRouteInvalid")
    expect(moved.body.message).toMatch(/^apiKey is required when baseUrl or provider changes/)
    expect(JSON.stringify(moved.body)).not.toContain(FIRST_KEY)
    expect(JSON.stringify(moved.body)).not.toContain(FIRST_KEY.slice(-4))

    const kept = await call(suite.base, "GET", "/model-routes/embeddings", { workspace: ws })
    expect(kept.body.route).toMatchObject({ baseUrl: first.baseUrl, hasApiKey: true })
    expect((await embed()).status).toBe(200)
    expect(second.requests).toEqual([])
  })

  it("the same server spelled differently (scheme in capitals, a trailing slash) keeps the key", async () => {
    const spelled = first.baseUrl.replace("http://127.0.0.1", "HTTP://127.0.0.1") + "/"
    const same = await route({ baseUrl: spelled, model: "m2" })
    expect(same.status, JSON.stringify(same.body)).toBe(200)
    expect(same.body.route).toMatchObject({ hasApiKey: true })
    expect((await embed()).status).toBe(200)
    expect(authorizations(first).at(-1)).toBe(`Bearer ${FIRST_KEY}`)
  })

  it("a URL changed behind the API's back cannot open the key: 409, and the other server never sees it", async () => {
    await asOwner(suite.db, (owner) =>
      owner.query("update model_routes set base_url = $1 where purpose = 'embeddings'", [second.baseUrl])
    )
    const result = await embed()
    expect(result.status).toBe(409)
    expect(result.body._tag).toBe("ModelRouteUnusable")
    expect(result.body.message).toContain("PUT /api/v1/model-routes/embeddings")
    expect(second.requests).toEqual([])
  })

  it("moves with the key sent again (or removed with apiKey: null), and only the new key reaches the new server", async () => {
    expect((await route({ baseUrl: second.baseUrl, apiKey: SECOND_KEY })).status).toBe(200)
    expect((await embed()).status).toBe(200)
    expect(authorizations(second)).toEqual([`Bearer ${SECOND_KEY}`])

    const cleared = await route({ baseUrl: first.baseUrl, apiKey: null })
    expect(cleared.status).toBe(200)
    expect(cleared.body.route).toMatchObject({ hasApiKey: false })
    const before = first.requests.length
    expect((await embed()).status).toBe(200)
    expect(first.requests.slice(before).map((request) => request.authorization)).toEqual([undefined])

    expect(authorizations(second)).not.toContain(`Bearer ${FIRST_KEY}`)
    expect(authorizations(first)).not.toContain(`Bearer ${SECOND_KEY}`)
  })
})

describe("a key sealed before the binding (bound to its row alone)", () => {
  let db: TestDatabase
  let host: HostProcess | undefined
  let base: string
  const workspace = "9c7e5a3b-1d2f-4e6a-8b0c-2d4f6a8c0e1f"
  const routeId = "3b5d7f9a-0c2e-4a6c-8e0a-4c6e8a0c2e4a"

  beforeAll(async () => {
    db = await createDatabase("model_key_legacy")
    const crypto = Crypto.make(Redacted.make(Buffer.from(TEST_MASTER_KEY, "hex")))
    const sealed = await Effect.runPromise(
      crypto.seal(Redacted.make(FIRST_KEY), { table: "model_routes", column: "api_key_sealed", rowId: routeId })
    )
    await asOwner(db, async (owner) => {
      await owner.query("insert into workspaces (id, name) values ($1, 'Legacy')", [workspace])
      await owner.query(
        `insert into model_routes (id, workspace_id, purpose, provider, model, base_url, api_key_sealed, api_key_last4)
         values ($1, $2, 'embeddings', 'openai-compatible', 'm', $3, $4, $5)`,
        [routeId, workspace, first.baseUrl, sealed, FIRST_KEY.slice(-4)]
      )
    })
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
    await host.ready()
  })
  afterAll(async () => {
    await host?.stop()
    await db?.drop()
  })

  it("is bound to its URL at boot: it still works there, and a changed URL no longer opens it", async () => {
    const before = first.requests.length
    const ok = await call(base, "POST", "/embeddings", { workspace, body: { input: "hello" } })
    expect(ok.status, JSON.stringify(ok.body)).toBe(200)
    expect(first.requests.slice(before).map((request) => request.authorization)).toEqual([`Bearer ${FIRST_KEY}`])

    const seenBySecond = second.requests.length
    await asOwner(db, (owner) => owner.query("update model_routes set base_url = $1", [second.baseUrl]))
    const moved = await call(base, "POST", "/embeddings", { workspace, body: { input: "hello" } })
    expect(moved.status).toBe(409)
    expect(second.requests.length).toBe(seenBySecond)
  })
})
