// The optional public listener for chat platforms (CARABASE_WEBHOOK_PORT, on HOST): only the inbound webhook routes,
// so the port can be published to the internet (e.g. with Tailscale Funnel) while the API, admin UI and MCP stay on
// the private one. Off unless the port is set.
import { Config, Effect, Layer, Option } from "effect"
import { BootError } from "../platform/HostEnv"
import { HttpListener } from "../platform/HttpListener"
import { displayAddress, listenHost } from "./ListenAddress"

export const webhookListenerConfig = Config.all({
  host: listenHost,
  port: Config.option(Config.port("CARABASE_WEBHOOK_PORT"))
})

export const WebhookListenerLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const { host, port } = yield* webhookListenerConfig
    if (Option.isNone(port)) return
    const { webhookServer } = yield* HttpListener
    yield* Effect.acquireRelease(
      Effect.async<void, BootError>((resume) => {
        const onError = (error: NodeJS.ErrnoException) =>
          resume(
            Effect.fail(
              new BootError({
                message: `cannot listen for webhooks on port ${port.value}: ${error.code ?? error.message} (check HOST and CARABASE_WEBHOOK_PORT)`
              })
            )
          )
        webhookServer.once("error", onError)
        webhookServer.listen({ host, port: port.value }, () => {
          webhookServer.off("error", onError)
          resume(Effect.void)
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          if (!webhookServer.listening) return resume(Effect.void)
          webhookServer.close(() => resume(Effect.void))
          webhookServer.closeAllConnections()
        })
    )
    yield* Effect.logInfo(`webhooks only: listening on ${displayAddress(host, port.value)}`).pipe(
      Effect.annotateLogs("service", "WebhookListener")
    )
  })
)
