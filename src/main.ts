// Entry point of the host process: read the environment once, build the layer graph, serve until SIGTERM/SIGINT,
// then drain in-flight requests (at most 10 s) and release every resource in reverse order.
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { HostLive, LoggingLive } from "./Host"
import { HttpListener } from "./http/HttpListener"
import { describeBootFailure } from "./platform/BootFailure"
import { loadEnvironment } from "./platform/HostEnv"

const SHUTDOWN_GRACE = "10 seconds"

const program = Effect.gen(function* () {
  const loaded = yield* loadEnvironment({ cwd: process.cwd(), processEnv: process.env })
  yield* Effect.gen(function* () {
    const listener = yield* HttpListener
    yield* Effect.addFinalizer(() => listener.drain(SHUTDOWN_GRACE))
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
