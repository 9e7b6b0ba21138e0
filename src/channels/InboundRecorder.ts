// Group commit for verified inbound deliveries. A delivery is acknowledged only once its events are durably committed,
// and a commit costs a WAL flush and a round trip whatever it holds; so deliveries that arrive while earlier ones are
// being committed wait and go together in the next commit (one statement, one flush). Under light load each delivery
// is written at once, alone; under a burst the batches grow instead of the queue of round trips. A batch that fails
// because one delivery's channel was deleted meanwhile is retried one delivery at a time, so no other delivery fails
// with it.
import { Deferred, Effect, Exit, FiberSet, Option } from "effect"
import type { ChannelGone, InboundDelivery } from "./ChannelsRepo"

/** Commits in flight at once: one being written while the next batch fills keeps the flush pipeline busy. */
const IN_FLIGHT = 2
/** At most this many deliveries (each at most 1 MiB) in one statement. */
const MAX_BATCH = 64

export type Store = (deliveries: ReadonlyArray<InboundDelivery>) => Effect.Effect<ReadonlyArray<number>, ChannelGone>

interface Waiting {
  readonly delivery: InboundDelivery
  readonly done: Deferred.Deferred<Option.Option<number>>
}

/**
 * `record(delivery)` answers how many of its events were new, or None when its channel no longer exists. The commits
 * run on fibers of the layer's scope, so a client that hangs up does not cancel a commit that holds other deliveries.
 */
export const make = (store: Store) =>
  Effect.gen(function* () {
    const run = yield* FiberSet.makeRuntime<never>()
    const queue: Array<Waiting> = []
    let inFlight = 0

    const settle = (batch: ReadonlyArray<Waiting>, exit: Exit.Exit<ReadonlyArray<Option.Option<number>>>) =>
      Effect.forEach(
        batch,
        (waiting, index) =>
          Deferred.done(
            waiting.done,
            Exit.map(exit, (counts) => counts[index] ?? Option.none())
          ),
        { discard: true }
      )

    const one = (delivery: InboundDelivery) =>
      store([delivery]).pipe(
        Effect.map((counts) => Option.some(counts[0] ?? 0)),
        Effect.catchTag("ChannelGone", () => Effect.succeed(Option.none<number>()))
      )

    const commit = (batch: ReadonlyArray<Waiting>) =>
      store(batch.map((waiting) => waiting.delivery)).pipe(
        Effect.map((counts) => counts.map((count) => Option.some(count))),
        // A deleted channel fails the whole statement: store each delivery on its own, so only its own answers None.
        Effect.catchTag("ChannelGone", () => Effect.forEach(batch, (waiting) => one(waiting.delivery))),
        Effect.exit,
        Effect.flatMap((exit) => settle(batch, exit)),
        Effect.onInterrupt(() => Effect.forEach(batch, (waiting) => Deferred.interrupt(waiting.done)))
      )

    const pump = (): void => {
      while (inFlight < IN_FLIGHT && queue.length > 0) {
        const batch = queue.splice(0, MAX_BATCH)
        inFlight++
        run(
          commit(batch).pipe(
            Effect.ensuring(
              Effect.sync(() => {
                inFlight--
                pump()
              })
            )
          )
        )
      }
    }

    return (delivery: InboundDelivery): Effect.Effect<Option.Option<number>> =>
      Effect.flatMap(Deferred.make<Option.Option<number>>(), (done) =>
        Effect.zipRight(
          Effect.sync(() => {
            queue.push({ delivery, done })
            pump()
          }),
          Deferred.await(done)
        )
      )
  })
