// Search benchmark (not a test): seeds 100,000 chunks in one workspace through the harvest service, then measures
// POST /harvest/search on a running host against the same hybrid SQL run directly, and reports ingest throughput.
// Run with `pnpm bench:search` (see test/bench/RESULTS.md); CHUNKS=20000 for a quicker run, WRITE=1 to update
// RESULTS.md.
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Layer, Logger, LogLevel } from "effect"
import { Embedder, hashing, hashingEmbedding } from "../../src/embeddings/Embedder"
import { chunkText } from "../../src/harvest/Chunker"
import * as Harvest from "../../src/harvest/Harvest"
import { AppDb, type AppPool, appLayerFor } from "../../src/platform/Db"
import * as RlsScope from "../../src/platform/RlsScope"
import { Workspaces, layer as workspacesLayer } from "../../src/workspaces/Workspaces"
import { queryAsWorkspace } from "../../src/platform/ScopedQuery"
import { analyse, analysisStatement, parseQuery } from "../../src/search/LexicalQuery"
import { hybridStatement } from "../../src/search/Search"
import type { WorkspaceId } from "../../src/platform/CurrentWorkspace"
import { connect, createDatabase, prepareAppRole } from "../support/database"
import { hostEnv, repoRoot, scratchDir, startHost } from "../support/hostProcess"
import { freePort } from "../support/ports"

const TARGET_CHUNKS = Number(process.env.CHUNKS ?? 100_000)
const QUERIES = Number(process.env.QUERIES ?? 400)
const CONCURRENCY = 4

// A deterministic corpus: pseudo-words drawn from a Zipf-like distribution, as natural text is.
let seed = 42
const random = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 2 ** 32
}
const syllables = "ka lo mi ne ru sa te vo zi pa do fe gu hi ja ke li mo nu po qu ra si tu ve wa xe yo ze".split(" ")
const vocabulary = Array.from({ length: 20_000 }, () => {
  const n = 2 + Math.floor(random() * 3)
  return Array.from({ length: n }, () => syllables[Math.floor(random() * syllables.length)]).join("")
})
const word = () =>
  vocabulary[Math.min(vocabulary.length - 1, Math.floor(Math.exp(random() * Math.log(vocabulary.length))))]!
const sentence = () => {
  const words = Array.from({ length: 8 + Math.floor(random() * 10) }, word)
  return `${words.join(" ")}.`
}
/** About 6 KB: eight chunks of about 800 characters. */
const documentText = () => Array.from({ length: 12 }, () => Array.from({ length: 4 }, sentence).join(" ")).join("\n\n")

const percentile = (values: Array<number>, p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}
const ms = (value: number) => value.toFixed(2)

const main = async () => {
  process.env.CARABASE_TEST_APP_PASSWORD = await prepareAppRole()
  const db = await createDatabase("bench")
  const owner = await connect(db.ownerUrl)
  const workspace = "00000000-0000-4000-8000-00000000b00c" as WorkspaceId
  await owner.query("insert into workspaces (id, name) values ($1, 'Bench')", [workspace])
  const appDb = appLayerFor(db.appUrl, 8).pipe(Layer.orDie)
  const run = <A>(effect: Effect.Effect<A, never, AppDb | AppPool | RlsScope.RlsScope | Embedder | Workspaces>) =>
    Effect.runPromise(
      effect.pipe(
        Effect.provide(workspacesLayer),
        Effect.provide(RlsScope.layer),
        Effect.provide(Layer.succeed(Embedder, hashing)),
        Effect.provide(appDb),
        Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))
      )
    )

  try {
    // Ingest through the harvest service, one source per transaction, as the job queue will.
    const texts: Array<string> = []
    let planned = 0
    while (planned < TARGET_CHUNKS) {
      const text = documentText()
      texts.push(text)
      planned += chunkText(text).length
    }
    console.log(`seeding about ${TARGET_CHUNKS} chunks from ${texts.length} documents...`)
    const ingestStart = performance.now()
    await run(
      Effect.gen(function* () {
        const harvest = yield* Harvest.make
        const rls = yield* RlsScope.RlsScope
        let done = 0
        yield* Effect.forEach(
          texts,
          (text, i) =>
            rls.run(workspace, harvest.index({ kind: "artifact", id: `doc-${i}`, title: `Document ${i}`, text })).pipe(
              Effect.tap(() =>
                Effect.sync(() => {
                  if (++done % 2000 === 0) console.log(`  ${done} documents`)
                })
              )
            ),
          { concurrency: CONCURRENCY, discard: true }
        )
      })
    )
    const ingestSeconds = (performance.now() - ingestStart) / 1000
    const chunkCount = Number((await owner.query("select count(*) from search_chunks")).rows[0].count)
    await owner.query("analyze search_chunks")
    console.log(`ingested ${chunkCount} chunks in ${ingestSeconds.toFixed(1)} s`)

    // Queries: two or three words of a random document, like a person recalling something they wrote.
    const queries = Array.from({ length: QUERIES }, () => {
      const words = texts[Math.floor(random() * texts.length)]!.split(/[\s.]+/).filter(Boolean)
      const start = Math.floor(random() * (words.length - 3))
      return words.slice(start, start + 2 + Math.floor(random() * 2)).join(" ")
    })

    // Direct: the same statement (compiled from the same code) as the workspace, sent the way the host sends it
    // (queryAsWorkspace: the setting and the statement in one round trip, one implicit transaction), so the ratio
    // measures what the API adds and not a difference in how the SQL reaches the server.
    // A search is two statements in one transaction: the query's analysis (its terms and their counts), then the
    // hybrid statement built from it. Both are compiled here (the plan read once per query) and sent back to back.
    const compiled = await run(
      Effect.gen(function* () {
        const sql = yield* AppDb
        const rls = yield* RlsScope.RlsScope
        return yield* Effect.forEach(queries, (query) =>
          Effect.gen(function* () {
            const plan = yield* rls.run(workspace, analyse(sql, query))
            const [analysisText, analysisParams] = analysisStatement(sql, parseQuery(query)).compile()
            const [text, params] = hybridStatement(sql, {
              plan,
              limit: 5,
              vector: hashingEmbedding(query),
              model: hashing.model,
              minSimilarity: hashing.minSimilarity
            }).compile()
            return { analysisText, analysisParams, text, params }
          })
        )
      })
    )
    const app = await connect(db.appUrl)
    const direct: Array<number> = []
    const once = (text: string, params: ReadonlyArray<unknown>) =>
      new Promise<void>((resolve, reject) =>
        queryAsWorkspace(app, workspace, text, params, (error) => (error === undefined ? resolve() : reject(error)))
      )
    const directOnce = async (i: number) => {
      const started = performance.now()
      await once(compiled[i]!.analysisText, compiled[i]!.analysisParams)
      await once(compiled[i]!.text, compiled[i]!.params)
      return performance.now() - started
    }
    for (let i = 0; i < 50; i++) await directOnce(i % queries.length)
    for (let i = 0; i < queries.length; i++) direct.push(await directOnce(i))
    const plan = await app
      .query("begin; select set_config('app.workspace_id', '" + workspace + "', true)")
      .then(() =>
        app.query(
          `explain (analyze, costs off, timing off) ${compiled[0]!.text}`,
          compiled[0]!.params as Array<unknown>
        )
      )
    await app.query("rollback")
    await app.end()

    // Through the API: the built host as a real process, one request at a time over keep-alive HTTP.
    const port = await freePort()
    const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
    await host.ready()
    const api: Array<number> = []
    const apiOnce = async (query: string) => {
      const started = performance.now()
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/harvest/search`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-workspace-id": workspace },
        body: JSON.stringify({ query, limit: 5 })
      })
      const body = (await response.json()) as { results: Array<unknown> }
      if (response.status !== 200) throw new Error(`search answered ${response.status}`)
      return { ms: performance.now() - started, hits: body.results.length }
    }
    for (let i = 0; i < 50; i++) await apiOnce(queries[i % queries.length]!)
    let withHits = 0
    for (const query of queries) {
      const { ms: elapsed, hits } = await apiOnce(query)
      api.push(elapsed)
      if (hits > 0) withHits++
    }
    // The floor under any workspace request: middleware, one RLS transaction with a trivial query, JSON.
    const floor: Array<number> = []
    for (let i = 0; i < 200; i++) {
      const started = performance.now()
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/memories?limit=1`, {
        headers: { "x-workspace-id": workspace }
      })
      await response.json()
      if (i >= 50) floor.push(performance.now() - started)
    }
    await host.stop()

    const pg = (await owner.query("select version()")).rows[0].version.split(" on ")[0]
    const cpu = os.cpus()[0]?.model ?? "unknown CPU"
    const report = [
      `## ${new Date().toISOString().slice(0, 10)}: ${chunkCount} chunks, ${QUERIES} queries`,
      "",
      `Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, ${pg}, pgvector ${(await owner.query("select extversion from pg_extension where extname = 'vector'")).rows[0].extversion}.`,
      "",
      "| measure | p50 ms | p95 ms | p99 ms |",
      "| --- | --- | --- | --- |",
      `| POST /harvest/search (HTTP, host process) | ${ms(percentile(api, 50))} | ${ms(percentile(api, 95))} | ${ms(percentile(api, 99))} |`,
      `| floor: GET /memories?limit=1 (HTTP, same host) | ${ms(percentile(floor, 50))} | ${ms(percentile(floor, 95))} | ${ms(percentile(floor, 99))} |`,
      `| same SQL direct (pg, one round trip) | ${ms(percentile(direct, 50))} | ${ms(percentile(direct, 95))} | ${ms(percentile(direct, 99))} |`,
      "",
      `API / direct at p95: ${(percentile(api, 95) / percentile(direct, 95)).toFixed(2)}×; at p50: ${(percentile(api, 50) / percentile(direct, 50)).toFixed(2)}×. Queries with at least one hit: ${withHits}/${QUERIES}.`,
      "",
      `Ingest through Harvest.index (chunk, embed with ${hashing.model}, insert with GIN + HNSW maintenance; ${CONCURRENCY} sources at a time): ${chunkCount} chunks in ${ingestSeconds.toFixed(1)} s = ${(chunkCount / ingestSeconds).toFixed(0)} chunks/s (${(texts.length / ingestSeconds).toFixed(1)} documents/s).`,
      "",
      "Plan of the first query (direct):",
      "",
      "```",
      ...plan.rows.map((row: Record<string, string>) => row["QUERY PLAN"]!.replace(/'\[[-0-9.,e]+\]'/g, "'[...]'")),
      "```",
      ""
    ].join("\n")
    console.log(`\n${report}`)
    if (process.env.WRITE === "1") {
      const file = path.join(repoRoot, "test", "bench", "RESULTS.md")
      const existing = fs.readFileSync(file, "utf8")
      const marker = "<!-- results -->"
      fs.writeFileSync(file, existing.replace(marker, `${marker}\n\n${report}`))
    }
  } finally {
    await owner.end()
    if (process.env.KEEP_DB === "1") console.log(`kept database ${db.name}`)
    else await db.drop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
