// Answers "is the agent gateway reachable with our password?" for the health check, within a short bound.
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { gatewayConfig } from "./GatewayConfig"

export type GatewayState = "up" | "down" | "unconfigured"

export class GatewayProbe extends Context.Tag("carabase/GatewayProbe")<
  GatewayProbe,
  { readonly check: Effect.Effect<GatewayState> }
>() {}

const PROBE_TIMEOUT_MS = 1500

export const layer = Layer.effect(
  GatewayProbe,
  Effect.gen(function* () {
    const config = yield* gatewayConfig
    if (Option.isNone(config.password)) return { check: Effect.succeed("unconfigured" as const) }
    const password = config.password.value
    const modelsUrl = new URL("/v1/models", config.url)
    return {
      check: Effect.tryPromise((signal) =>
        fetch(modelsUrl, {
          headers: { authorization: `Bearer ${Redacted.value(password)}` },
          signal: AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)])
        })
      ).pipe(
        Effect.map((response): GatewayState => (response.ok ? "up" : "down")),
        Effect.orElseSucceed((): GatewayState => "down")
      )
    }
  })
)
