// The trash table: entries put by the services whose rows were deleted (in their delete transaction), listed, taken
// back for a restore, and purged. The rows inside an entry belong to the service that put them: only it reads them.
// Every statement runs in the current workspace's RLS scope (joining the caller's transaction when there is one).
import { SqlSchema, type SqlError } from "@effect/sql"
import { Context, Data, Effect, Layer, Option, Predicate, Schema } from "effect"
import { AppDb, JsonbRow } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { TRASH_RETENTION_DAYS, TrashId, TrashItem, TrashKind } from "./TrashApi"

export interface NewTrashEntry {
  readonly kind: TrashKind
  readonly originalId: string
  readonly label: string
  /** The deleted rows and their dependants, in the owning service's own shape. */
  readonly data: Record<string, unknown>
  /** The route or MCP tool that deleted it. */
  readonly deletedBy: string
}

const TakenRow = Schema.Struct({ id: TrashId, kind: TrashKind, originalId: Schema.String, data: JsonbRow })
export interface TakenEntry extends Schema.Schema.Type<typeof TakenRow> {}

/** A restore that cannot go back: `conflict` says what occupies its place or what it points at that is gone. */
export class RestoreConflict extends Data.TaggedError("RestoreConflict")<{ readonly conflict: string }> {}

export interface TrashRepoShape {
  /** Stores an entry; call it inside the transaction that deletes the rows. Answers the entry's id. */
  readonly put: (entry: NewTrashEntry) => Effect.Effect<TrashId, never, CurrentWorkspace>
  /** Newest first. */
  readonly list: (kind?: TrashKind) => Effect.Effect<ReadonlyArray<TrashItem>, never, CurrentWorkspace>
  /**
   * Removes an entry and answers it, inside the caller's transaction (a restore): if the restore fails, the rollback
   * leaves the entry in the trash.
   */
  readonly take: (id: TrashId) => Effect.Effect<Option.Option<TakenEntry>, never, CurrentWorkspace>
  /** Deletes an entry for good; false when there was none. */
  readonly purge: (id: TrashId) => Effect.Effect<boolean, never, CurrentWorkspace>
  /** Deletes the entries older than the retention period at `now`; answers how many. */
  readonly purgeExpired: (now: Date) => Effect.Effect<number, never, CurrentWorkspace>
}

export class TrashRepo extends Context.Tag("carabase/TrashRepo")<TrashRepo, TrashRepoShape>() {}

/**
 * For a service's restore: a unique violation (the id or a unique name is taken again) or a foreign key violation (a
 * row it points at is gone) becomes a RestoreConflict naming it. Apply it inside the RLS scope.
 */
export const restoreConflicts = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | RestoreConflict, R> =>
  Effect.mapError(effect, (error): E | RestoreConflict => {
    if (!Predicate.isTagged(error, "SqlError")) return error
    const cause = (error as unknown as SqlError.SqlError).cause as { code?: unknown; detail?: unknown } | undefined
    const detail = typeof cause?.detail === "string" ? ` (${cause.detail})` : ""
    if (cause?.code === "23505") return new RestoreConflict({ conflict: `it is taken again${detail}` })
    if (cause?.code === "23503")
      return new RestoreConflict({ conflict: `a row it points at no longer exists${detail}` })
    return error
  })

const TrashRow = Schema.Struct({
  ...TrashItem.fields,
  deletedAt: Schema.DateTimeUtcFromDate,
  expiresAt: Schema.DateTimeUtcFromDate
})

const retention = `${TRASH_RETENTION_DAYS} days`

export const layer = Layer.effect(
  TrashRepo,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope

    const list = SqlSchema.findAll({
      Request: Schema.NullOr(TrashKind),
      Result: TrashRow,
      execute: (kind) =>
        rls.rows(sql`
          select id, kind, original_id, label, deleted_at, deleted_by,
            deleted_at + ${retention}::interval as expires_at
          from trash
          where ${kind === null ? sql`true` : sql`kind = ${kind}`}
          order by deleted_at desc, id
          limit 1000
        `)
    })
    const put = SqlSchema.single({
      Request: Schema.Struct({
        kind: TrashKind,
        originalId: Schema.String,
        label: Schema.String,
        data: Schema.Unknown,
        deletedBy: Schema.String
      }),
      Result: Schema.Struct({ id: TrashId }),
      execute: (entry) => sql`
        insert into trash (kind, original_id, label, data, deleted_by)
        values (${entry.kind}, ${entry.originalId}, ${entry.label.slice(0, 500)},
          ${JSON.stringify(entry.data)}::jsonb, ${entry.deletedBy})
        returning id`
    })
    const take = SqlSchema.findOne({
      Request: TrashId,
      Result: TakenRow,
      execute: (id) => sql`delete from trash where id = ${id} returning id, kind, original_id, data`
    })
    const purge = SqlSchema.findAll({
      Request: TrashId,
      Result: Schema.Struct({ id: TrashId }),
      execute: (id) => rls.rows(sql`delete from trash where id = ${id} returning id`)
    })
    const purgeExpired = SqlSchema.findAll({
      Request: Schema.DateFromSelf,
      Result: Schema.Struct({ id: Schema.String }),
      execute: (now) =>
        rls.rows(sql`
          delete from trash where deleted_at < ${now}::timestamptz - ${retention}::interval returning id`)
    })

    return {
      put: (entry) =>
        rls.current(put(entry)).pipe(
          Effect.map((row) => row.id),
          Effect.orDie,
          Effect.withSpan("TrashRepo.put")
        ),
      list: (kind) => list(kind ?? null).pipe(Effect.orDie, Effect.withSpan("TrashRepo.list")),
      take: (id) => rls.current(take(id)).pipe(Effect.orDie, Effect.withSpan("TrashRepo.take")),
      purge: (id) =>
        purge(id).pipe(
          Effect.map((rows) => rows.length > 0),
          Effect.orDie,
          Effect.withSpan("TrashRepo.purge")
        ),
      purgeExpired: (now) =>
        purgeExpired(now).pipe(
          Effect.map((rows) => rows.length),
          Effect.orDie,
          Effect.withSpan("TrashRepo.purgeExpired")
        )
    } satisfies TrashRepoShape
  })
)
