// The group-commit recorder in front of the inbound store: a store that throws while building its statement, or dies
// running it, fails only the delivery it could not take; every commit slot comes back, so later deliveries are stored.
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, Option } from "effect"
import type { InboundDelivery } from "../../src/channels/ChannelsRepo"
import * as InboundRecorder from "../../src/channels/InboundRecorder"

const delivery = (channelId: string): InboundDelivery => ({
  workspaceId: "workspace",
  channelId,
  events: [{ externalId: channelId, payload: {} }]
})

/** A store that throws synchronously for "throws", dies for "dies", waits on `gate` for "slow", and stores the rest. */
const fakeStore = (gate: Deferred.Deferred<void>) => {
  const calls: Array<ReadonlyArray<string>> = []
  const store: InboundRecorder.Store = (deliveries) => {
    const ids = deliveries.map((d) => d.channelId)
    calls.push(ids)
    if (ids.includes("throws")) throw new RangeError("Maximum call stack size exceeded")
    if (ids.includes("dies")) return Effect.die(new Error("the statement failed"))
    const counts = Effect.succeed(deliveries.map(() => 1))
    return ids.includes("slow") ? Effect.zipRight(Deferred.await(gate), counts) : counts
  }
  return { store, calls }
}

const ready = Effect.flatMap(Deferred.make<void>(), (gate) => {
  const fake = fakeStore(gate)
  return Effect.map(InboundRecorder.make(fake.store), (record) => ({ record, gate, calls: fake.calls }))
})

const isDefect = (exit: Exit.Exit<unknown>) => Exit.isFailure(exit) && exit.cause._tag === "Die"

/** A test failure instead of waiting forever (what the lost commit slots used to cause). */
const inTime = <A, E>(effect: Effect.Effect<A, E>) =>
  effect.pipe(Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("no answer") }))
const answered = <A>(effect: Effect.Effect<A>) => inTime(Effect.exit(effect))

describe("the inbound recorder", () => {
  it.scopedLive("fails a delivery whose store throws synchronously, and keeps storing the ones after it", () =>
    Effect.gen(function* () {
      const { record } = yield* ready
      // More failures than commit slots: before, each lost its slot and the third delivery waited forever.
      for (let i = 0; i < 4; i++) expect(isDefect(yield* answered(record(delivery("throws"))))).toBe(true)
      expect(yield* answered(record(delivery("fine")))).toEqual(Exit.succeed(Option.some(1)))
    })
  )

  it.scopedLive("fails a delivery whose store dies, and keeps storing the ones after it", () =>
    Effect.gen(function* () {
      const { record } = yield* ready
      for (let i = 0; i < 4; i++) expect(isDefect(yield* answered(record(delivery("dies"))))).toBe(true)
      expect(yield* answered(record(delivery("fine")))).toEqual(Exit.succeed(Option.some(1)))
    })
  )

  it.scopedLive("retries a batch the store cannot take one delivery at a time, so only the poison one fails", () =>
    Effect.gen(function* () {
      const { record, gate, calls } = yield* ready
      // Two slow commits hold both slots, so the next deliveries queue up and go together in one batch.
      const slow = yield* Effect.forkScoped(
        Effect.all([record(delivery("slow")), record(delivery("slow"))], { concurrency: 2 })
      )
      while (calls.length < 2) yield* Effect.yieldNow()
      const batched = ["first", "throws", "second", "dies", "third"]
      const waiting = yield* Effect.forkScoped(
        Effect.all(
          batched.map((id) => Effect.exit(record(delivery(id)))),
          { concurrency: "unbounded" }
        )
      )
      yield* Effect.repeatN(Effect.yieldNow(), 10)
      yield* Deferred.succeed(gate, undefined)
      expect(yield* inTime(Fiber.join(slow))).toEqual([Option.some(1), Option.some(1)])
      const exits = yield* inTime(Fiber.join(waiting))
      expect(calls).toContainEqual(batched)
      expect(exits.map((exit) => (isDefect(exit) ? "failed" : Exit.isSuccess(exit) ? exit.value : exit))).toEqual([
        Option.some(1),
        "failed",
        Option.some(1),
        "failed",
        Option.some(1)
      ])
    })
  )
})
