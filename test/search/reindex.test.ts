// The background re-index of BM25 weights (migration 0015) on a real database as carabase_app: chunks written before
// the migration (no stemmed tsvector, no weights, no counts) get exactly what a fresh index would have given them,
// in every workspace, with its progress recorded per workspace for `carabase doctor`; and the term counts the
// triggers keep follow inserts, embedding updates, deletes and a workspace's deletion.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type pg from "pg"
import { Embedder, hashing } from "../../src/embeddings/Embedder"
import * as Harvest from "../../src/harvest/Harvest"
import * as Reindex from "../../src/harvest/Reindex"
import { appLayerFor } from "../../src/platform/Db"
import * as RlsScope from "../../src/platform/RlsScope"
import { layer as workspacesLayer } from "../../src/workspaces/Workspaces"
import type { WorkspaceId } from "../../src/platform/CurrentWorkspace"
import { connect, createDatabase, type TestDatabase } from "../support/database"

let db: TestDatabase
let owner: pg.Client
const A = "0d3c9a52-8a0e-4c8a-9d53-3b1a1f0e00a1" as WorkspaceId
const B = "0d3c9a52-8a0e-4c8a-9d53-3b1a1f0e00b2" as WorkspaceId

beforeAll(async () => {
  db = await createDatabase("reindex")
  owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
})
afterAll(async () => {
  await owner?.end()
  await db?.drop()
})

const run = <A>(effect: Effect.Effect<A, never, any>) =>
  Effect.runPromise(
    effect.pipe(
      Effect.provide(workspacesLayer),
      Effect.provide(RlsScope.layer),
      Effect.provide(Layer.succeed(Embedder, hashing)),
      Effect.provide(appLayerFor(db.appUrl).pipe(Layer.orDie))
    ) as Effect.Effect<A>
  )

const index = (ws: WorkspaceId, id: string, text: string) =>
  run(
    Effect.gen(function* () {
      const harvest = yield* Harvest.make
      const rls = yield* RlsScope.RlsScope
      yield* rls.run(ws, harvest.index({ kind: "memory", id, title: "", text }))
    })
  )

/** What the index holds, workspace by workspace, as the owner sees it. */
const snapshot = async () => ({
  chunks: (
    await owner.query(
      "select workspace_id, source_id, lex::text, lex_len, bm25::text from search_chunks order by workspace_id, source_id"
    )
  ).rows,
  terms: (await owner.query("select workspace_id, term, df from search_terms where df > 0 order by 1, 2")).rows,
  stats: (await owner.query("select workspace_id, chunks, tokens from search_stats order by 1")).rows
})

const texts = [
  "The harbour master logged three ships at dawn",
  "Ships leave the harbour when the tide turns",
  "Pricing for the enterprise plan is reviewed quarterly",
  "Ein Café in München serves the best strudel"
]

describe("term counts", () => {
  it("follow inserts and deletes, ignore embedding updates, and stay in their workspace", async () => {
    await index(A, "a1", texts[0]!)
    await index(A, "a2", texts[1]!)
    await index(B, "b1", texts[1]!)
    const df = async (ws: string, term: string) =>
      (await owner.query("select df from search_terms where workspace_id = $1 and term = $2", [ws, term])).rows[0]?.df
    expect(await df(A, "harbour")).toBe(2)
    expect(await df(A, "ship")).toBe(2)
    expect(await df(A, "dawn")).toBe(1)
    expect(await df(B, "harbour")).toBe(1)
    expect(await df(B, "dawn")).toBeUndefined()
    // A new vector (the embedding sweep) changes no count.
    await owner.query("update search_chunks set embedding = null, embedding_model = null where workspace_id = $1", [A])
    expect(await df(A, "harbour")).toBe(2)
    await index(A, "a1", "")
    expect(await df(A, "harbour")).toBe(1)
    expect(await df(A, "dawn")).toBe(0)
    const stats = (await owner.query("select chunks::int, tokens::int from search_stats where workspace_id = $1", [A]))
      .rows[0]
    expect(stats.chunks).toBe(1)
  })
})

describe("the background re-index", () => {
  it("gives chunks from before migration 0015 what a fresh index gives them, and records its progress", async () => {
    await owner.query("delete from search_chunks")
    await owner.query("delete from search_terms")
    await owner.query("delete from search_stats")
    for (const [i, text] of texts.entries()) {
      await index(A, `a${i}`, text)
      await index(B, `b${i}`, texts[texts.length - 1 - i]!)
    }
    const fresh = await snapshot()
    expect(fresh.chunks.every((row) => row.lex !== null && row.bm25 !== null)).toBe(true)

    // As a database migrated from before 0015 looks: the columns empty, nothing counted.
    await owner.query("alter table search_chunks disable trigger user")
    await owner.query("update search_chunks set lex = null, lex_len = null, bm25 = null")
    await owner.query("alter table search_chunks enable trigger user")
    await owner.query("delete from search_terms")
    await owner.query("delete from search_stats")

    const filled = await run(Effect.flatMap(Reindex.make, (reindex) => reindex.run))
    expect(filled).toBe(texts.length * 2)
    expect(await snapshot()).toEqual(fresh)
    const progress = await owner.query(
      "select workspace_id, pending::int, done::int, finished_at is not null as finished from search_reindex order by 1"
    )
    expect(progress.rows).toEqual([
      { workspace_id: A, pending: 0, done: texts.length, finished: true },
      { workspace_id: B, pending: 0, done: texts.length, finished: true }
    ])
    // Nothing left: a second run (the next boot) does nothing.
    expect(await run(Effect.flatMap(Reindex.make, (reindex) => reindex.run))).toBe(0)
  })

  it("a deleted workspace takes its counts and progress with it", async () => {
    await owner.query("delete from workspaces where id = $1", [B])
    for (const table of ["search_chunks", "search_terms", "search_stats", "search_reindex"]) {
      const left = await owner.query(`select count(*)::int as n from ${table} where workspace_id = $1`, [B])
      expect(left.rows[0].n, table).toBe(0)
    }
    const kept = await owner.query("select count(*)::int as n from search_terms where workspace_id = $1 and df > 0", [
      A
    ])
    expect(kept.rows[0].n).toBeGreaterThan(0)
  })
})
