// Entry point of the host process: read the environment once, build the layer graph, serve until SIGTERM/SIGINT,
// then drain in-flight requests (at most 10 s, then their connections are closed) and release every resource in
// reverse order. Should anything still hold the process 30 s after the signal, it logs what and exits 1.
import { NodeRuntime } from "@effect/platform-node"
import { Duration, Effect } from "effect"
import { HostLive, LoggingLive } from "./Host"
import { HttpListener } from "./platform/HttpListener"
import { describeBootFailure } from "./platform/BootFailure"
import { loadEnvironment } from "./platform/HostEnv"

const SHUTDOWN_GRACE = "10 seconds"
/** The drain, up to 10 s for running jobs (the job queue's own bound), and the rest: an owner waits no longer. */
const SHUTDOWN_DEADLINE = Duration.seconds(30)

/** What the process is waiting on, by kind and count, as Node sees it (sockets, timers, file operations). */
const pendingResources = () => {
  const counts = new Map<string, number>()
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1)
  return [...counts].map(([kind, count]) => `${kind} x${count}`).join(", ") || "nothing Node reports"
}

/**
 * Started with the shutdown, on a fiber of its own that the shutdown does not wait for: past the deadline it logs the
 * step the shutdown is stuck in and what is pending, and ends the process with status 1.
 */
const shutdownDeadline = (step: () => string) =>
  Effect.sleep(SHUTDOWN_DEADLINE).pipe(
    Effect.zipRight(
      Effect.suspend(() =>
        Effect.logError(
          `shutdown did not finish within ${Duration.format(SHUTDOWN_DEADLINE)} of the signal: still ${step()}; ` +
            `pending: ${pendingResources()}; exiting with status 1`
        )
      )
    ),
    Effect.zipRight(Effect.sync(() => process.exit(1))),
    Effect.annotateLogs("service", "Shutdown"),
    Effect.forkDaemon
  )

const program = Effect.gen(function* () {
  const loaded = yield* loadEnvironment({ cwd: process.cwd(), processEnv: process.env })
  yield* Effect.gen(function* () {
    const listener = yield* HttpListener
    let step = "draining HTTP requests"
    yield* Effect.addFinalizer(() =>
      shutdownDeadline(() => step).pipe(
        Effect.zipRight(listener.drain(SHUTDOWN_GRACE)),
        Effect.ensuring(
          Effect.sync(() => {
            step = "releasing resources (the job queue, database pools, MCP sessions)"
          })
        )
      )
    )
    return yield* Effect.never
  }).pipe(
    Effect.scoped,
    Effect.provide(HostLive(loaded.hostEnv)),
    Effect.provide(LoggingLive),
    Effect.withConfigProvider(loaded.provider)
  )
}).pipe(
  Effect.tapErrorCause((cause) =>
    Effect.sync(() => {
      console.error(`carabase: ${describeBootFailure(cause)}`)
    })
  )
)

NodeRuntime.runMain(program, { disableErrorReporting: true, disablePrettyLogger: true })
