// The host with an OpenAI-compatible embedder chosen by configuration: switching from the built-in model re-embeds
// what is indexed in the background, search then uses the new model's vectors, and an embedder outage never fails
// a write (full-text search still finds it).
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type pg from "pg"
import { runClient } from "../support/apiClient"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { startFakeEmbeddings } from "./fakeEmbeddingsServer"

let db: TestDatabase
let owner: pg.Client
let failing = false
let fake: Awaited<ReturnType<typeof startFakeEmbeddings>>
const hosts: Array<HostProcess> = []

beforeAll(async () => {
  db = await createDatabase("embedder_switch")
  owner = await connect(db.ownerUrl)
  fake = await startFakeEmbeddings({ apiKey: "sk-local", dimensions: 768, failWith: () => (failing ? 500 : undefined) })
})
afterAll(async () => {
  for (const host of hosts) await host.stop()
  await fake?.close()
  await owner?.end()
  await db?.drop()
})

const boot = async (extra: Record<string, string> = {}) => {
  const port = await freePort()
  const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, extra) })
  hosts.push(host)
  await host.ready()
  return { host, base: `http://127.0.0.1:${port}` }
}

const models = async () =>
  (await owner.query("select embedding_model as model, count(*)::int as n from search_chunks group by 1 order by 1"))
    .rows

const until = async (check: () => Promise<boolean>, timeoutMs = 15_000) => {
  const started = Date.now()
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not reached in time")
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe("switching the embedding model", () => {
  it("re-embeds in the background, then searches with the new model's vectors only", async () => {
    const first = await boot()
    const ws = (await runClient(first.base, (api) => api.workspaces.create({ payload: { name: "Switch" } }))).workspace
      .id
    const remember = (base: string, content: string) =>
      runClient(base, (api) => api.memories.create({ payload: { content } }), ws).then((result) => result.memory)
    const orchard = await remember(first.base, "The orchard ladder is kept in the barn")
    await remember(first.base, "Invoices go to the shared accounting inbox")
    expect(await models()).toEqual([{ model: "carabase-hash-384-v2", n: 2 }])
    await first.host.stop()

    const second = await boot({
      CARABASE_EMBEDDINGS_URL: fake.baseUrl,
      CARABASE_EMBEDDINGS_MODEL: "fake-embed-768",
      CARABASE_EMBEDDINGS_API_KEY: "sk-local"
    })
    await until(async () => JSON.stringify(await models()) === JSON.stringify([{ model: "fake-embed-768", n: 2 }]))
    expect(fake.requests.every((request) => request.authorization === "Bearer sk-local")).toBe(true)
    const dims = await owner.query("select distinct embedding_dims from search_chunks")
    expect(dims.rows).toEqual([{ embedding_dims: 768 }])

    // "orchardz" is not a word of the corpus, nor a form of one: only the new model's vectors can find it.
    const found = await runClient(second.base, (api) => api.search.search({ payload: { query: "orchardz" } }), ws)
    expect(found.results[0]).toMatchObject({ id: orchard.id, kind: "memory" })
    expect(found.results[0]!.source.matchedBy).toEqual(["vector"])
    const queries = fake.requests.filter((request) => JSON.stringify(request.body.input) === '["orchardz"]')
    expect(queries.length).toBe(1)
  })

  it("keeps accepting writes while the embedder is down; full-text search finds them", async () => {
    const host = await boot({ CARABASE_EMBEDDINGS_URL: fake.baseUrl, CARABASE_EMBEDDINGS_MODEL: "fake-embed-768" })
    const ws = (await runClient(host.base, (api) => api.workspaces.create({ payload: { name: "Outage" } }))).workspace
      .id
    failing = true
    try {
      const memory = await runClient(
        host.base,
        (api) => api.memories.create({ payload: { content: "The spare key hides under the heron statue" } }),
        ws
      )
      const row = await owner.query("select embedding_model from search_chunks where source_id = $1", [
        memory.memory.id
      ])
      expect(row.rows).toEqual([{ embedding_model: null }])
      const found = await runClient(
        host.base,
        (api) => api.memories.list({ urlParams: { search: "heron statue" } }),
        ws
      )
      expect(found.memories.map((m) => m.id)).toEqual([memory.memory.id])
    } finally {
      failing = false
    }
  })
})
