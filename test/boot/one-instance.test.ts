// The host's layers built in-process on a fresh database: each feature's file provides the features it needs, so one
// layer (LiveUpdates, Harvest, Notes, …) is provided in many places, and the host must still hold one instance of each
// service: a second LiveUpdates would carry notices no stream listens to, a second scheduler would run every job twice.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Exit, Layer, Logger, LogLevel, Ref, Scope } from "effect"
import { HostLive } from "../../src/Host"
import { createDatabase, type TestDatabase } from "../support/database"
import { TEST_MASTER_KEY } from "../support/keys"
import { freePort } from "../support/ports"

let db: TestDatabase
beforeAll(async () => {
  db = await createDatabase("one_instance")
})
afterAll(() => db?.drop())

/**
 * Every service each layer value in the memo map produced, by tag. Reads Effect's MemoMap internals (its `ref`: for
 * each layer built, the effect that hands out its context and the release that balances it); the checks below that
 * known services were found fail loudly should those internals change.
 */
const servicesBuilt = (memoMap: Layer.MemoMap) =>
  Effect.gen(function* () {
    type Entry = readonly [Effect.Effect<readonly [unknown, Context.Context<never>]>, Scope.Scope.Finalizer]
    const entries = yield* Ref.get((memoMap as unknown as { ref: Ref.Ref<Map<unknown, Entry>> }).ref)
    const instances = new Map<string, Set<unknown>>()
    for (const [acquire, release] of entries.values()) {
      const [, context] = yield* acquire
      yield* release(Exit.void)
      for (const [key, service] of context.unsafeMap) instances.set(key, (instances.get(key) ?? new Set()).add(service))
    }
    return instances
  })

describe("the host's layers", () => {
  it("build one instance of each service, however many features' files provide it", async () => {
    const port = await freePort()
    const config = ConfigProvider.fromMap(
      new Map([
        ["HOST", "127.0.0.1"],
        ["PORT", String(port)],
        ["HOST_MASTER_KEY", TEST_MASTER_KEY],
        ["DATABASE_URL", db.ownerUrl],
        ["APP_DATABASE_URL", db.appUrl]
      ])
    )
    const instances = await Effect.runPromise(
      Effect.gen(function* () {
        const memoMap = yield* Layer.makeMemoMap
        const scope = yield* Scope.make()
        yield* Layer.buildWithMemoMap(HostLive({ name: "dev", file: null, fileLabel: ".env.dev" }), memoMap, scope)
        return yield* servicesBuilt(memoMap).pipe(Effect.ensuring(Scope.close(scope, Exit.void)))
      }).pipe(Effect.withConfigProvider(config), Effect.provide(Logger.minimumLogLevel(LogLevel.Warning)))
    )

    const ours = [...instances].filter(([key]) => key.startsWith("carabase/"))
    const names = ours.map(([key]) => key)
    for (const service of ["carabase/LiveUpdates", "carabase/Harvest", "carabase/Notes", "carabase/Scheduler"]) {
      expect(names).toContain(service)
    }
    expect(ours.filter(([, built]) => built.size > 1).map(([key]) => key)).toEqual([])
  })
})
