// Doctor's checks of where the host listens and of the agent gateway it talks to.
import * as os from "node:os"
import { Effect, Option } from "effect"
import { displayUrl, isLoopbackHost, loadGatewayConfig } from "../gateway/GatewayConfig"
import { CHAT_COMPLETIONS_KEY, PASSWORD_KEY } from "../gateway/GatewayErrors"
import { probeGateway } from "../gateway/GatewayState"
import * as Gateway from "../gateway/Gateway"
import { fail, pass, warn, type CheckResult } from "./Check"

const WILDCARDS = new Set(["", "::", "0.0.0.0", "[::]"])

/** Tailscale's address ranges: 100.64.0.0/10 and fd7a:115c:a1e0::/48. */
export const isTailnetAddress = (address: string): boolean => {
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(address)
  if (v4 !== null) return Number(v4[1]) === 100 && Number(v4[2]) >= 64 && Number(v4[2]) <= 127
  return address.toLowerCase().startsWith("fd7a:115c:a1e0:")
}

const isLoopbackAddress = (address: string) =>
  address === "::1" || address.startsWith("127.") || address === "localhost"

export interface InterfaceAddress {
  readonly address: string
  readonly internal: boolean
}

export const machineAddresses = (): ReadonlyArray<InterfaceAddress> =>
  Object.values(os.networkInterfaces()).flatMap((entries) =>
    (entries ?? []).map((entry) => ({ address: entry.address, internal: entry.internal }))
  )

/** Where HOST makes the host answer, judged against the threat model: the tailnet is the trust boundary. */
export const listeningCheck = (
  host: string,
  port: number,
  addresses: ReadonlyArray<InterfaceAddress>,
  running: boolean
): CheckResult => {
  const name = "listening addresses"
  const state = running ? "answering" : "not running now"
  const bare = host.replace(/^\[|\]$/g, "")
  if (WILDCARDS.has(host)) {
    const exposed = addresses
      .filter((a) => !a.internal && !isLoopbackAddress(a.address) && !a.address.toLowerCase().startsWith("fe80:"))
      .map((a) => a.address)
    const outside = exposed.filter((address) => !isTailnetAddress(address))
    const where = `HOST=${host === "" ? "(unset)" : host} port ${port} (${state}): every interface`
    if (outside.length === 0) return pass(name, `${where}, here only loopback and the tailnet`)
    return warn(
      name,
      `${where}, including ${outside.join(", ")}, which ${outside.length === 1 ? "is" : "are"} not on a tailnet`,
      "set HOST to this machine's tailnet address (or firewall the other interfaces) so only the tailnet reaches the host"
    )
  }
  if (isLoopbackAddress(bare)) return pass(name, `HOST=${host} port ${port} (${state}): loopback only`)
  if (isTailnetAddress(bare)) return pass(name, `HOST=${host} port ${port} (${state}): the tailnet address`)
  return warn(
    name,
    `HOST=${host} port ${port} (${state}) is not a loopback or tailnet address`,
    "set HOST to this machine's tailnet address so only the tailnet reaches the host"
  )
}

/** Is something answering the host's health route on loopback at this port? */
export const hostAnswers = (port: number) =>
  Effect.tryPromise(async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(1_500) })
    await response.body?.cancel()
    return response.status < 500 || response.status === 503
  }).pipe(Effect.orElseSucceed(() => false))

export const gatewayCheck: Effect.Effect<CheckResult> = Effect.gen(function* () {
  const name = "agent gateway"
  const loaded = yield* Effect.either(loadGatewayConfig)
  if (loaded._tag === "Left") {
    return fail(name, loaded.left.message, "point OPENCLAW_GATEWAY_URL at the gateway on this machine (127.0.0.1)")
  }
  const config = loaded.right
  const where = displayUrl(config.url)
  const gateway = Gateway.make(config)
  const target = yield* Effect.either(gateway.target())
  if (target._tag === "Left" || Option.isNone(config.password)) {
    return warn(
      name,
      `${where}: OPENCLAW_GATEWAY_PASSWORD is not set, so chat and agent work are off`,
      "set OPENCLAW_GATEWAY_PASSWORD to OpenClaw's gateway.auth.password (pnpm bootstrap generates one)"
    )
  }
  const remote = config.allowRemote ? " (a remote gateway, allowed by OPENCLAW_ALLOW_REMOTE)" : ""
  const state = yield* probeGateway(target.right, Math.min(2_000, config.firstByteTimeoutMs))
  switch (state) {
    case "up":
      return config.allowRemote && !isLoopbackHost(config.url.hostname)
        ? warn(
            name,
            `${where}${remote} accepts the password`,
            "run the gateway on this machine and drop OPENCLAW_ALLOW_REMOTE"
          )
        : pass(name, `${where} is loopback and accepts the password`)
    case "wrong-password":
      return fail(
        name,
        `${where} rejects OPENCLAW_GATEWAY_PASSWORD`,
        `make OPENCLAW_GATEWAY_PASSWORD and ${PASSWORD_KEY} in OpenClaw's config the same value`
      )
    case "endpoint-disabled":
      return fail(
        name,
        `${where}${remote} answers, but its OpenAI-compatible endpoint is off, so every chat would fail with 404`,
        `set ${CHAT_COMPLETIONS_KEY} to true in OpenClaw's config (pnpm carabase openclaw-config prints it)`
      )
    case "down":
    case "unconfigured":
      return warn(name, `${where}${remote} is not answering`, "start the OpenClaw gateway")
  }
})
