// The background re-index for BM25 ranking (migration 0015): chunks written before it have no stemmed tsvector and no
// BM25 weights, so lexical search does not find them yet. The sweep fills them a batch at a time, each batch its own
// short transaction in its workspace's scope (`set lex = null` lets the search_chunks trigger compute the columns and
// count the terms), and records its progress per workspace in search_reindex, which `carabase doctor` shows, and
// in the log.
import { SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import type { WorkspaceId } from "../platform/CurrentWorkspace"
import { Workspaces } from "../workspaces/Workspaces"

const BATCH = 500

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const workspaceList = (yield* Workspaces).list

  const pendingCount = SqlSchema.single({
    Request: Schema.Void,
    Result: Schema.Struct({ pending: Schema.NumberFromString }),
    execute: () => sql`select count(*)::text as pending from search_chunks where lex is null`
  })
  const fillBatch = SqlSchema.findAll({
    Request: Schema.Void,
    Result: Schema.Struct({ id: Schema.String }),
    execute: () => sql`
      update search_chunks set lex = null
      where id in (select id from search_chunks where lex is null order by id limit ${BATCH} for update skip locked)
      returning id`
  })
  /** Runs in the workspace's scope: the row is that workspace's. */
  const record = (pending: number, done: number) =>
    sql`
      insert into search_reindex (pending, done, updated_at, finished_at)
      values (${pending}, ${done}, now(), ${pending === 0 ? sql`now()` : sql`null`})
      on conflict (workspace_id) do update set pending = excluded.pending, done = excluded.done, updated_at = now(),
        finished_at = excluded.finished_at`.pipe(Effect.asVoid)

  /** Fills every chunk still without BM25 weights, in every workspace; answers how many it filled. */
  const run = Effect.gen(function* () {
    const workspaces = yield* workspaceList
    const pendingBy = new Map<WorkspaceId, number>()
    for (const { id } of workspaces) {
      const { pending } = yield* rls.run(id, pendingCount(undefined))
      if (pending > 0) pendingBy.set(id, pending)
    }
    const total = [...pendingBy.values()].reduce((sum, n) => sum + n, 0)
    if (total === 0) return 0
    yield* Effect.logInfo(`re-indexing ${total} search chunk(s) for BM25 ranking`)
    let all = 0
    for (const [id, count] of pendingBy) {
      let done = 0
      let pending = count
      yield* rls.run(id, record(pending, done))
      for (;;) {
        const filled = (yield* rls.run(id, fillBatch(undefined))).length
        done += filled
        all += filled
        pending = Math.max(0, pending - filled)
        yield* rls.run(id, record(filled < BATCH ? 0 : pending, done))
        if (filled < BATCH) break
        if (all % (BATCH * 20) === 0) yield* Effect.logInfo(`re-indexed ${all} of ${total} search chunk(s)`)
      }
    }
    yield* Effect.logInfo(`re-indexed ${all} search chunk(s) for BM25 ranking`)
    return all
  }).pipe(Effect.orDie, Effect.withSpan("Reindex.run"))

  return { run } as const
})
