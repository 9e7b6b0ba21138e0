// DNS-rebinding and cross-origin protection for the MCP endpoints: a browser page on another origin must not drive
// the agent's tools. The Host must be a name this machine answers to (the host-wide allow-list of src/http/HostNames),
// and a present Origin must be listed (CARABASE_MCP_ALLOWED_ORIGINS or CARABASE_ALLOWED_ORIGINS; default: none, as
// MCP clients are programs, not pages).
import { Config, Option } from "effect"
import {
  hostNamesConfig,
  hostRefusal,
  isAllowedHost,
  normalizeOrigin,
  originList,
  type HostNames
} from "../http/HostNames"

export interface McpGuardConfig {
  readonly allowedOrigins: ReadonlyArray<string>
  readonly names: HostNames
}

export const mcpGuardConfig: Config.Config<McpGuardConfig> = Config.all({
  allowedOrigins: originList("CARABASE_MCP_ALLOWED_ORIGINS"),
  names: hostNamesConfig
})

export type GuardVerdict = { readonly ok: true } | { readonly ok: false; readonly message: string }

export const checkRequest = (
  config: McpGuardConfig,
  headers: { readonly origin?: string | undefined; readonly host?: string | undefined }
): GuardVerdict => {
  if (headers.origin !== undefined && headers.origin !== "") {
    const listed = Option.exists(
      normalizeOrigin(headers.origin),
      (origin) => config.allowedOrigins.includes(origin) || config.names.origins.includes(origin)
    )
    if (!listed) {
      return {
        ok: false,
        message: `origin ${headers.origin} is not allowed to use the MCP server (add it to CARABASE_MCP_ALLOWED_ORIGINS)`
      }
    }
  }
  return isAllowedHost(config.names, headers.host) ? { ok: true } : { ok: false, message: hostRefusal(headers.host!) }
}
