// Answers "is the agent gateway reachable with our password?" for the health check, within a short bound.
import { Context, Effect, Layer } from "effect"
import { Gateway, type GatewayState } from "./Gateway"

export type { GatewayState } from "./Gateway"

export class GatewayProbe extends Context.Tag("carabase/GatewayProbe")<
  GatewayProbe,
  { readonly check: Effect.Effect<GatewayState> }
>() {}

export const layer: Layer.Layer<GatewayProbe, never, Gateway> = Layer.effect(
  GatewayProbe,
  Effect.map(Gateway, (gateway) => ({ check: gateway.state }))
)
