// Composition of the host's layers. Platform (env, master key, crypto) is built first, so a bad key stops the
// process before any port is bound or any connection is opened.
import { Config, Layer, Logger, LogLevel } from "effect"
import * as GatewayProbe from "./gateway/GatewayProbe"
import * as HttpListener from "./http/HttpListener"
import { ServerLive } from "./http/Server"
import * as DatabaseProbe from "./meta/DatabaseProbe"
import * as Crypto from "./platform/Crypto"
import * as HostEnv from "./platform/HostEnv"
import * as MasterKey from "./platform/MasterKey"

export const LoggingLive = Layer.unwrapEffect(
  Config.logLevel("LOG_LEVEL").pipe(
    Config.withDefault(LogLevel.Info),
    Config.map((level) => Layer.merge(Logger.minimumLogLevel(level), Logger.logFmt))
  )
)

export const PlatformLive = (hostEnv: HostEnv.HostEnvShape) =>
  Crypto.layer.pipe(Layer.provideMerge(MasterKey.layer), Layer.provideMerge(Layer.succeed(HostEnv.HostEnv, hostEnv)))

export const HostLive = (hostEnv: HostEnv.HostEnvShape) =>
  ServerLive.pipe(
    Layer.provide([GatewayProbe.layer, DatabaseProbe.unavailable]),
    Layer.provideMerge(HttpListener.layer),
    Layer.provideMerge(PlatformLive(hostEnv))
  )
