// Where the local OpenClaw gateway listens and the password it expects (kept Redacted until a request needs it).
import { Config, Option, Redacted } from "effect"

export interface GatewayConfig {
  readonly url: URL
  readonly password: Option.Option<Redacted.Redacted<string>>
}

export const gatewayConfig: Config.Config<GatewayConfig> = Config.all({
  url: Config.url("OPENCLAW_GATEWAY_URL").pipe(Config.withDefault(new URL("http://127.0.0.1:18789"))),
  password: Config.option(Config.redacted("OPENCLAW_GATEWAY_PASSWORD")).pipe(
    Config.map(Option.filter((password) => Redacted.value(password) !== ""))
  )
})
