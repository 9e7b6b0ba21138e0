// The layout `carabase upgrade` and `carabase rollback` keep in the install's folder (where .env.<env> is):
//   releases/<name>/          one installed and built release each (a git commit's, or a release tarball's)
//   releases/current -> <name>    the release the host runs (the service runs releases/current/dist/main.js)
//   releases/previous -> <name>   the one before, kept for rollback; `..` (the install's own dist/) before the first
// Each release folder has a release.json saying where it came from and the backup taken before it was switched to.
import * as fs from "node:fs"
import * as path from "node:path"

export interface ReleaseInfo {
  readonly source: string
  readonly version: string
  readonly installedAt: string
  /** The verified backup taken before this release was switched to: what to restore to go back past its migrations. */
  readonly backup?: string
  /** The migrations this release applied on the switch. */
  readonly applied?: ReadonlyArray<string>
}

export const releasesDir = (root: string) => path.join(root, "releases")
export const INFO_FILE = "release.json"

/** Where a link points, resolved (the install's own folder for `..`), or undefined when there is no such link. */
export const linkTarget = (root: string, link: "current" | "previous"): string | undefined => {
  const at = path.join(releasesDir(root), link)
  try {
    return path.resolve(releasesDir(root), fs.readlinkSync(at))
  } catch {
    return undefined
  }
}

/** The release that runs now: releases/current, else the install's own folder (its dist/). */
export const runningRelease = (root: string) => linkTarget(root, "current") ?? root

/** Points `link` at `target` atomically (a new link renamed over the old one). */
export const pointLink = (root: string, link: "current" | "previous", target: string) => {
  const dir = releasesDir(root)
  fs.mkdirSync(dir, { recursive: true })
  const temporary = path.join(dir, `.${link}.${process.pid}`)
  fs.rmSync(temporary, { force: true })
  fs.symlinkSync(path.relative(dir, target) || ".", temporary)
  fs.renameSync(temporary, path.join(dir, link))
}

export const readInfo = (release: string): ReleaseInfo | undefined => {
  try {
    return JSON.parse(fs.readFileSync(path.join(release, INFO_FILE), "utf8")) as ReleaseInfo
  } catch {
    return undefined
  }
}

export const writeInfo = (release: string, info: ReleaseInfo) =>
  fs.writeFileSync(path.join(release, INFO_FILE), `${JSON.stringify(info, null, 2)}\n`)

/** A folder name for a source: the short commit, or the tarball's name without .tar.gz. */
export const releaseName = (source: { readonly commit: string } | { readonly tarball: string }) =>
  "commit" in source
    ? `git-${source.commit.slice(0, 12)}`
    : path
        .basename(source.tarball)
        .replace(/\.(tar\.gz|tgz)$/, "")
        .replace(/[^A-Za-z0-9._-]/g, "_")

/**
 * What a pending migration does to the data the running release uses. Every migration here is forward-only (no down
 * script exists, and a host refuses a database with a migration it does not know), so none can be rolled back;
 * "destructive" ones also drop or rewrite what is there, so restoring the backup is the only way back to before them.
 */
export const classifyMigration = (text: string): "additive" | "destructive" => {
  const code = text.replace(/--.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "")
  return /\b(drop\s+(table|column|schema|type|view|function|index|policy|trigger)|truncate|delete\s+from|update\s+\w|rename\s+(to|column)|alter\s+column\s+\w+\s+(set\s+data\s+)?type)\b/i.test(
    code
  )
    ? "destructive"
    : "additive"
}
