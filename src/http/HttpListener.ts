// The Node HTTP server socket, created here so shutdown can drain it: stop accepting, let in-flight requests
// finish within a bound, then close whatever is left.
import * as http from "node:http"
import { Context, Deferred, Duration, Effect, Layer } from "effect"

export interface HttpListenerShape {
  readonly server: http.Server
  /** Number of requests whose response has not finished. */
  readonly inFlight: () => number
  readonly drain: (timeout: Duration.DurationInput) => Effect.Effect<void>
  /** Completes when draining starts, so long-lived responses (SSE) can end instead of holding shutdown up. */
  readonly draining: Effect.Effect<void>
}

export class HttpListener extends Context.Tag("carabase/HttpListener")<HttpListener, HttpListenerShape>() {}

export const make = (): HttpListenerShape => {
  const drainStarted = Effect.runSync(Deferred.make<void>())
  const server = http.createServer({ keepAliveTimeout: 5_000, requestTimeout: 60_000 })
  let active = 0
  let draining = false
  const idleWaiters = new Set<() => void>()
  server.on("request", (_request: http.IncomingMessage, response: http.ServerResponse) => {
    active++
    if (draining) response.shouldKeepAlive = false
    response.once("close", () => {
      active--
      if (active === 0) for (const wake of idleWaiters) wake()
    })
  })
  const drain = (timeout: Duration.DurationInput) =>
    Effect.gen(function* () {
      draining = true
      yield* Deferred.succeed(drainStarted, undefined)
      if (server.listening) server.close()
      server.closeIdleConnections()
      if (active > 0) {
        yield* Effect.logInfo(`waiting for ${active} in-flight request(s)`)
        yield* Effect.async<void>((resume) => {
          const wake = () => resume(Effect.void)
          idleWaiters.add(wake)
          return Effect.sync(() => idleWaiters.delete(wake))
        }).pipe(Effect.timeoutOption(timeout))
      }
      server.closeAllConnections()
    }).pipe(Effect.annotateLogs("service", "HttpListener"))
  return { server, inFlight: () => active, drain, draining: Deferred.await(drainStarted) }
}

export const layer = Layer.sync(HttpListener, make)
