// What the host can tell of the OpenClaw gateway for health, doctor and the admin UI, and the one setting to change
// for each state that is not "up": OpenClaw answers GET /v1/models with 404 before checking the password while its
// OpenAI-compatible endpoints are off (the default), so a 404 is never "up", and the password is then checked where
// OpenClaw always checks it.
import { Effect } from "effect"
import { CHAT_COMPLETIONS_KEY, PASSWORD_KEY } from "./GatewayErrors"
import * as OpenAi from "./OpenAiClient"
import type { Target } from "./Target"

export const GatewayStates = ["up", "down", "unconfigured", "endpoint-disabled", "wrong-password"] as const
export type GatewayState = (typeof GatewayStates)[number]

const PROBE_TIMEOUT_MS = 1_500

/** up: answers GET /v1/models with our password; down: no answer in time, or not an OpenAI-compatible one. */
export const probeGateway = (target: Target, timeoutMs = PROBE_TIMEOUT_MS): Effect.Effect<GatewayState> => {
  const bounded = { ...target, firstByteTimeoutMs: Math.min(timeoutMs, target.firstByteTimeoutMs) }
  return OpenAi.models(bounded).pipe(
    Effect.as<GatewayState>("up"),
    Effect.catchTags({
      GatewayUnreachable: () => Effect.succeed<GatewayState>("down"),
      GatewayPasswordMismatch: () => Effect.succeed<GatewayState>("wrong-password"),
      GatewayTimeout: () => Effect.succeed<GatewayState>("down"),
      GatewayMalformedStream: () => Effect.succeed<GatewayState>("down"),
      GatewayRequestFailed: (error) =>
        error.reason === "EndpointDisabled"
          ? Effect.map(OpenAi.openClawAcceptsBearer(bounded, timeoutMs), (bearer) =>
              bearer === "rejected" ? ("wrong-password" as const) : ("endpoint-disabled" as const)
            )
          : // It answered with our password, just not a model list we understand: it is there.
            Effect.succeed<GatewayState>("up")
    })
  )
}

export interface GatewayIssue {
  /** The setting to change: an OpenClaw config key, or the host's variable. */
  readonly configKey: string
  readonly message: string
}

/** What to change for a state other than up and down (down: start OpenClaw), naming the exact setting. */
export const issueOf = (state: GatewayState): GatewayIssue | undefined => {
  switch (state) {
    case "endpoint-disabled":
      return {
        configKey: CHAT_COMPLETIONS_KEY,
        message: `OpenClaw answers, but its OpenAI-compatible endpoint is off: set ${CHAT_COMPLETIONS_KEY} to true in OpenClaw's config (pnpm carabase openclaw-config prints it)`
      }
    case "wrong-password":
      return {
        configKey: PASSWORD_KEY,
        message: `OpenClaw rejects OPENCLAW_GATEWAY_PASSWORD: make it and ${PASSWORD_KEY} in OpenClaw's config the same value`
      }
    case "unconfigured":
      return {
        configKey: "OPENCLAW_GATEWAY_PASSWORD",
        message: `OPENCLAW_GATEWAY_PASSWORD is not set: set it to ${PASSWORD_KEY} of OpenClaw's config (pnpm bootstrap generates one)`
      }
    case "up":
    case "down":
      return undefined
  }
}
