// Runs an effect as one workspace: a transaction on the app pool opened by
// `BEGIN; SELECT set_config('app.workspace_id', '<uuid>', true)`, sent as one simple-protocol message so the scope
// costs one round trip, not two. The setting is transaction-local, so it ends with the transaction and a pooled
// connection never carries it into another request. A read that is a single statement (`rows`) skips the Effect
// statements: the setting and the statement go out as one pipeline in one implicit transaction (ScopedQuery).
import { SqlClient, type Statement } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { Context, Effect, Exit, Layer, Option, Predicate, Scope } from "effect"
import type pg from "pg"
import { CurrentWorkspace, type WorkspaceId } from "./CurrentWorkspace"
import { AppDb, AppPool, rowTransform } from "./Db"
import { queryAsWorkspace } from "./ScopedQuery"

/**
 * Marks the fiber as inside a scope transaction, so nested calls reuse it instead of opening another, and holds what
 * is to happen once that transaction commits (see afterCommit).
 */
class ActiveScope extends Context.Tag("carabase/RlsScope/Active")<
  ActiveScope,
  { readonly workspaceId: WorkspaceId; readonly onCommit: Array<Effect.Effect<void>> }
>() {}

/**
 * Runs `effect` once the scope transaction the fiber is in has committed, or at once outside of one; when that
 * transaction rolls back it never runs. For what other parties see (change notices): announcing a write that is not
 * committed yet, or never will be, would send a client to re-read something it cannot find.
 */
export const afterCommit = <R>(effect: Effect.Effect<void, never, R>): Effect.Effect<void, never, R> =>
  Effect.flatMap(Effect.serviceOption(ActiveScope), (active) =>
    Option.isNone(active)
      ? effect
      : Effect.map(Effect.context<R>(), (context) => {
          active.value.onCommit.push(Effect.provide(effect, context))
        })
  )

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
  /**
   * Like `current`, in one `REPEATABLE READ READ ONLY` transaction: every read inside sees the workspace as it was at
   * the first one (a consistent snapshot for a long read such as an export, whatever is written meanwhile), and no
   * write can happen in it. Inside an open scope it joins that one instead (which keeps its own isolation).
   */
  readonly snapshot: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R | CurrentWorkspace>
  /**
   * The rows of one statement, as the workspace in context, for a read that is a single statement: the setting and
   * the statement go to a pooled connection in one round trip and one implicit transaction (ScopedQuery), instead of
   * begin, statement and commit as three Effect statements, which cost several times the query itself. Inside an
   * open scope of the same workspace it is the statement on that transaction.
   */
  readonly rows: <A extends object>(
    statement: Statement.Statement<A>
  ) => Effect.Effect<ReadonlyArray<A>, never, CurrentWorkspace>
}

export class RlsScope extends Context.Tag("carabase/RlsScope")<RlsScope, RlsScopeShape>() {}

const isSqlError = (error: unknown): error is SqlError => Predicate.isTagged(error, "SqlError")

/** `run` splices the id into its BEGIN, so it must be a UUID and nothing else (`rows` binds it, and checks the same). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const beginAs = (workspaceId: WorkspaceId, mode: string) =>
  `BEGIN${mode}; SELECT set_config('app.workspace_id', '${workspaceId}', true)`

/** How a scope's transaction begins: the default (READ COMMITTED, read-write), or a read-only snapshot. */
const READ_WRITE = ""
const SNAPSHOT = " ISOLATION LEVEL REPEATABLE READ READ ONLY"

/**
 * The statement as the workspace, in one round trip on a pooled connection (see ScopedQuery). A connection that
 * reported an error meanwhile is destroyed on release, never reused (pg's pool also drops one that is not queryable).
 */
const singleStatement = (pool: pg.Pool, workspaceId: WorkspaceId, text: string, params: ReadonlyArray<unknown>) =>
  Effect.async<ReadonlyArray<object>, SqlError>((resume) => {
    pool.connect((connectError, client, release) => {
      if (connectError || client === undefined) {
        return resume(Effect.fail(new SqlError({ cause: connectError, message: "Failed to acquire connection" })))
      }
      let lost: Error | undefined
      const onError = (cause: Error) => (lost ??= cause)
      client.on("error", onError)
      queryAsWorkspace(client, workspaceId, text, params, (error, rows) => {
        client.off("error", onError)
        release(lost)
        const cause = error ?? lost
        resume(
          cause === undefined
            ? Effect.succeed(rows)
            : Effect.fail(new SqlError({ cause, message: "Failed to execute statement" }))
        )
      })
    })
  })

export const layer = Layer.effect(
  RlsScope,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const pool = yield* AppPool
    const acquireConnection = Effect.flatMap(Scope.make(), (scope) =>
      Effect.map(Scope.extend(sql.reserve, scope), (connection) => [scope, connection] as const)
    )
    /** sql.withTransaction, with BEGIN and the workspace setting in one message; nested transactions are savepoints. */
    const withWorkspaceTransaction = (workspaceId: WorkspaceId, mode: string) =>
      SqlClient.makeWithTransaction({
        transactionTag: SqlClient.TransactionConnection,
        spanAttributes: [],
        acquireConnection,
        begin: (connection) => connection.executeUnprepared(beginAs(workspaceId, mode), [], undefined),
        savepoint: (connection, id) => connection.executeUnprepared(`SAVEPOINT effect_sql_${id}`, [], undefined),
        commit: (connection) => connection.executeUnprepared("COMMIT", [], undefined),
        rollback: (connection) => connection.executeUnprepared("ROLLBACK", [], undefined),
        rollbackSavepoint: (connection, id) =>
          connection.executeUnprepared(`ROLLBACK TO SAVEPOINT effect_sql_${id}`, [], undefined)
      })
    /**
     * The rule both entry points follow: inside an open scope of the same workspace, `joined` runs on its transaction;
     * inside another workspace's scope, or for an id that is not a UUID, nothing runs (a defect); otherwise `fresh`
     * opens a scope of its own, and a SqlError escaping it becomes a defect.
     */
    const asWorkspace = <A, E, R>(
      workspaceId: WorkspaceId,
      joined: Effect.Effect<A, E, R>,
      fresh: () => Effect.Effect<A, E | SqlError, R>
    ): Effect.Effect<A, E, R> =>
      Effect.flatMap(Effect.serviceOption(ActiveScope), (active) => {
        if (Option.isSome(active)) {
          return active.value.workspaceId === workspaceId
            ? joined
            : Effect.dieMessage("RlsScope: a workspace scope cannot be nested inside another workspace's scope")
        }
        if (!UUID.test(workspaceId)) return Effect.dieMessage("RlsScope: a workspace id must be a UUID")
        return fresh().pipe(Effect.catchIf(isSqlError, Effect.die)) as Effect.Effect<A, E, R>
      })
    const runAs = <A, E, R>(workspaceId: WorkspaceId, effect: Effect.Effect<A, E, R>, mode: string) =>
      asWorkspace(workspaceId, effect, () =>
        Effect.suspend(() => {
          const onCommit: Array<Effect.Effect<void>> = []
          return withWorkspaceTransaction(
            workspaceId,
            mode
          )(Effect.provideService(effect, ActiveScope, { workspaceId, onCommit })).pipe(
            // onExit, not tap: once committed, an interruption (a client hanging up) cannot skip the notices.
            Effect.onExit((exit) =>
              Exit.isSuccess(exit) ? Effect.forEach(onCommit, (deferred) => deferred, { discard: true }) : Effect.void
            )
          )
        })
      ).pipe(Effect.provideService(CurrentWorkspace, workspaceId)) as Effect.Effect<A, E, Exclude<R, CurrentWorkspace>>
    const rows = <A extends object>(statement: Statement.Statement<A>) =>
      Effect.flatMap(CurrentWorkspace, (workspaceId) =>
        asWorkspace(workspaceId, Effect.orDie(statement), () => {
          const [text, params] = statement.compile()
          return Effect.map(
            singleStatement(pool, workspaceId, text, params),
            (rows) => rowTransform(rows) as ReadonlyArray<A>
          )
        })
      )
    const run = <A, E, R>(workspaceId: WorkspaceId, effect: Effect.Effect<A, E, R>) =>
      runAs(workspaceId, effect, READ_WRITE)
    return {
      run,
      current: (effect) => Effect.flatMap(CurrentWorkspace, (workspaceId) => run(workspaceId, effect)),
      snapshot: (effect) => Effect.flatMap(CurrentWorkspace, (workspaceId) => runAs(workspaceId, effect, SNAPSHOT)),
      rows
    } satisfies RlsScopeShape
  })
)
