// Runs an effect as one workspace: a transaction on the app pool whose first statement is
// `select set_config('app.workspace_id', $1, true)`. The setting is transaction-local, so it ends with the
// transaction and a pooled connection never carries it into another request.
import { Context, Effect, Layer, Option } from "effect"
import { CurrentWorkspace, type WorkspaceId } from "../workspaces/CurrentWorkspace"
import { AppDb } from "./Db"

/** Marks the fiber as inside a scope transaction, so nested calls reuse it instead of opening another. */
class ActiveScope extends Context.Tag("carabase/RlsScope/Active")<ActiveScope, WorkspaceId>() {}

/**
 * A SqlError that escapes the scope becomes a defect (a 500, or a 503 when the database is unreachable): map the
 * ones a client can cause (unique 23505, foreign key 23503) to typed errors inside the effect you pass in.
 */
export interface RlsScopeShape {
  readonly run: <A, E, R>(
    workspaceId: WorkspaceId,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E, Exclude<R, CurrentWorkspace>>
  /** Runs the effect as the workspace already in context (set by the HTTP middleware, an MCP session or a job). */
  readonly current: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R | CurrentWorkspace>
}

export class RlsScope extends Context.Tag("carabase/RlsScope")<RlsScope, RlsScopeShape>() {}

export const layer = Layer.effect(
  RlsScope,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const run = <A, E, R>(workspaceId: WorkspaceId, effect: Effect.Effect<A, E, R>) =>
      Effect.serviceOption(ActiveScope).pipe(
        Effect.flatMap((active) => {
          if (Option.isSome(active)) {
            return active.value === workspaceId
              ? effect
              : Effect.dieMessage("RlsScope: a workspace scope cannot be nested inside another workspace's scope")
          }
          return sql
            .withTransaction(
              sql`select set_config('app.workspace_id', ${workspaceId}, true)`.pipe(
                Effect.orDie,
                Effect.zipRight(effect),
                Effect.provideService(ActiveScope, workspaceId)
              )
            )
            .pipe(Effect.catchTag("SqlError", Effect.die))
        }),
        Effect.provideService(CurrentWorkspace, workspaceId)
      ) as Effect.Effect<A, E, Exclude<R, CurrentWorkspace>>
    return {
      run,
      current: (effect) => Effect.flatMap(CurrentWorkspace, (workspaceId) => run(workspaceId, effect))
    } satisfies RlsScopeShape
  })
)
