// Workspaces: create, list, rename, delete, and check that one exists. Workspace rows are the only ones read without
// a scope: the owner picks among them. Their RLS policies still forbid changing or deleting one from outside its own
// scope, so a rename and a delete run as the workspace itself. A delete takes every row of the workspace with it:
// each workspace-scoped table references workspaces ON DELETE CASCADE (test/workspaces proves it from the catalog).
import { SqlSchema } from "@effect/sql"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { LiveUpdates, layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import * as TtlCache from "../platform/TtlCache"
import { WorkspaceId } from "../platform/CurrentWorkspace"
import { Workspace, WorkspaceDeleteUnconfirmed, WorkspaceNotFound } from "./WorkspacesApi"

export interface WorkspacesShape {
  readonly create: (name: string) => Effect.Effect<Workspace>
  readonly list: Effect.Effect<ReadonlyArray<Workspace>>
  readonly exists: (id: WorkspaceId) => Effect.Effect<boolean>
  readonly rename: (id: WorkspaceId, name: string) => Effect.Effect<Workspace, WorkspaceNotFound>
  /**
   * Deletes the workspace and everything in it (notes, knowledge, artifacts, chats, sealed credentials, job runs) in
   * one transaction, once `confirm` is its exact name. Final: nothing keeps a copy but earlier backups.
   */
  readonly remove: (
    id: WorkspaceId,
    confirm: string
  ) => Effect.Effect<Workspace, WorkspaceNotFound | WorkspaceDeleteUnconfirmed>
}

/** A workspaces row as pg returns it (timestamps as Date). */
const WorkspaceRow = Schema.Struct({ ...Workspace.fields, createdAt: Schema.DateTimeUtcFromDate })
/** The row was decoded by a schema of the same fields, so the constructor's own validation is skipped. */
const toWorkspace = (row: typeof WorkspaceRow.Type) => new Workspace(row, { disableValidation: true })

export class Workspaces extends Context.Tag("carabase/Workspaces")<Workspaces, WorkspacesShape>() {}

/**
 * Workspaces the host has seen exist, so the workspace middleware does not spend a round trip per request on it. A
 * delete through the API forgets its entry; an entry still expires after a while in case an operator deletes one by
 * hand, and until then requests for it find nothing under RLS. Unknown ids are never cached: each is looked up.
 */
const KNOWN_FOR_MS = 30_000
const KNOWN_MAX = 1_000

export const layer = Layer.effect(
  Workspaces,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope
    const live = yield* LiveUpdates
    const insert = SqlSchema.single({
      Request: Schema.String,
      Result: WorkspaceRow,
      execute: (name) => sql`insert into workspaces (name) values (${name}) returning id, name, created_at`
    })
    const list = SqlSchema.findAll({
      Request: Schema.Void,
      Result: WorkspaceRow,
      execute: () => sql`select id, name, created_at from workspaces order by created_at, id`
    })
    const find = SqlSchema.findOne({
      Request: WorkspaceId,
      Result: Schema.Struct({ id: WorkspaceId }),
      execute: (id) => sql`select id from workspaces where id = ${id}`
    })
    // These run as the workspace itself: its RLS policies let nothing else change or delete it.
    const update = SqlSchema.findOne({
      Request: Schema.Struct({ id: WorkspaceId, name: Schema.String }),
      Result: WorkspaceRow,
      execute: ({ id, name }) =>
        sql`update workspaces set name = ${name} where id = ${id} returning id, name, created_at`
    })
    const lock = SqlSchema.findOne({
      Request: WorkspaceId,
      Result: WorkspaceRow,
      execute: (id) => sql`select id, name, created_at from workspaces where id = ${id} for update`
    })
    const known = TtlCache.make<true>({ ttlMs: KNOWN_FOR_MS, max: KNOWN_MAX })
    const found =
      (id: WorkspaceId) =>
      (row: Option.Option<typeof WorkspaceRow.Type>): Effect.Effect<Workspace, WorkspaceNotFound> =>
        Option.match(row, {
          onNone: () => Effect.fail(WorkspaceNotFound.of(id)),
          onSome: (row) => Effect.succeed(toWorkspace(row))
        })
    return {
      create: (name) =>
        insert(name).pipe(
          Effect.tap((row) => Effect.sync(() => known.set(row.id, true))),
          Effect.map(toWorkspace),
          Effect.orDie,
          Effect.withSpan("Workspaces.create")
        ),
      list: list(undefined).pipe(
        Effect.map((rows) => rows.map(toWorkspace)),
        Effect.orDie,
        Effect.withSpan("Workspaces.list")
      ),
      exists: (id) =>
        Effect.suspend(() =>
          known.get(id) === true
            ? Effect.succeed(true)
            : find(id).pipe(
                Effect.map((row) => row._tag === "Some"),
                Effect.tap((found) => (found ? Effect.sync(() => known.set(id, true)) : Effect.void)),
                Effect.orDie
              )
        ),
      rename: (id, name) =>
        rls
          .run(
            id,
            Effect.flatMap(update({ id, name }), found(id)).pipe(
              Effect.tap(() => live.publish({ type: "workspace", action: "updated", id }))
            )
          )
          .pipe(
            Effect.catchTags({ SqlError: Effect.die, ParseError: Effect.die }),
            Effect.withSpan("Workspaces.rename")
          ),
      remove: (id, confirm) =>
        rls
          .run(
            id,
            Effect.gen(function* () {
              const workspace = yield* Effect.flatMap(lock(id), found(id))
              if (confirm !== workspace.name) return yield* WorkspaceDeleteUnconfirmed.of(id)
              yield* sql`delete from workspaces where id = ${id}`
              // Sent once the delete commits: open streams learn the workspace is gone, and end.
              yield* live.publish({ type: "workspace", action: "deleted", id })
              return workspace
            })
          )
          .pipe(
            Effect.catchTags({ SqlError: Effect.die, ParseError: Effect.die }),
            Effect.ensuring(Effect.sync(() => known.delete(id))),
            Effect.withSpan("Workspaces.remove")
          )
    } satisfies WorkspacesShape
  })
).pipe(Layer.provide(liveUpdatesLayer))
