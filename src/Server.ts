// The host's listeners: the HTTP app (src/HttpApp.ts) on the Node server bound to HOST:PORT, its log line, and the
// optional webhook-only listener.
import { NodeHttpServer } from "@effect/platform-node"
import { Config, Effect, Layer } from "effect"
import { HttpAppLive } from "./HttpApp"
import { displayAddress, listenHost } from "./http/ListenAddress"
import { WebhookListenerLive } from "./http/WebhookListener"
import { HttpListener } from "./platform/HttpListener"

export const serverConfig = Config.all({
  host: listenHost,
  port: Config.port("PORT").pipe(Config.withDefault(3000))
})

const NodeServerLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const listener = yield* HttpListener
    const { host, port } = yield* serverConfig
    return NodeHttpServer.layer(() => listener.server, { host, port })
  })
)

const LogAddress = Layer.effectDiscard(
  Effect.flatMap(serverConfig, ({ host, port }) => Effect.logInfo(`listening on ${displayAddress(host, port)}`))
)

export const ServerLive = HttpAppLive.pipe(
  Layer.provideMerge(NodeServerLive),
  Layer.merge(LogAddress),
  Layer.merge(WebhookListenerLive)
)
