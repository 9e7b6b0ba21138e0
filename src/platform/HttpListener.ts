// The Node HTTP server sockets, created here so shutdown can drain them: stop accepting, let in-flight requests
// finish within a bound, then close whatever is left (streams held open and bodies trickling in included). Besides
// the main server, an optional public one (CARABASE_WEBHOOK_PORT) passes only inbound webhook requests to the main
// server's handler and answers 404 to any other path, so publishing its port exposes nothing but the webhook routes.
import * as http from "node:http"
import type * as net from "node:net"
import { Context, Deferred, Duration, Effect, Layer, Option } from "effect"

export interface HttpListenerShape {
  readonly server: http.Server
  /** Serves only the inbound webhook paths, through `server`'s handler; listens only when configured. */
  readonly webhookServer: http.Server
  /** Number of requests whose response has not finished. */
  readonly inFlight: () => number
  /** Stops accepting, waits at most `grace` for the requests in flight, then closes every connection still open. */
  readonly drain: (grace: Duration.DurationInput) => Effect.Effect<void>
  /** Completes when draining starts, so long-lived responses (SSE) can end instead of holding shutdown up. */
  readonly draining: Effect.Effect<void>
}

export class HttpListener extends Context.Tag("carabase/HttpListener")<HttpListener, HttpListenerShape>() {}

/** The inbound webhook routes, and nothing that merely starts like them (`/api/v1/webhooksX`, `..` segments). */
export const isWebhookPath = (url: string) => {
  const path = url.split("?")[0] ?? ""
  return path.startsWith("/api/v1/webhooks/") && !path.split("/").some((segment) => segment === ".." || segment === ".")
}

export const make = (): HttpListenerShape => {
  const drainStarted = Effect.runSync(Deferred.make<void>())
  const server = http.createServer({ keepAliveTimeout: 5_000, requestTimeout: 60_000 })
  let active = 0
  let draining = false
  const idleWaiters = new Set<() => void>()
  const webhookServer = http.createServer(
    { keepAliveTimeout: 5_000, requestTimeout: 60_000 },
    (request: http.IncomingMessage, response: http.ServerResponse) => {
      if (isWebhookPath(request.url ?? "")) {
        server.emit("request", request, response)
        return
      }
      response.writeHead(404, { "content-type": "application/json", connection: "close" })
      response.end(JSON.stringify({ _tag: "RouteNotFound", message: "this listener serves only inbound webhooks" }))
    }
  )
  const sockets = new Set<net.Socket>()
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
  }
  server.on("connection", track)
  webhookServer.on("connection", track)
  server.on("request", (_request: http.IncomingMessage, response: http.ServerResponse) => {
    active++
    if (draining) response.shouldKeepAlive = false
    response.once("close", () => {
      active--
      if (active === 0) for (const wake of idleWaiters) wake()
    })
  })
  const drain = (grace: Duration.DurationInput) =>
    Effect.gen(function* () {
      draining = true
      yield* Deferred.succeed(drainStarted, undefined)
      for (const each of [server, webhookServer]) {
        if (each.listening) each.close()
        each.closeIdleConnections()
      }
      if (active > 0) {
        yield* Effect.logInfo(`waiting for ${active} in-flight request(s)`)
        // Interruptible, or the timeout could not cut it short: a finalizer runs uninterruptibly.
        const finished = yield* Effect.async<void>((resume) => {
          const wake = () => resume(Effect.void)
          idleWaiters.add(wake)
          return Effect.sync(() => idleWaiters.delete(wake))
        }).pipe(Effect.interruptible, Effect.timeoutOption(grace))
        if (Option.isNone(finished)) {
          yield* Effect.logWarning(
            `closing ${active} request(s) still running after ${Duration.format(Duration.decode(grace))}`
          )
        }
      }
      // A closed connection ends its response, and the server interrupts that request's fiber.
      server.closeAllConnections()
      webhookServer.closeAllConnections()
      for (const socket of sockets) socket.destroy()
    }).pipe(Effect.annotateLogs("service", "HttpListener"))
  return { server, webhookServer, inFlight: () => active, drain, draining: Deferred.await(drainStarted) }
}

export const layer = Layer.sync(HttpListener, make)
