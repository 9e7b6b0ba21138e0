// The names this host answers to, and the origins whose pages may change things on it: the one allow-list every
// route's Host and Origin checks use (the API, the admin UI, MCP). A web page the owner's browser opens can resolve
// any name it likes to this machine (DNS rebinding), so a name is allowed only when it cannot be an attacker's:
// loopback names, IP literals, this machine's own name and its tailnet names, and what the owner lists.
import * as net from "node:net"
import * as os from "node:os"
import { Config, Option } from "effect"

export interface HostNames {
  /** Extra host names, lower case, without port (CARABASE_ALLOWED_HOSTS, CARABASE_PUBLIC_URL's host). */
  readonly hosts: ReadonlyArray<string>
  /** Extra origins allowed to send writes (CARABASE_ALLOWED_ORIGINS), as `scheme://host[:port]`. */
  readonly origins: ReadonlyArray<string>
  /** This machine's host name, lower case. */
  readonly machine: string
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

const hostOfUrl = (url: string): Option.Option<string> => {
  try {
    return Option.some(new URL(url).hostname.toLowerCase())
  } catch {
    return Option.none()
  }
}

/** An origin as browsers send it: scheme, host and non-default port, lower case; None when it is not a URL. */
export const normalizeOrigin = (origin: string): Option.Option<string> => {
  try {
    const url = new URL(origin)
    return url.protocol === "http:" || url.protocol === "https:" ? Option.some(url.origin.toLowerCase()) : Option.none()
  } catch {
    return Option.none()
  }
}

/** A comma-separated list of origins, each normalised; entries that are not http(s) origins are left out. */
export const originList = (name: string) =>
  Config.map(list(name), (entries) => entries.flatMap((origin) => Option.toArray(normalizeOrigin(origin))))

export const hostNamesConfig: Config.Config<HostNames> = Config.all({
  allowed: list("CARABASE_ALLOWED_HOSTS"),
  // The MCP server's own list from before there was one list for every route; still honoured.
  mcpAllowed: list("CARABASE_MCP_ALLOWED_HOSTS"),
  publicUrl: Config.option(Config.string("CARABASE_PUBLIC_URL")),
  origins: originList("CARABASE_ALLOWED_ORIGINS")
}).pipe(
  Config.map(({ allowed, mcpAllowed, origins, publicUrl }) => ({
    hosts: [
      ...allowed.map((entry) => Option.getOrElse(hostOfUrl(`http://${entry}`), () => entry)),
      ...mcpAllowed,
      ...Option.toArray(Option.flatMap(publicUrl, hostOfUrl))
    ],
    origins,
    machine: os.hostname().toLowerCase()
  }))
)

/**
 * The host name of a Host header (`name[:port]`, `[v6]:port`), parsed the way a URL is (so `127.1` is 127.0.0.1 and
 * `LOCALHOST.` is localhost), without brackets or a trailing dot; None when it is not a host.
 */
export const hostnameOf = (hostHeader: string): Option.Option<string> => {
  const trimmed = hostHeader.trim()
  if (trimmed === "" || /[/?#@\\\s]/.test(trimmed)) return Option.none()
  return Option.map(hostOfUrl(`http://${trimmed}`), (name) =>
    (name.startsWith("[") ? name.slice(1, -1) : name).replace(/\.$/, "")
  )
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** Whether a parsed host name is one this machine answers to. */
export const isAllowedHostname = (names: HostNames, hostname: string): boolean => {
  if (net.isIP(hostname) !== 0) return true
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true
  const machine = names.machine.replace(/\.$/, "")
  const short = machine.split(".")[0] ?? machine
  if (hostname === machine || hostname === short) return true
  // MagicDNS: <machine>.<tailnet>.ts.net, exactly one label for the tailnet.
  if (new RegExp(`^${escapeRegExp(short)}\\.[a-z0-9-]+\\.ts\\.net$`).test(hostname)) return true
  return names.hosts.includes(hostname)
}

/** A request without a Host header (HTTP/1.0 tools) cannot come from a browser page, so it is not refused. */
export const isAllowedHost = (names: HostNames, hostHeader: string | undefined): boolean =>
  hostHeader === undefined || hostHeader === ""
    ? true
    : Option.match(hostnameOf(hostHeader), {
        onNone: () => false,
        onSome: (hostname) => isAllowedHostname(names, hostname)
      })

/**
 * Whether a page of `origin` may send a write: a page served by this host under the name the request came to (the
 * admin UI), or an origin the owner listed. `null` (sandboxed frames, file: pages) and any other origin may not.
 */
export const isAllowedOrigin = (names: HostNames, origin: string, hostHeader: string | undefined): boolean =>
  Option.match(normalizeOrigin(origin), {
    onNone: () => false,
    onSome: (normalized) =>
      names.origins.includes(normalized) ||
      (hostHeader !== undefined && new URL(normalized).host === hostHeader.trim().toLowerCase())
  })

export const hostRefusal = (hostHeader: string) => {
  const name = Option.getOrElse(hostnameOf(hostHeader), () => "(malformed)")
  return `this host does not answer to the name ${JSON.stringify(name)}: if that is its name, add it to CARABASE_ALLOWED_HOSTS`
}
