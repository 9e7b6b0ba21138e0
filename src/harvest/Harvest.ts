// The one indexing path: a source's text (note, memory, folio commit, artifact) is chunked, embedded and indexed for
// full-text and vector search in search_chunks. Callers run it inside the workspace's RLS scope, in the same
// transaction as the write it indexes, so the index never disagrees with the data.
//
// Embedding never blocks indexing: if the embedder fails (a remote provider is down), the chunks are stored without
// vectors (full-text search still finds them) and a background sweep embeds them later. The same sweep re-embeds
// every chunk whose vector was made by another model, so switching models converges without downtime; until then
// those chunks are found by full-text search only.
import { backgroundWorkConfig } from "../platform/BackgroundWork"
import { SqlSchema } from "@effect/sql"
import { Context, Duration, Effect, Layer, Queue, Schedule, Schema } from "effect"
import { resolveEmbedder } from "../embeddings/ActiveEmbedder"
import { Embedder, EmbeddingError, toVectorLiteral, type EmbedderShape } from "../embeddings/Embedder"
import { layer as embedderLayer } from "../embeddings/EmbedderLive"
import { layer as routedEmbedderLayer } from "../models/RoutedEmbedder"
import { enqueueExtraction } from "../graph/ExtractionQueue"
import { AppDb, JsonbRow } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import { CurrentWorkspace, WorkspaceId } from "../platform/CurrentWorkspace"
import { Workspaces, layer as workspacesLayer } from "../workspaces/Workspaces"
import { chunkText } from "./Chunker"
import * as Reindex from "./Reindex"

export type SourceKind = "note" | "memory" | "folio_commit" | "artifact"

export interface IndexSource {
  readonly kind: SourceKind
  readonly id: string
  /** Shown as the result title, e.g. the note's date or the artifact's filename. */
  readonly title: string
  readonly text: string
}

export interface HarvestShape {
  /** Makes the indexed chunks of this source the chunks of `text`, embedding only those that changed. */
  readonly index: (source: IndexSource) => Effect.Effect<void, never, CurrentWorkspace>
  /**
   * `index` for many sources at once, in a few statements whatever their number (a bulk import): their chunks read in
   * one, the stale ones deleted in one, the new ones inserted 500 to a statement. A source named twice: the last wins.
   */
  readonly indexMany: (sources: ReadonlyArray<IndexSource>) => Effect.Effect<void, never, CurrentWorkspace>
  /** Removes a source from the index. */
  readonly remove: (kind: SourceKind, id: string) => Effect.Effect<void, never, CurrentWorkspace>
  /**
   * Removes sources from the index and answers their chunks, vectors included, for the trash: `putBack` restores them
   * as they were, without embedding again.
   */
  readonly takeOut: (
    kind: SourceKind,
    ids: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<IndexedChunk>, never, CurrentWorkspace>
  readonly putBack: (chunks: ReadonlyArray<IndexedChunk>) => Effect.Effect<void, never, CurrentWorkspace>
  /** Embeds chunks that have no vector of the active model, in every workspace; answers how many it embedded. */
  readonly refreshEmbeddings: Effect.Effect<number>
  /** The same in the workspace in context only (the harvest job run from one workspace). */
  readonly refreshWorkspace: Effect.Effect<number, never, CurrentWorkspace>
}

/** A search_chunks row as takeOut answers it (its columns, snake_case, generated ones left out). */
export type IndexedChunk = Readonly<Record<string, unknown>>

export class Harvest extends Context.Tag("carabase/Harvest")<Harvest, HarvestShape>() {}

/** What gets embedded for a chunk: its title gives short chunks their context. */
export const embeddingText = (title: string, content: string) => (title === "" ? content : `${title}\n${content}`)

const INSERT_BATCH = 500
const REFRESH_BATCH = 64
const REFRESH_INTERVAL = Duration.minutes(1)
const INLINE_EMBED_TIMEOUT = Duration.seconds(10)

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const workspaceList = (yield* Workspaces).list
  const hostEmbedder: EmbedderShape = yield* Embedder
  const embedderNow = yield* resolveEmbedder(hostEmbedder)
  const wake = yield* Queue.sliding<void>(1)

  const embedOrNull = (embedder: EmbedderShape, texts: ReadonlyArray<string>) =>
    embedder.embed(texts).pipe(
      // The caller's transaction is open meanwhile: a slow provider must not hold it for long.
      Effect.timeoutFail({
        duration: INLINE_EMBED_TIMEOUT,
        onTimeout: () => new EmbeddingError({ message: "the embedder did not answer in time" })
      }),
      Effect.map((embeddings) => embeddings.vectors.map(toVectorLiteral)),
      Effect.catchAll((error) =>
        Effect.logWarning("embedding failed; chunks are indexed for full-text search and embedded later", error).pipe(
          Effect.zipRight(Queue.offer(wake, undefined)),
          Effect.as(texts.map(() => null))
        )
      )
    )

  const chunksOf = SqlSchema.findAll({
    Request: Schema.Struct({ kinds: Schema.Array(Schema.String), ids: Schema.Array(Schema.String) }),
    Result: Schema.Struct({
      id: Schema.String,
      sourceKind: Schema.String,
      sourceId: Schema.String,
      ordinal: Schema.Int,
      title: Schema.String,
      content: Schema.String
    }),
    execute: ({ ids, kinds }) => sql`
      select id, source_kind, source_id, ordinal, title, content from search_chunks
      where (source_kind, source_id) in (select * from unnest(${kinds}::text[], ${ids}::text[]))`
  })
  const staleChunks = SqlSchema.findAll({
    Request: Schema.String,
    Result: Schema.Struct({ id: Schema.String, title: Schema.String, content: Schema.String }),
    execute: (model) => sql`
      select id, title, content from search_chunks
      where embedding_model is null or embedding_model <> ${model}
      order by id limit ${REFRESH_BATCH} for update skip locked
    `
  })
  const takeChunks = SqlSchema.findAll({
    Request: Schema.Struct({ kind: Schema.String, ids: Schema.Array(Schema.String) }),
    Result: Schema.Struct({ chunk: JsonbRow }),
    execute: ({ ids, kind }) => sql`
      delete from search_chunks c where source_kind = ${kind} and source_id = any(${ids}::text[])
      returning to_jsonb(c) - 'tsv' - 'lex' - 'lex_len' - 'bm25' - 'embedding_dims' - 'workspace_id' as chunk`
  })

  const remove = (kind: SourceKind, id: string) =>
    rls
      .current(
        Effect.zipRight(
          sql`delete from search_chunks where source_kind = ${kind} and source_id = ${id}`,
          enqueueExtraction(sql, kind, [id])
        )
      )
      .pipe(Effect.orDie, Effect.asVoid, Effect.withSpan("Harvest.remove"))

  const takeOut = (kind: SourceKind, ids: ReadonlyArray<string>) =>
    ids.length === 0
      ? Effect.succeed([])
      : rls.current(Effect.zipLeft(takeChunks({ kind, ids }), enqueueExtraction(sql, kind, ids))).pipe(
          Effect.map((rows) => rows.map((row) => row.chunk)),
          Effect.orDie,
          Effect.withSpan("Harvest.takeOut")
        )

  /** Chunks already there (the source was indexed again meanwhile) are kept; the rest come back with their vectors. */
  const putBack = (chunks: ReadonlyArray<IndexedChunk>) =>
    chunks.length === 0
      ? Effect.void
      : rls
          .current(
            sql`
              insert into search_chunks
                (id, source_kind, source_id, ordinal, title, content, embedding, embedding_model, created_at)
              select id, source_kind, source_id, ordinal, title, content, embedding, embedding_model, created_at
              from jsonb_populate_recordset(null::search_chunks, ${JSON.stringify(chunks)}::jsonb)
              on conflict do nothing`.pipe(
              Effect.zipRight(
                Effect.forEach(
                  [...new Set(chunks.map((chunk) => `${String(chunk.source_kind)}\n${String(chunk.source_id)}`))],
                  (key) => {
                    const [kind, id] = key.split("\n") as [SourceKind, string]
                    return enqueueExtraction(sql, kind, [id])
                  },
                  { discard: true }
                )
              )
            )
          )
          .pipe(Effect.orDie, Effect.asVoid, Effect.withSpan("Harvest.putBack"))

  /**
   * Re-indexing keeps what did not change: a chunk at the same place with the same title and text keeps its row and
   * its vector, and only the others are embedded and written. Appending to a note (the common edit) changes only its
   * last chunks, so an inject no longer re-embeds and re-inserts the whole day (with its GIN and HNSW maintenance).
   * The result is the rows a full rebuild would write, but for vectors of another model, which the sweep renews.
   * Many sources go in the same few statements (a bulk import); one trigger run per statement keeps the search counts.
   */
  const indexMany = (all: ReadonlyArray<IndexSource>) =>
    rls
      .current(
        Effect.gen(function* () {
          const sources = [...new Map(all.map((source) => [`${source.kind}\n${source.id}`, source])).values()]
          if (sources.length === 0) return
          const existing = yield* chunksOf({
            kinds: sources.map((source) => source.kind),
            ids: sources.map((source) => source.id)
          })
          const existingOf = new Map<string, Array<(typeof existing)[number]>>()
          for (const row of existing) {
            const key = `${row.sourceKind}\n${row.sourceId}`
            existingOf.set(key, [...(existingOf.get(key) ?? []), row])
          }
          const stale: Array<string> = []
          const changed: Array<{ source: IndexSource; title: string; ordinal: number; content: string }> = []
          const touched = new Map<SourceKind, Array<string>>()
          for (const source of sources) {
            const title = source.title.trim().slice(0, 500)
            const chunks = chunkText(source.text)
            const kept = new Set<number>()
            let staleHere = 0
            for (const row of existingOf.get(`${source.kind}\n${source.id}`) ?? []) {
              if (row.ordinal < chunks.length && row.title === title && row.content === chunks[row.ordinal]) {
                kept.add(row.ordinal)
              } else {
                stale.push(row.id)
                staleHere++
              }
            }
            const before = changed.length
            chunks.forEach((content, ordinal) => {
              if (!kept.has(ordinal)) changed.push({ source, title, ordinal, content })
            })
            if (staleHere > 0 || changed.length > before) {
              touched.set(source.kind, [...(touched.get(source.kind) ?? []), source.id])
            }
          }
          const embedder = yield* embedderNow
          if (stale.length > 0) yield* sql`delete from search_chunks where id in ${sql.in(stale)}`
          for (let start = 0; start < changed.length; start += INSERT_BATCH) {
            const slice = changed.slice(start, start + INSERT_BATCH)
            const vectors = yield* embedOrNull(
              embedder,
              slice.map((chunk) => embeddingText(chunk.title, chunk.content))
            )
            const rows = slice.map((chunk, offset) => ({
              sourceKind: chunk.source.kind,
              sourceId: chunk.source.id,
              ordinal: chunk.ordinal,
              title: chunk.title,
              content: chunk.content,
              embedding: vectors[offset] ?? null,
              embeddingModel: vectors[offset] == null ? null : embedder.model
            }))
            yield* sql`insert into search_chunks ${sql.insert(rows)}`
          }
          // What the sources say changed: their entities are extracted again, out of this request (the job drains it).
          for (const [kind, ids] of touched) yield* enqueueExtraction(sql, kind, ids)
        }).pipe(Effect.orDie)
      )
      .pipe(Effect.withSpan("Harvest.indexMany", { attributes: { sources: all.length } }))

  const index = (source: IndexSource) =>
    indexMany([source]).pipe(Effect.withSpan("Harvest.index", { attributes: { kind: source.kind, id: source.id } }))

  /** One batch of stale chunks of one workspace, embedded and updated in its own short transaction. */
  const refreshBatch = (workspaceId: WorkspaceId) =>
    rls.run(
      workspaceId,
      Effect.gen(function* () {
        const embedder = yield* embedderNow
        const stale = yield* staleChunks(embedder.model).pipe(Effect.orDie)
        if (stale.length === 0) return 0
        const { vectors } = yield* embedder.embed(stale.map((row) => embeddingText(row.title, row.content)))
        const values = stale.map((row, i) => ({ id: row.id, embedding: toVectorLiteral(vectors[i]!) }))
        yield* sql`
          update search_chunks set embedding = v.embedding::vector, embedding_model = ${embedder.model}
          from (values ${sql.csv(values.map((v) => sql`(${v.id}::uuid, ${v.embedding})`))}) as v (id, embedding)
          where search_chunks.id = v.id
        `.pipe(Effect.orDie)
        return stale.length
      })
    )

  const refreshOne = (workspaceId: WorkspaceId) =>
    Effect.gen(function* () {
      let total = 0
      for (;;) {
        const done = yield* refreshBatch(workspaceId)
        total += done
        if (done < REFRESH_BATCH) return total
      }
    })

  const paused = (error: EmbeddingError) =>
    Effect.logWarning("embedding refresh paused: the embedder failed", error).pipe(Effect.as(0))

  const refreshEmbeddings = Effect.gen(function* () {
    const workspaces = yield* workspaceList
    let total = 0
    for (const { id } of workspaces) total += yield* refreshOne(id)
    if (total > 0) yield* Effect.logInfo(`embedded ${total} chunk(s)`)
    return total
  }).pipe(Effect.catchTag("EmbeddingError", paused), Effect.withSpan("Harvest.refreshEmbeddings"))

  const refreshWorkspace = Effect.flatMap(CurrentWorkspace, refreshOne).pipe(
    Effect.catchTag("EmbeddingError", paused),
    Effect.withSpan("Harvest.refreshWorkspace")
  )

  return { index, indexMany, remove, takeOut, putBack, refreshEmbeddings, refreshWorkspace, wake } as const
})

/**
 * The service plus its background sweep: once at start, then every minute or as soon as an embedding failed. `make`
 * embeds with a workspace's `embeddings` route when a routed embedder is there to ask, so this layer provides one.
 */
export const layer = Layer.scoped(
  Harvest,
  Effect.gen(function* () {
    const harvest = yield* make
    const reindex = yield* Reindex.make
    // Chunks from before BM25 ranking (migration 0015) are re-indexed once, in the background, before embedding.
    const background = yield* backgroundWorkConfig
    if (background) {
      yield* reindex.run.pipe(
        Effect.catchAllCause((cause) => Effect.logWarning("search re-index failed", cause)),
        Effect.annotateLogs("service", "Harvest"),
        Effect.forkScoped
      )
    }
    const sweep = harvest.refreshEmbeddings.pipe(
      Effect.catchAllCause((cause) => Effect.logWarning("embedding refresh failed", cause)),
      Effect.annotateLogs("service", "Harvest")
    )
    const nextTick = Effect.race(Queue.take(harvest.wake), Effect.sleep(REFRESH_INTERVAL)).pipe(
      Effect.zipRight(Effect.sleep("1 second"))
    )
    if (background) yield* sweep.pipe(Effect.zipRight(nextTick), Effect.repeat(Schedule.forever), Effect.forkScoped)
    return {
      index: harvest.index,
      indexMany: harvest.indexMany,
      remove: harvest.remove,
      takeOut: harvest.takeOut,
      putBack: harvest.putBack,
      refreshEmbeddings: harvest.refreshEmbeddings,
      refreshWorkspace: harvest.refreshWorkspace
    }
  })
).pipe(Layer.provide([embedderLayer, routedEmbedderLayer, workspacesLayer]))
