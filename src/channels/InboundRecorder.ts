// Group commit for verified inbound deliveries. A delivery is acknowledged only once its events are durably committed,
// and a commit costs a WAL flush and a round trip whatever it holds; so deliveries that arrive while earlier ones are
// being committed wait and go together in the next commit (one transaction per workspace in the batch: its events
// and their capture into the day's note; one flush when they share a workspace). Under light load each delivery
// is written at once, alone; under a burst the batches grow instead of the queue of round trips. A batch that fails
// (one delivery's channel was deleted meanwhile, or one delivery the store cannot take) is retried one delivery at a
// time, so no other delivery fails with it; and whatever the store throws, its commit slot is given back.
import { Cause, Deferred, Effect, FiberSet, Option } from "effect"
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
 * `record(delivery)` answers how many of its events were new, or None when its channel no longer exists; it dies
 * with the store's defect when that delivery alone cannot be stored. The commits run on fibers of the layer's scope,
 * so a client that hangs up does not cancel a commit that holds other deliveries.
 */
export const make = (store: Store) =>
  Effect.gen(function* () {
    const run = yield* FiberSet.makeRuntime<never>()
    const queue: Array<Waiting> = []
    let inFlight = 0
    let closed = false

    // A store that throws while building its statement (a body JSON.stringify cannot take) fails like one that dies.
    const attempt = (deliveries: ReadonlyArray<InboundDelivery>) => Effect.suspend(() => store(deliveries))

    const alone = (waiting: Waiting) =>
      attempt([waiting.delivery]).pipe(
        Effect.map((counts) => Option.some(counts[0] ?? 0)),
        Effect.catchTag("ChannelGone", () => Effect.succeed(Option.none<number>())),
        Effect.exit,
        Effect.flatMap((exit) => Deferred.done(waiting.done, exit))
      )

    const oneByOne = (batch: ReadonlyArray<Waiting>, cause: Cause.Cause<ChannelGone>) =>
      Effect.zipRight(
        Cause.isDie(cause)
          ? Effect.logWarning(`a batch of ${batch.length} deliveries failed; storing them one at a time`, cause).pipe(
              Effect.annotateLogs("service", "InboundRecorder")
            )
          : Effect.void,
        Effect.forEach(batch, alone, { discard: true })
      )

    const together = (batch: ReadonlyArray<Waiting>) =>
      attempt(batch.map((waiting) => waiting.delivery)).pipe(
        Effect.matchCauseEffect({
          onSuccess: (counts) =>
            Effect.forEach(
              batch,
              (waiting, index) => Deferred.succeed(waiting.done, Option.fromNullable(counts[index])),
              { discard: true }
            ),
          onFailure: (cause) => (Cause.isInterruptedOnly(cause) ? Effect.failCause(cause) : oneByOne(batch, cause))
        })
      )

    const commit = (batch: ReadonlyArray<Waiting>) =>
      (batch.length === 1 ? alone(batch[0]!) : together(batch)).pipe(
        Effect.onExit(() => Effect.forEach(batch, (waiting) => Deferred.interrupt(waiting.done), { discard: true }))
      )

    const pump = (): void => {
      while (inFlight < IN_FLIGHT && queue.length > 0) {
        const batch = queue.splice(0, MAX_BATCH)
        if (closed) {
          for (const waiting of batch) Deferred.unsafeDone(waiting.done, Effect.interrupt)
          continue
        }
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

    // Runs before the fibers' set closes: nothing queued is left waiting for a commit that will never run.
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        closed = true
        pump()
      })
    )

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
