// The host serves the built admin UI under /admin/: content types, a year of caching for hashed assets and none for
// index.html, index.html for the UI's own routes, /api never shadowed, and nothing outside dist/admin reachable
// however the path is spelt.
import * as fs from "node:fs"
import * as http from "node:http"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { describe, expect, it } from "@effect/vitest"
import { repoRoot } from "../support/hostProcess"
import { hostSuite } from "../support/hostSuite"

const suite = hostSuite("admin_serving")

/** Exactly this path on the wire: fetch would resolve `..` before sending. */
const rawGet = (target: string) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const url = new URL(suite.base)
    const request = http.request({ host: url.hostname, port: url.port, path: target, method: "GET" }, (response) => {
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (body += chunk))
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body }))
    })
    request.on("error", reject)
    request.end()
  })

const assets = () =>
  fs.readdirSync(path.join(repoRoot, "dist", "admin", "assets")).filter((name) => !/\.(br|gz)$/.test(name))

/** The raw bytes of a GET with the given Accept-Encoding. */
const getBytes = (target: string, acceptEncoding: string | undefined) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const url = new URL(suite.base)
    const headers = acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding }
    const request = http.request(
      { host: url.hostname, port: url.port, path: target, method: "GET", headers },
      (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("end", () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) })
        )
      }
    )
    request.on("error", reject)
    request.end()
  })
const indexHtml = () => fs.readFileSync(path.join(repoRoot, "dist", "admin", "index.html"), "utf8")

describe("admin UI serving", () => {
  it("serves index.html at /admin/ with no-cache and a content security policy", async () => {
    const response = await rawGet("/admin/")
    expect(response.status).toBe(200)
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8")
    expect(response.headers["cache-control"]).toBe("no-cache")
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'")
    expect(response.headers["x-content-type-options"]).toBe("nosniff")
    expect(response.body).toBe(indexHtml())
  })

  it("serves hashed scripts and styles with their content type and an immutable year-long cache", async () => {
    // The script index.html loads (the entry chunk; the pages' own chunks are small and come on their first visit).
    const js = /\/admin\/assets\/([^"]+\.js)"/.exec(indexHtml())![1]!
    expect(assets()).toContain(js)
    const css = assets().find((name) => name.endsWith(".css"))!
    const script = await rawGet(`/admin/assets/${js}`)
    expect(script.status).toBe(200)
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8")
    expect(script.headers["cache-control"]).toBe("public, max-age=31536000, immutable")
    expect(script.body).toBe(fs.readFileSync(path.join(repoRoot, "dist", "admin", "assets", js), "utf8"))
    const style = await rawGet(`/admin/assets/${css}`)
    expect(style.headers["content-type"]).toBe("text/css; charset=utf-8")
    expect(style.headers["cache-control"]).toBe("public, max-age=31536000, immutable")
  })

  it("sends the script brotli or gzip compressed as the browser accepts, with Vary, and plain otherwise", async () => {
    // The script index.html loads (the entry chunk; the pages' own chunks are small and come on their first visit).
    const js = /\/admin\/assets\/([^"]+\.js)"/.exec(indexHtml())![1]!
    expect(assets()).toContain(js)
    const plain = fs.readFileSync(path.join(repoRoot, "dist", "admin", "assets", js))
    const br = await getBytes(`/admin/assets/${js}`, "gzip, deflate, br, zstd")
    expect(br.headers["content-encoding"]).toBe("br")
    expect(br.headers["vary"]).toBe("accept-encoding")
    expect(zlib.brotliDecompressSync(br.body).equals(plain)).toBe(true)
    const gzip = await getBytes(`/admin/assets/${js}`, "gzip, br;q=0")
    expect(gzip.headers["content-encoding"]).toBe("gzip")
    expect(zlib.gunzipSync(gzip.body).equals(plain)).toBe(true)
    const none = await getBytes(`/admin/assets/${js}`, undefined)
    expect(none.headers["content-encoding"]).toBeUndefined()
    expect(none.headers["vary"]).toBe("accept-encoding")
    expect(none.body.equals(plain)).toBe(true)
    // What a phone downloads: the compressed script, well under its plain size.
    expect(br.body.length).toBeLessThan(plain.length / 3)
    const page = await getBytes("/admin/today", "br")
    expect(page.headers["content-encoding"]).toBe("br")
    expect(zlib.brotliDecompressSync(page.body).toString("utf8")).toBe(indexHtml())
  })

  it("answers deep links and reloads of the UI's routes with index.html", async () => {
    for (const target of ["/admin/today", "/admin/folios/123", "/admin/chat/abc?x=1", "/admin/index.html"]) {
      const response = await rawGet(target)
      expect(response.status, target).toBe(200)
      expect(response.headers["content-type"], target).toBe("text/html; charset=utf-8")
      expect(response.headers["cache-control"], target).toBe("no-cache")
      expect(response.body, target).toBe(indexHtml())
    }
  })

  it("answers a missing hashed asset with 404, not HTML under a script's name", async () => {
    const response = await rawGet("/admin/assets/index-00000000.js")
    expect(response.status).toBe(404)
    expect(response.headers["content-type"]).not.toContain("html")
  })

  it("redirects / and /admin to /admin/", async () => {
    for (const target of ["/", "/admin"]) {
      const response = await rawGet(target)
      expect([301, 302]).toContain(response.status)
      expect(response.headers.location).toBe("/admin/")
    }
  })

  it("never shadows /api: health, 404s and the OpenAPI document stay the API's", async () => {
    const health = await rawGet("/api/v1/health")
    expect(health.status).toBe(200)
    expect(JSON.parse(health.body)).toMatchObject({ status: "ok" })
    const missing = await rawGet("/api/v1/no-such-route")
    expect(missing.status).toBe(404)
    expect(missing.body).not.toContain("<!doctype html>")
    const openapi = await rawGet("/api/openapi.json")
    expect(openapi.status).toBe(200)
    expect(openapi.headers["content-type"]).toContain("application/json")
  })

  it("refuses path traversal however it is encoded", async () => {
    const attempts = [
      "/admin/../package.json",
      "/admin/..%2fpackage.json",
      "/admin/..%2F..%2Fpackage.json",
      "/admin/%2e%2e/package.json",
      "/admin/%2e%2e%2fpackage.json",
      "/admin/assets/..%2f..%2f..%2fpackage.json",
      "/admin/..%5cpackage.json",
      "/admin/..\\package.json",
      "/admin/%252e%252e%252fpackage.json",
      "/admin/assets/%00.js",
      "/admin/%E0%A4%A"
    ]
    const secret = fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")
    for (const target of attempts) {
      const response = await rawGet(target)
      expect(response.body, target).not.toBe(secret)
      expect(response.body, target).not.toContain('"devDependencies"')
      expect([200, 400, 404], target).toContain(response.status)
      if (response.status === 200) expect(response.body, target).toBe(indexHtml())
    }
    expect((await rawGet("/admin/..%2fpackage.json")).status).toBe(400)
  })
})
