// Serves the admin web UI (built by Vite into dist/admin/) under /admin/, as a raw router beside the API. Hashed files
// under /admin/assets/ are cached for a year; index.html is revalidated on every load; any other path under /admin/
// answers index.html so the UI's own routes survive a reload. Files are read once at startup into a map keyed by their
// relative path, and a request path is decoded segment by segment with `..`, `.`, slashes and backslashes refused, so
// nothing outside the folder can ever be named.
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json"
}

export const IMMUTABLE = "public, max-age=31536000, immutable"

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer"
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

interface AdminFile {
  readonly body: Uint8Array
  readonly contentType: string
  /** The build's precompressed copies (`<file>.br`, `<file>.gz`), when it wrote them. */
  readonly br?: Uint8Array
  readonly gzip?: Uint8Array
}

/** Precompressed copies beside a file; never served under their own names. */
const COMPRESSED = /\.(br|gz)$/

/**
 * The encoding to send for an Accept-Encoding header: brotli, else gzip, else none; an encoding with q=0 is refused,
 * and `*` stands for any not named.
 */
export const chooseEncoding = (header: string | undefined): "br" | "gzip" | undefined => {
  const weights = new Map<string, number>()
  for (const part of (header ?? "").split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";")
    if (name === "") continue
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined)
    weights.set(name, q === undefined ? 1 : Number(q))
  }
  const weight = (name: string) => weights.get(name) ?? weights.get("*") ?? 0
  if (weight("br") > 0) return "br"
  if (weight("gzip") > 0) return "gzip"
  return undefined
}

/** The file's body in the best encoding the client accepts, with the headers that say so. */
const encoded = (file: AdminFile, acceptEncoding: string | undefined) => {
  if (file.br === undefined && file.gzip === undefined) return { body: file.body, headers: {} }
  const choice = chooseEncoding(acceptEncoding)
  const body = choice === "br" ? file.br : choice === "gzip" ? file.gzip : undefined
  // Vary either way: a cache must not hand a compressed copy to a client that did not ask for one, nor the reverse.
  return body === undefined
    ? { body: file.body, headers: { vary: "accept-encoding" } }
    : { body, headers: { vary: "accept-encoding", "content-encoding": choice! } }
}

/** dist/admin beside the running bundle (dist/main.js), or the repository's dist/admin when run from source. */
export const defaultAdminDir = (): string | undefined => {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    for (const candidate of [path.join(dir, "admin"), path.join(dir, "dist", "admin")]) {
      if (fs.existsSync(path.join(candidate, "index.html"))) return candidate
    }
    dir = path.dirname(dir)
  }
  return undefined
}

const readTree = (root: string): Map<string, AdminFile> => {
  const files = new Map<string, AdminFile>()
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relative)
      else if (entry.isFile() && !COMPRESSED.test(entry.name)) {
        const file = path.join(dir, entry.name)
        const contentType = CONTENT_TYPES[path.extname(entry.name).toLowerCase()] ?? "application/octet-stream"
        const variant = (suffix: string) =>
          fs.existsSync(`${file}${suffix}`) ? { body: fs.readFileSync(`${file}${suffix}`) } : undefined
        const br = variant(".br")
        const gzip = variant(".gz")
        files.set(relative, {
          body: fs.readFileSync(file),
          contentType,
          ...(br === undefined ? {} : { br: br.body }),
          ...(gzip === undefined ? {} : { gzip: gzip.body })
        })
      }
    }
  }
  walk(root, "")
  return files
}

/** The file key a path below /admin/ names, or undefined when it is malformed or tries to leave the folder. */
export const adminKey = (rest: string): string | undefined => {
  if (rest === "") return ""
  const segments: Array<string> = []
  for (const raw of rest.split("/")) {
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return undefined
    }
    if (segment === "." || segment === ".." || /[/\\\0]/.test(segment)) return undefined
    if (segment !== "") segments.push(segment)
  }
  return segments.join("/")
}

const refused = HttpServerResponse.text("that path is not allowed", { status: 400, headers: SECURITY_HEADERS })

export const AdminHttpLive = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const root = defaultAdminDir()
    const files = root === undefined ? new Map<string, AdminFile>() : readTree(root)
    const index = files.get("index.html")
    if (index === undefined)
      yield* Effect.logWarning("the admin UI is not built (dist/admin/index.html): run pnpm build")

    const indexResponse = (acceptEncoding: string | undefined) => {
      if (index === undefined) {
        return HttpServerResponse.text("the admin UI is not built on this host: run pnpm build", {
          status: 503,
          headers: SECURITY_HEADERS
        })
      }
      const { body, headers } = encoded(index, acceptEncoding)
      return HttpServerResponse.uint8Array(body, {
        contentType: index.contentType,
        headers: { ...SECURITY_HEADERS, ...headers, "cache-control": "no-cache", "content-security-policy": CSP }
      })
    }

    const serve = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const acceptEncoding = request.headers["accept-encoding"]
      const pathname = request.url.split(/[?#]/, 1)[0] ?? ""
      // The router treats /admin and /admin/ alike: only the bare form is sent to the canonical URL.
      if (!pathname.startsWith("/admin/")) return HttpServerResponse.redirect("/admin/", { status: 301 })
      const key = adminKey(pathname.slice("/admin/".length))
      if (key === undefined) return refused
      const file = key === "" || key === "index.html" ? undefined : files.get(key)
      if (file !== undefined) {
        const { body, headers } = encoded(file, acceptEncoding)
        return HttpServerResponse.uint8Array(body, {
          contentType: file.contentType,
          headers: {
            ...SECURITY_HEADERS,
            ...headers,
            "cache-control": key.startsWith("assets/") ? IMMUTABLE : "no-cache"
          }
        })
      }
      // A missing hashed asset is a stale page asking for an old build: a 404, not HTML under a script's name.
      if (key.startsWith("assets/")) {
        return HttpServerResponse.text("no such asset", {
          status: 404,
          headers: { ...SECURITY_HEADERS, "cache-control": "no-cache" }
        })
      }
      return indexResponse(acceptEncoding)
    })

    yield* router.get("/", HttpServerResponse.redirect("/admin/", { status: 302 }))
    yield* router.get("/admin", serve)
    yield* router.get("/admin/*", serve)
  })
)
