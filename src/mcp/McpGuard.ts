// DNS-rebinding protection for the MCP endpoints: a browser page on another origin must not drive the agent's
// tools. A present Origin must be on the allow-list (default: none), and the Host must be a name this machine
// answers to: an IP literal, localhost, this machine's host name (short or any domain under it, e.g. MagicDNS), or
// one configured in CARABASE_MCP_ALLOWED_HOSTS.
import * as os from "node:os"
import { Config } from "effect"

export interface McpGuardConfig {
  readonly allowedOrigins: ReadonlyArray<string>
  readonly allowedHosts: ReadonlyArray<string>
}

const list = (name: string) =>
  Config.string(name).pipe(
    Config.withDefault(""),
    Config.map((value) =>
      value
        .split(",")
        .map((entry) => entry.trim().toLowerCase())
        .filter((entry) => entry !== "")
    )
  )

export const mcpGuardConfig: Config.Config<McpGuardConfig> = Config.all({
  allowedOrigins: list("CARABASE_MCP_ALLOWED_ORIGINS"),
  allowedHosts: list("CARABASE_MCP_ALLOWED_HOSTS")
})

const hostnameOf = (hostHeader: string): string => {
  const host = hostHeader.trim().toLowerCase()
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"))
  const colon = host.lastIndexOf(":")
  return colon === -1 ? host : host.slice(0, colon)
}

const isIpLiteral = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":")

export type GuardVerdict = { readonly ok: true } | { readonly ok: false; readonly message: string }

export const checkRequest = (
  config: McpGuardConfig,
  headers: { readonly origin?: string | undefined; readonly host?: string | undefined },
  machineName: string = os.hostname().toLowerCase()
): GuardVerdict => {
  if (
    headers.origin !== undefined &&
    headers.origin !== "" &&
    !config.allowedOrigins.includes(headers.origin.toLowerCase())
  ) {
    return {
      ok: false,
      message: `origin ${headers.origin} is not allowed to use the MCP server (add it to CARABASE_MCP_ALLOWED_ORIGINS)`
    }
  }
  const host = hostnameOf(headers.host ?? "")
  const known =
    host === "" ||
    isIpLiteral(host) ||
    host === "localhost" ||
    host === machineName ||
    host.startsWith(`${machineName}.`) ||
    config.allowedHosts.includes(host)
  return known
    ? { ok: true }
    : { ok: false, message: `host ${host} is not served here (add it to CARABASE_MCP_ALLOWED_HOSTS)` }
}
