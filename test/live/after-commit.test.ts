// Change notices and the transaction they describe: a notice published inside a workspace transaction reaches
// subscribers only once that transaction has committed (a client that re-reads on it finds the change), and never
// when it rolls back (nothing to find); outside a transaction it goes out at once.
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Queue, type Scope } from "effect"
import { type ChangeNotice, LiveUpdates, layer as LiveUpdatesLayer } from "../../src/live/LiveUpdates"
import { AppDb, appLayerFor } from "../../src/platform/Db"
import { RlsScope, layer as RlsScopeLayer } from "../../src/platform/RlsScope"
import { CurrentWorkspace, type WorkspaceId } from "../../src/platform/CurrentWorkspace"
import { connect, createDatabase, type TestDatabase } from "../support/database"

let db: TestDatabase
const A = crypto.randomUUID() as WorkspaceId

beforeAll(async () => {
  db = await createDatabase("after_commit")
  const owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A')", [A])
  await owner.end()
})
afterAll(() => db?.drop())

const services = () =>
  Layer.mergeAll(RlsScopeLayer, LiveUpdatesLayer).pipe(Layer.provideMerge(appLayerFor(db.appUrl, 2)))

interface Subscribed {
  readonly sql: Effect.Effect.Success<typeof AppDb>
  readonly rls: Effect.Effect.Success<typeof RlsScope>
  readonly live: Effect.Effect.Success<typeof LiveUpdates>
  /** Workspace A's notices, subscribed before the test starts. */
  readonly queue: Queue.Dequeue<ChangeNotice>
}

/** Runs a test on a fresh pool with the services and a subscriber to workspace A's notices. */
const withSubscriber = <A, E>(test: (services: Subscribed) => Effect.Effect<A, E, Scope.Scope>) =>
  Effect.gen(function* () {
    const live = yield* LiveUpdates
    return yield* test({ sql: yield* AppDb, rls: yield* RlsScope, live, queue: yield* live.subscribe(A) })
  }).pipe(Effect.provide(services()), Effect.scoped, Effect.runPromise)

class Boom {
  readonly _tag = "Boom"
}

/** What reached the subscriber so far, after giving the fan-out fiber time to deliver. */
const delivered = (queue: Queue.Dequeue<ChangeNotice>) =>
  Effect.zipRight(Effect.sleep("50 millis"), Queue.takeAll(queue)).pipe(Effect.map((chunk) => [...chunk]))

/** How many memories workspace A has, read on a connection of its own (not the transaction's). */
const committedMemories = async () => {
  const owner = await connect(db.ownerUrl)
  try {
    return (await owner.query("select count(*)::int as n from memories where workspace_id = $1", [A])).rows[0].n
  } finally {
    await owner.end()
  }
}

describe("change notices inside a workspace transaction", () => {
  it("reach subscribers only after the commit, in order, when the write is already visible", () =>
    withSubscriber(({ live, queue, rls, sql }) =>
      Effect.gen(function* () {
        const during = yield* rls.run(
          A,
          Effect.gen(function* () {
            yield* sql`insert into memories (content) values ('kept')`
            yield* live.publish({ type: "memory", action: "created", id: "first" })
            // A nested scope of the same workspace joins the transaction, and so does its notice.
            yield* rls.run(A, live.publish({ type: "memory", action: "updated", id: "second" }))
            return { notices: yield* delivered(queue), visible: yield* Effect.promise(committedMemories) }
          })
        )
        expect(during).toEqual({ notices: [], visible: 0 })
        expect(yield* delivered(queue)).toEqual([
          { type: "memory", action: "created", id: "first" },
          { type: "memory", action: "updated", id: "second" }
        ])
        expect(yield* Effect.promise(committedMemories)).toBe(1)
      })
    ))

  it("are dropped when the transaction rolls back, failed or defected", () =>
    withSubscriber(({ live, queue, rls, sql }) =>
      Effect.gen(function* () {
        const before = yield* Effect.promise(committedMemories)
        const failed = yield* Effect.exit(
          rls.run(
            A,
            Effect.gen(function* () {
              yield* sql`insert into memories (content) values ('rolled back')`
              yield* live.publish({ type: "memory", action: "created", id: "never" })
              return yield* Effect.fail(new Boom())
            })
          )
        )
        expect(Exit.isFailure(failed)).toBe(true)
        const died = yield* Effect.exit(
          rls.run(A, Effect.zipRight(live.publish({ type: "note", action: "updated" }), Effect.dieMessage("defect")))
        )
        expect(Exit.isFailure(died)).toBe(true)
        expect(yield* delivered(queue)).toEqual([])
        expect(yield* Effect.promise(committedMemories)).toBe(before)
      })
    ))

  it("go out at once outside a transaction", () =>
    withSubscriber(({ live, queue }) =>
      Effect.gen(function* () {
        yield* live
          .publish({ type: "folio", action: "updated", id: "f" })
          .pipe(Effect.provideService(CurrentWorkspace, A))
        expect(yield* delivered(queue)).toEqual([{ type: "folio", action: "updated", id: "f" }])
      })
    ))
})
