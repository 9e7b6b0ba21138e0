// RlsScope on a pool of one connection: interleaved requests for two workspaces, some failing mid-transaction,
// never see each other's rows, and the connection carries no workspace setting between requests; the same for
// one-statement reads (`rows`), which take the pool's connection directly.
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Either, Layer, Option } from "effect"
import { AppDb, appLayerFor } from "../../src/platform/Db"
import { RlsScope, layer as RlsScopeLayer } from "../../src/platform/RlsScope"
import { CurrentWorkspace, type WorkspaceId } from "../../src/platform/CurrentWorkspace"
import { connect, createDatabase, type TestDatabase } from "../support/database"

let db: TestDatabase
const A = crypto.randomUUID() as WorkspaceId
const B = crypto.randomUUID() as WorkspaceId

beforeAll(async () => {
  db = await createDatabase("pool")
  const owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
  await owner.query("insert into memories (workspace_id, content) values ($1, 'a1'), ($1, 'a2'), ($2, 'b1')", [A, B])
  await owner.end()
})
afterAll(() => db?.drop())

const singleConnection = () => RlsScopeLayer.pipe(Layer.provideMerge(appLayerFor(db.appUrl, 1)))

/** Runs a test's effect with AppDb and RlsScope on a fresh pool of one connection. */
const onOneConnection = <A, E>(test: Effect.Effect<A, E, AppDb | RlsScope>) =>
  test.pipe(Effect.provide(singleConnection()), Effect.scoped, Effect.runPromise)

class Boom {
  readonly _tag = "Boom"
}

describe("RlsScope on a single pooled connection", () => {
  it("interleaved requests for A and B, one failing mid-transaction, stay isolated and leave no setting behind", () =>
    onOneConnection(
      Effect.gen(function* () {
        const sql = yield* AppDb
        const rls = yield* RlsScope
        const readAs = (workspace: WorkspaceId) =>
          rls.run(
            workspace,
            Effect.gen(function* () {
              const current = yield* CurrentWorkspace
              const rows = yield* sql<{
                workspaceId: string
                content: string
              }>`select workspace_id, content from memories`
              yield* Effect.sleep("2 millis")
              return { current, rows }
            })
          )
        const failAs = (workspace: WorkspaceId) =>
          rls.run(
            workspace,
            Effect.gen(function* () {
              yield* sql`insert into memories (content) values ('half-written')`
              return yield* Effect.fail(new Boom())
            })
          )
        const requests = Array.from({ length: 40 }, (_, i) => {
          const workspace = i % 2 === 0 ? A : B
          return i % 5 === 0 ? Effect.either(failAs(workspace)) : Effect.map(readAs(workspace), Either.right)
        })
        const results = yield* Effect.all(requests, { concurrency: "unbounded" })
        for (const [i, result] of results.entries()) {
          const workspace = i % 2 === 0 ? A : B
          if (i % 5 === 0) {
            expect(Either.isLeft(result)).toBe(true)
            continue
          }
          const value = Either.getOrThrow(result) as { current: string; rows: ReadonlyArray<{ workspaceId: string }> }
          expect(value.current).toBe(workspace)
          expect(value.rows.length).toBe(workspace === A ? 2 : 1)
          expect(value.rows.every((row) => row.workspaceId === workspace)).toBe(true)
        }
        const [setting] = yield* sql<{
          value: string | null
        }>`select current_setting('app.workspace_id', true) as value`
        expect(setting!.value ?? "").toBe("")
        const leftovers = yield* sql`select 1 from memories`
        expect(leftovers).toEqual([])
      })
    ))

  it("rolls back everything a failed request wrote", async () => {
    const owner = await connect(db.ownerUrl)
    const { rows } = await owner.query("select count(*)::int as n from memories where content = 'half-written'")
    await owner.end()
    expect(rows[0].n).toBe(0)
  })

  it("refuses to nest one workspace's scope inside another's", () =>
    onOneConnection(
      Effect.gen(function* () {
        const rls = yield* RlsScope
        const exit = yield* Effect.exit(rls.run(A, rls.run(B, Effect.void)))
        expect(exit._tag).toBe("Failure")
        expect(String(exit)).toContain("cannot be nested")
      })
    ))

  it("one-statement reads, interleaved for A and B with failing ones, see only their workspace and leave nothing open", () =>
    onOneConnection(
      Effect.gen(function* () {
        const sql = yield* AppDb
        const rls = yield* RlsScope
        const readAs = (workspace: WorkspaceId) =>
          Effect.provideService(
            rls.rows(sql<{ workspaceId: string }>`select workspace_id from memories order by content`),
            CurrentWorkspace,
            workspace
          )
        const failAs = (workspace: WorkspaceId) =>
          Effect.provideService(
            rls.rows(sql`select 1 / (count(*) - count(*)) from memories`),
            CurrentWorkspace,
            workspace
          )
        const requests = Array.from({ length: 40 }, (_, i) => {
          const workspace = i % 2 === 0 ? A : B
          return i % 5 === 0
            ? Effect.either(Effect.sandbox(failAs(workspace)))
            : Effect.map(readAs(workspace), Either.right)
        })
        const results = yield* Effect.all(requests, { concurrency: "unbounded" })
        for (const [i, result] of results.entries()) {
          const workspace = i % 2 === 0 ? A : B
          if (i % 5 === 0) {
            expect(Either.isLeft(result)).toBe(true)
            const defect = Cause.squash(Option.getOrThrow(Either.getLeft(result)) as Cause.Cause<never>)
            expect((defect as { cause?: { message?: string } }).cause?.message).toBe("division by zero")
            continue
          }
          const rows = Either.getOrThrow(result) as ReadonlyArray<{ workspaceId: string }>
          expect(rows.length).toBe(workspace === A ? 2 : 1)
          expect(rows.every((row) => row.workspaceId === workspace)).toBe(true)
        }
        const [state] = yield* sql<{ value: string | null; open: boolean }>`
        select current_setting('app.workspace_id', true) as value,
               now() <> statement_timestamp() as open`
        expect(state!.value ?? "").toBe("")
        expect(state!.open).toBe(false)
      })
    ))

  it("a one-statement read inside an open scope joins its transaction, and refuses another workspace", () =>
    onOneConnection(
      Effect.gen(function* () {
        const sql = yield* AppDb
        const rls = yield* RlsScope
        const seen = yield* Effect.either(
          rls.run(
            A,
            Effect.gen(function* () {
              yield* sql`insert into memories (content) values ('not yet committed')`
              const rows = yield* rls.rows(sql<{ content: string }>`select content from memories order by content`)
              return yield* Effect.fail(rows.map((row) => row.content))
            })
          )
        )
        expect(Either.getLeft(seen)).toEqual(expect.objectContaining({ value: ["a1", "a2", "not yet committed"] }))
        const after = yield* Effect.provideService(rls.rows(sql`select 1 from memories`), CurrentWorkspace, A)
        expect(after.length).toBe(2)
        const exit = yield* Effect.exit(rls.run(A, Effect.provideService(rls.rows(sql`select 1`), CurrentWorkspace, B)))
        expect(String(exit)).toContain("cannot be nested")
      })
    ))

  it("a one-statement read sees its workspace setting even without parameters, and the setting ends with it", () =>
    onOneConnection(
      Effect.gen(function* () {
        const sql = yield* AppDb
        const rls = yield* RlsScope
        const inside = yield* Effect.provideService(
          rls.rows(sql<{ value: string }>`select current_setting('app.workspace_id', true) as value`),
          CurrentWorkspace,
          B
        )
        expect(inside).toEqual([{ value: B }])
        const [after] = yield* sql<{ value: string | null }>`select current_setting('app.workspace_id', true) as value`
        expect(after!.value ?? "").toBe("")
      })
    ))

  it("refuses a workspace id that is not a UUID before anything reaches the database", () =>
    onOneConnection(
      Effect.gen(function* () {
        const sql = yield* AppDb
        const rls = yield* RlsScope
        const exit = yield* Effect.exit(
          Effect.provideService(rls.rows(sql`select 1`), CurrentWorkspace, "x', true); --" as WorkspaceId)
        )
        expect(String(exit)).toContain("must be a UUID")
      })
    ))
})
