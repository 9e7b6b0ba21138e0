// Memories: short facts. Each is stored in memories and indexed through Harvest in the same transaction, so search
// (and GET /memories?search=) finds it at once; every change is announced on the live updates stream. A delete moves
// the row and its index chunks (vectors included) to the trash in one transaction; a restore puts both back.
import { SqlSchema } from "@effect/sql"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { Embedder } from "../embeddings/Embedder"
import { layer as embedderLayer } from "../embeddings/EmbedderLive"
import { Harvest, layer as harvestLayer } from "../harvest/Harvest"
import { LiveUpdates, layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { AppDb, JsonbRow, rowsOrDie } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import { embedQuery, runHybrid } from "../search/Search"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { restoreConflicts, TrashRepo, layer as trashRepoLayer, type RestoreConflict } from "../trash/TrashRepo"
import type { TrashId } from "../trash/TrashApi"
import type { PagePosition } from "../schema/PageCursor"
import { Memory, MemoryId, MemoryNotFound } from "./MemoriesApi"
import { SAME_FACT_SQL } from "./SameFact"

export interface ListMemories {
  readonly search?: string | undefined
  readonly limit: number
}

export interface MemoriesShape {
  readonly create: (input: {
    readonly content: string
    readonly source?: string | null | undefined
  }) => Effect.Effect<Memory, never, CurrentWorkspace>
  /** Newest first, or by relevance to `search` when it is given. */
  readonly list: (request: ListMemories) => Effect.Effect<ReadonlyArray<Memory>, never, CurrentWorkspace>
  /** One memory, to open it from a search hit. */
  readonly get: (id: MemoryId) => Effect.Effect<Memory, MemoryNotFound, CurrentWorkspace>
  /** Newest first, `limit` at a time, starting after `after`; `next` is where the following page starts. */
  readonly page: (request: {
    readonly limit: number
    readonly after: PagePosition | null
  }) => Effect.Effect<{ memories: ReadonlyArray<Memory>; next: PagePosition | null }, never, CurrentWorkspace>
  /** Replaces the content and indexes it again (embedding the chunks that changed). */
  readonly update: (id: MemoryId, content: string) => Effect.Effect<Memory, MemoryNotFound, CurrentWorkspace>
  /** Moves the memory and its search entries to the trash; answers the trash entry's id. */
  readonly remove: (id: MemoryId, deletedBy: string) => Effect.Effect<TrashId, MemoryNotFound, CurrentWorkspace>
  /** Puts back what `remove` put in the trash, under the same id. */
  readonly restore: (data: Record<string, unknown>) => Effect.Effect<string, RestoreConflict, CurrentWorkspace>
  /** Which of these fact identities (SameFact.sameFact) a memory of the workspace already states, from any source. */
  readonly remembered: (
    identities: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlySet<string>, never, CurrentWorkspace>
}

export class Memories extends Context.Tag("carabase/Memories")<Memories, MemoriesShape>() {}

const MemoryRow = Schema.Struct({ ...Memory.fields, createdAt: Schema.DateTimeUtcFromDate })
/**
 * The row was decoded by a schema of the same fields, so the constructor does not validate again: for a class with a
 * transformed field that validation builds a fresh schema AST each time, and a list of 20 spent 9% of a request on it.
 */
const toMemory = (row: typeof MemoryRow.Type) => new Memory(row, { disableValidation: true })

/** The title a memory shows in search results: its first line, shortened. */
const titleOf = (content: string) => {
  const line = content.split("\n", 1)[0]!.trim()
  return line.length <= 80 ? line : `${line.slice(0, 77)}...`
}

export const layer = Layer.effect(
  Memories,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope
    const harvest = yield* Harvest
    const live = yield* LiveUpdates
    const embedder = yield* Embedder
    const trash = yield* TrashRepo

    const insert = SqlSchema.single({
      Request: Schema.Struct({ content: Schema.String, source: Schema.NullOr(Schema.String) }),
      Result: MemoryRow,
      execute: ({ content, source }) =>
        sql`insert into memories (content, source) values (${content}, ${source}) returning id, content, created_at`
    })
    const recent = SqlSchema.findAll({
      Request: Schema.Number,
      Result: MemoryRow,
      execute: (limit) =>
        rls.rows(sql`select id, content, created_at from memories order by created_at desc, id limit ${limit}`)
    })
    const pageRows = SqlSchema.findAll({
      Request: Schema.Struct({
        limit: Schema.Number,
        after: Schema.NullOr(Schema.Struct({ createdAt: Schema.String, id: Schema.String }))
      }),
      Result: Schema.Struct({ ...MemoryRow.fields, position: Schema.String }),
      execute: ({ limit, after }) =>
        rls.rows(sql`
          select id, content, created_at, created_at::text as position from memories
          ${after === null ? sql`` : sql`where (created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`}
          order by created_at desc, id desc limit ${limit}`)
    })
    const byIds = SqlSchema.findAll({
      Request: Schema.Array(Schema.String),
      Result: MemoryRow,
      execute: (ids) => sql`select id, content, created_at from memories where id in ${sql.in(ids)}`
    })

    const updateContent = SqlSchema.findOne({
      Request: Schema.Struct({ id: MemoryId, content: Schema.String }),
      Result: MemoryRow,
      execute: ({ content, id }) =>
        sql`update memories set content = ${content} where id = ${id} returning id, content, created_at`
    })
    const takeMemory = SqlSchema.findOne({
      Request: MemoryId,
      Result: Schema.Struct({ row: JsonbRow, content: Schema.String }),
      execute: (id) => sql`
        delete from memories m where id = ${id} returning to_jsonb(m) - 'tsv' - 'workspace_id' as row, content`
    })
    const putMemory = SqlSchema.single({
      Request: Schema.Unknown,
      Result: Schema.Struct({ id: MemoryId }),
      execute: (memory) => sql`
        insert into memories (id, content, source, embedding, embedding_model, created_at)
        select id, content, source, embedding, embedding_model, created_at
        from jsonb_populate_record(null::memories, ${JSON.stringify(memory)}::jsonb)
        returning id`
    })

    const update = (id: MemoryId, content: string) =>
      Effect.gen(function* () {
        const memory = yield* rls.current(
          Effect.gen(function* () {
            const row = yield* Effect.flatMap(
              updateContent({ id, content }).pipe(Effect.orDie),
              Option.match({ onNone: () => Effect.fail(MemoryNotFound.of(id)), onSome: Effect.succeed })
            )
            yield* harvest.index({ kind: "memory", id: row.id, title: titleOf(row.content), text: row.content })
            return toMemory(row)
          })
        )
        yield* live.publish({ type: "memory", action: "updated", id: memory.id })
        return memory
      }).pipe(Effect.withSpan("Memories.update"))

    const remove = (id: MemoryId, deletedBy: string) =>
      Effect.gen(function* () {
        const trashId = yield* rls.current(
          Effect.gen(function* () {
            const gone = Option.getOrUndefined(yield* takeMemory(id).pipe(rowsOrDie))
            if (gone === undefined) return yield* MemoryNotFound.of(id)
            const chunks = yield* harvest.takeOut("memory", [id])
            return yield* trash.put({
              kind: "memory",
              originalId: id,
              label: titleOf(gone.content),
              data: { memory: gone.row, chunks },
              deletedBy
            })
          })
        )
        yield* live.publish({ type: "memory", action: "deleted", id })
        return trashId
      }).pipe(Effect.catchTag("SqlError", Effect.die), Effect.withSpan("Memories.remove"))

    const restore = (data: Record<string, unknown>) =>
      Effect.gen(function* () {
        const id = yield* rls.current(
          Effect.gen(function* () {
            const row = yield* putMemory(data.memory).pipe(rowsOrDie, restoreConflicts)
            yield* harvest.putBack((data.chunks ?? []) as ReadonlyArray<Record<string, unknown>>)
            return row.id
          })
        )
        yield* live.publish({ type: "memory", action: "created", id })
        return id
      }).pipe(Effect.catchTag("SqlError", Effect.die), Effect.withSpan("Memories.restore"))

    const remembered = SqlSchema.findAll({
      Request: Schema.Array(Schema.String),
      Result: Schema.Struct({ fact: Schema.String }),
      execute: (identities) =>
        rls.rows(sql`
          select ${sql.literal(SAME_FACT_SQL)} as fact from memories
          where ${sql.literal(SAME_FACT_SQL)} = any(${identities}::text[])`)
    })

    const search = (query: string, limit: number) =>
      Effect.gen(function* () {
        const vector = yield* embedQuery(embedder, query)
        return yield* rls.current(
          Effect.gen(function* () {
            const hits = yield* runHybrid(sql, embedder, { query, limit, kinds: ["memory"] }, vector)
            if (hits.length === 0) return []
            const found = new Map<string, typeof MemoryRow.Type>(
              (yield* byIds(hits.map((hit) => hit.sourceId))).map((row) => [row.id, row])
            )
            return hits.flatMap((hit) => {
              const row = found.get(hit.sourceId)
              return row === undefined ? [] : [toMemory(row)]
            })
          })
        )
      })

    return {
      create: ({ content, source }) =>
        Effect.gen(function* () {
          const memory = yield* rls.current(
            Effect.gen(function* () {
              const row = yield* insert({ content, source: source ?? null })
              yield* harvest.index({ kind: "memory", id: row.id, title: titleOf(row.content), text: row.content })
              return toMemory(row)
            })
          )
          yield* live.publish({ type: "memory", action: "created", id: memory.id })
          return memory
        }).pipe(Effect.orDie, Effect.withSpan("Memories.create")),
      list: ({ search: query, limit }) =>
        (query === undefined || query.trim() === ""
          ? recent(limit).pipe(Effect.map((rows) => rows.map(toMemory)))
          : search(query.trim(), limit)
        ).pipe(Effect.orDie, Effect.withSpan("Memories.list")),
      get: (id) =>
        rls.current(byIds([id])).pipe(
          Effect.orDie,
          Effect.flatMap((rows) =>
            rows[0] === undefined ? Effect.fail(MemoryNotFound.of(id)) : Effect.succeed(toMemory(rows[0]))
          ),
          Effect.withSpan("Memories.get")
        ),
      page: ({ limit, after }) =>
        pageRows({ limit: limit + 1, after }).pipe(
          Effect.map((rows) => {
            const shown = rows.slice(0, limit)
            const last = shown.at(-1)
            return {
              memories: shown.map(({ position: _, ...row }) => toMemory(row)),
              next: rows.length > limit && last !== undefined ? { createdAt: last.position, id: last.id } : null
            }
          }),
          Effect.orDie,
          Effect.withSpan("Memories.page")
        ),
      update,
      remove,
      restore,
      remembered: (identities) =>
        identities.length === 0
          ? Effect.succeed(new Set<string>())
          : remembered(identities).pipe(
              Effect.map((rows) => new Set(rows.map((row) => row.fact))),
              Effect.orDie
            )
    } satisfies MemoriesShape
  })
).pipe(Layer.provide([embedderLayer, harvestLayer, liveUpdatesLayer, trashRepoLayer]))
