// The host's version and the update channel it belongs to, derived from the version tag.
export type Channel = "stable" | "beta" | "alpha"

declare const __CARABASE_VERSION__: string | undefined

export const HOST_VERSION: string = typeof __CARABASE_VERSION__ === "string" ? __CARABASE_VERSION__ : "0.0.0-dev"

/** `X.Y.Z` is stable, `-beta.N` and `-rc.N` are beta, `-alpha.N` and any other pre-release are alpha. */
export const channelOf = (version: string): Channel => {
  const match = /^v?\d+\.\d+\.\d+(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim())
  if (match === null) return "alpha"
  const prerelease = match[1]
  if (prerelease === undefined) return "stable"
  return /^(beta|rc)(\.|$)/i.test(prerelease) ? "beta" : "alpha"
}
