// The harvest service in process, on a real database as carabase_app inside RlsScope: chunking, replace and remove,
// indexing when the embedder fails, and re-embedding when the model changes.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type pg from "pg"
import { Embedder, EmbeddingError, hashing, type EmbedderShape } from "../../src/embeddings/Embedder"
import { chunkText } from "../../src/harvest/Chunker"
import * as Harvest from "../../src/harvest/Harvest"
import { appLayerFor } from "../../src/platform/Db"
import * as RlsScope from "../../src/platform/RlsScope"
import { layer as workspacesLayer } from "../../src/workspaces/Workspaces"
import type { WorkspaceId } from "../../src/platform/CurrentWorkspace"
import { connect, createDatabase, type TestDatabase } from "../support/database"

let db: TestDatabase
let owner: pg.Client
const A = "0d3c9a52-8a0e-4c8a-9d53-3b1a1f0e0001" as WorkspaceId
const B = "0d3c9a52-8a0e-4c8a-9d53-3b1a1f0e0002" as WorkspaceId

beforeAll(async () => {
  db = await createDatabase("harvest")
  owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
})
afterAll(async () => {
  await owner?.end()
  await db?.drop()
})

/** Runs `use` with a harvest service built on `embedder`, as workspace `ws`. */
const withHarvest = <A>(
  embedder: EmbedderShape,
  use: (harvest: Effect.Effect.Success<typeof Harvest.make>) => Effect.Effect<A, never, any>,
  ws: WorkspaceId | "unscoped" = A
) => {
  const appDb = appLayerFor(db.appUrl).pipe(Layer.orDie)
  const program = Effect.gen(function* () {
    const harvest = yield* Harvest.make
    const rls = yield* RlsScope.RlsScope
    return yield* ws === "unscoped" ? use(harvest) : rls.run(ws, use(harvest))
  })
  return Effect.runPromise(
    program.pipe(
      Effect.provide(workspacesLayer),
      Effect.provide(RlsScope.layer),
      Effect.provide(Layer.succeed(Embedder, embedder)),
      Effect.provide(appDb)
    ) as Effect.Effect<A>
  )
}

const chunks = async (kind: string, id: string) =>
  (
    await owner.query(
      "select workspace_id, ordinal, title, content, embedding_model, embedding_dims from search_chunks where source_kind = $1 and source_id = $2 order by ordinal",
      [kind, id]
    )
  ).rows

describe("chunkText", () => {
  it("keeps short text whole and splits long text at paragraphs with overlap", () => {
    expect(chunkText("  one   short\r\n\r\n\r\ntext ")).toEqual(["one short\n\ntext"])
    expect(chunkText(" \n ")).toEqual([])
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} ${"word ".repeat(20).trim()}.`)
    const pieces = chunkText(paragraphs.join("\n\n"))
    expect(pieces.length).toBeGreaterThan(3)
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(900)
    for (let i = 1; i < pieces.length; i++) {
      const previousTail = pieces[i - 1]!.slice(-60)
      expect(pieces[i]!.includes(previousTail.slice(previousTail.indexOf(" ") + 1))).toBe(true)
    }
    for (const paragraph of paragraphs) expect(pieces.some((piece) => piece.includes(paragraph))).toBe(true)
  })

  it("cuts one enormous paragraph at sentences and words", () => {
    const text = Array.from({ length: 200 }, (_, i) => `Sentence number ${i} is here.`).join(" ")
    const pieces = chunkText(text)
    expect(pieces.length).toBeGreaterThan(5)
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(900)
    expect(chunkText("x".repeat(2000)).every((piece) => piece.length <= 800)).toBe(true)
  })
})

describe("the search index's database settings", () => {
  it("lets carabase_app's sessions walk the HNSW graph iteratively and use the GIN index under RLS", async () => {
    const app = await connect(db.appUrl)
    try {
      expect((await app.query("show hnsw.iterative_scan")).rows[0]["hnsw.iterative_scan"]).toBe("relaxed_order")
      // tsvector @@ tsquery must be leakproof, or RLS forbids the GIN index and every search scans all chunks.
      const leakproof = await app.query("select proleakproof from pg_proc where proname = 'ts_match_vq'")
      expect(leakproof.rows).toEqual([{ proleakproof: true }])
    } finally {
      await app.end()
    }
  })
})

describe("Harvest", () => {
  it("indexes a source's chunks with vectors of the active model, replaces them on re-index, and removes them", async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} about the orchard and its trees.`).join("\n\n")
    await withHarvest(hashing, (harvest) =>
      harvest.index({ kind: "note", id: "2026-03-01", title: "2026-03-01", text: long })
    )
    const first = await chunks("note", "2026-03-01")
    expect(first.length).toBeGreaterThan(1)
    expect(first.map((row) => row.ordinal)).toEqual(first.map((_, i) => i))
    expect(
      first.every(
        (row) => row.workspace_id === A && row.embedding_model === hashing.model && row.embedding_dims === 384
      )
    ).toBe(true)
    await withHarvest(hashing, (harvest) =>
      harvest.index({ kind: "note", id: "2026-03-01", title: "2026-03-01", text: "short now" })
    )
    expect((await chunks("note", "2026-03-01")).map((row) => row.content)).toEqual(["short now"])
    await withHarvest(hashing, (harvest) => harvest.index({ kind: "note", id: "2026-03-01", title: "t", text: "   " }))
    expect(await chunks("note", "2026-03-01")).toEqual([])
    await withHarvest(hashing, (harvest) =>
      harvest.index({ kind: "folio_commit", id: "c1", title: "Folio", text: "commit text" })
    )
    await withHarvest(hashing, (harvest) => harvest.remove("folio_commit", "c1"))
    expect(await chunks("folio_commit", "c1")).toEqual([])
  })

  it("re-indexing embeds and rewrites only the chunks that changed, and ends where a full rebuild would", async () => {
    const embedded: Array<string> = []
    const counting: EmbedderShape = {
      ...hashing,
      embed: (texts) =>
        Effect.zipRight(
          Effect.sync(() => embedded.push(...texts)),
          hashing.embed(texts)
        )
    }
    const rows = async () =>
      (
        await owner.query(
          "select id, ordinal, content, embedding_model from search_chunks where source_kind = 'note' and source_id = 'inc' order by ordinal"
        )
      ).rows
    const entries = (n: number) =>
      Array.from({ length: n }, (_, i) => `Entry ${i}: a line of the day's log, long enough to fill the chunks.`)
    const index = (text: string, title = "2026-03-02") =>
      withHarvest(counting, (harvest) => harvest.index({ kind: "note", id: "inc", title, text }))

    await index(entries(120).join("\n\n"))
    const first = await rows()
    expect(first.length).toBeGreaterThan(3)
    expect(embedded.length).toBe(first.length)

    // Appending changes the last chunks only: the rest keep their rows (and vectors), and are not embedded again.
    embedded.length = 0
    await index(entries(121).join("\n\n"))
    const appended = await rows()
    expect(appended.map((row) => row.content)).toEqual(chunkText(entries(121).join("\n\n")))
    const unchanged = appended.filter((row) => first.some((old) => old.id === row.id))
    expect(unchanged.length).toBeGreaterThanOrEqual(first.length - 2)
    expect(embedded.length).toBe(appended.length - unchanged.length)
    expect(embedded.length).toBeLessThanOrEqual(2)
    expect(appended.every((row) => row.embedding_model === hashing.model)).toBe(true)

    // The same text again writes nothing; a new title re-embeds everything (the title is part of what is embedded).
    embedded.length = 0
    await index(entries(121).join("\n\n"))
    expect((await rows()).map((row) => row.id)).toEqual(appended.map((row) => row.id))
    expect(embedded).toEqual([])
    await index(entries(121).join("\n\n"), "renamed")
    expect(embedded.length).toBe(appended.length)

    // Shrinking drops the chunks past the end; an edit in the middle replaces the chunk that holds it.
    await index(entries(3).join("\n\n"))
    expect((await rows()).map((row) => row.content)).toEqual(chunkText(entries(3).join("\n\n")))
    const edited = entries(120)
    edited[60] = "Entry 60: rewritten."
    await index(edited.join("\n\n"))
    expect((await rows()).map((row) => row.content)).toEqual(chunkText(edited.join("\n\n")))
    expect((await rows()).map((row) => row.ordinal)).toEqual((await rows()).map((_, i) => i))
  })

  it("cannot remove or overwrite another workspace's chunks", async () => {
    await withHarvest(
      hashing,
      (harvest) => harvest.index({ kind: "memory", id: "m-shared", title: "A", text: "A's fact" }),
      A
    )
    await withHarvest(hashing, (harvest) => harvest.remove("memory", "m-shared"), B)
    await withHarvest(
      hashing,
      (harvest) => harvest.index({ kind: "memory", id: "m-shared", title: "B", text: "B's fact" }),
      B
    )
    const rows = await chunks("memory", "m-shared")
    expect(rows.map((row) => [row.workspace_id, row.content]).sort()).toEqual([
      [A, "A's fact"],
      [B, "B's fact"]
    ])
  })

  it("indexes without vectors when the embedder fails, and embeds them once it works again", async () => {
    const down: EmbedderShape = {
      ...hashing,
      embed: () => Effect.fail(new EmbeddingError({ message: "network: down" }))
    }
    await withHarvest(down, (harvest) =>
      harvest.index({ kind: "artifact", id: "offline", title: "x.txt", text: "offline words" })
    )
    expect((await chunks("artifact", "offline"))[0]).toMatchObject({ content: "offline words", embedding_model: null })
    const refreshed = await withHarvest(hashing, (harvest) => harvest.refreshEmbeddings, "unscoped")
    expect(refreshed).toBeGreaterThanOrEqual(1)
    expect((await chunks("artifact", "offline"))[0]).toMatchObject({
      embedding_model: hashing.model,
      embedding_dims: 384
    })
  })

  it("re-embeds every chunk of every workspace with the new model after a switch", async () => {
    await withHarvest(hashing, (harvest) =>
      harvest.index({ kind: "memory", id: "switch", title: "s", text: "model switch" })
    )
    const other: EmbedderShape = {
      model: "other-768",
      minSimilarity: 0,
      embed: (texts) => Effect.succeed({ model: "other-768", vectors: texts.map(() => [1, ...new Array(767).fill(0)]) })
    }
    const done = await withHarvest(other, (harvest) => harvest.refreshEmbeddings, "unscoped")
    const { rows } = await owner.query(
      "select count(*)::int as n, count(distinct workspace_id)::int as ws from search_chunks"
    )
    expect(done).toBe(rows[0].n)
    expect(rows[0].ws).toBe(2)
    const models = await owner.query("select distinct embedding_model, embedding_dims from search_chunks")
    expect(models.rows).toEqual([{ embedding_model: "other-768", embedding_dims: 768 }])
    expect(await withHarvest(other, (harvest) => harvest.refreshEmbeddings, "unscoped")).toBe(0)
  })
})
