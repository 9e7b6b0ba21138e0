// Workspaces: create, list, and check that one exists. Workspace rows are the only ones read without a scope: the
// owner picks among them. Their RLS policies still forbid changing one from outside its own scope.
import { SqlSchema } from "@effect/sql"
import { Context, Effect, Layer, Schema } from "effect"
import { AppDb } from "../platform/Db"
import * as TtlCache from "../platform/TtlCache"
import { WorkspaceId } from "../platform/CurrentWorkspace"
import { Workspace } from "./WorkspacesApi"

export interface WorkspacesShape {
  readonly create: (name: string) => Effect.Effect<Workspace>
  readonly list: Effect.Effect<ReadonlyArray<Workspace>>
  readonly exists: (id: WorkspaceId) => Effect.Effect<boolean>
}

/** A workspaces row as pg returns it (timestamps as Date). */
const WorkspaceRow = Schema.Struct({ ...Workspace.fields, createdAt: Schema.DateTimeUtcFromDate })
/** The row was decoded by a schema of the same fields, so the constructor's own validation is skipped. */
const toWorkspace = (row: typeof WorkspaceRow.Type) => new Workspace(row, { disableValidation: true })

export class Workspaces extends Context.Tag("carabase/Workspaces")<Workspaces, WorkspacesShape>() {}

/**
 * Workspaces the host has seen exist, so the workspace middleware does not spend a round trip per request on it. The
 * API never deletes a workspace; an entry still expires after a while in case an operator deletes one by hand, and
 * until then requests for it find nothing under RLS. Unknown ids are never cached: each is looked up.
 */
const KNOWN_FOR_MS = 30_000
const KNOWN_MAX = 1_000

export const layer = Layer.effect(
  Workspaces,
  Effect.gen(function* () {
    const sql = yield* AppDb
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
    const known = TtlCache.make<true>({ ttlMs: KNOWN_FOR_MS, max: KNOWN_MAX })
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
        )
    } satisfies WorkspacesShape
  })
)
