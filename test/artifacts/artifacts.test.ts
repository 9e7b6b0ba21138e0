// Artifacts over real HTTP: multipart upload with text extraction per format, metadata, content under a token
// budget, the upload size limit (413, nothing stored), bad input, and workspace isolation.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type pg from "pg"
import { runClient } from "../support/apiClient"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"
import { makePdf } from "./fixtures/pdf"

let db: TestDatabase
let owner: pg.Client
let host: HostProcess
let base: string

beforeAll(async () => {
  db = await createDatabase("artifacts")
  owner = await connect(db.ownerUrl)
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  host = startHost({ cwd: scratchDir(), env: hostEnv(db, port) })
  await host.ready()
})
afterAll(async () => {
  if (process.env.DEBUG_HOST) console.log(host?.stdout(), host?.stderr())
  await host?.stop()
  await owner?.end()
  await db?.drop()
})

const workspace = (name: string) => createWorkspace(base, name)

const stored = async (ws: string) =>
  Number((await owner.query("select count(*) from artifacts where workspace_id = $1", [ws])).rows[0].count)

const form = (filename: string, type: string, bytes: Uint8Array | string, field = "file") => {
  const body = new FormData()
  body.append(field, new Blob([bytes as BlobPart], { type }), filename)
  return body
}

const upload = (ws: string, body: FormData | string, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/v1/artifacts/upload`, {
    method: "POST",
    body,
    headers: { "x-workspace-id": ws, ...headers }
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }))

const get = (ws: string, path: string) =>
  fetch(`${base}/api/v1${path}`, { headers: { "x-workspace-id": ws } }).then(async (response) => ({
    status: response.status,
    body: (await response.json()) as any
  }))

const uploadOk = async (ws: string, filename: string, type: string, bytes: Uint8Array | string) => {
  const response = await upload(ws, form(filename, type, bytes))
  expect(response.status, JSON.stringify(response.body)).toBe(201)
  return response.body.artifact as { id: string; filename: string; mimeType: string; size: number; createdAt: string }
}

const contentOf = async (ws: string, id: string, maxTokens?: number) => {
  const response = await get(ws, `/artifacts/${id}/content${maxTokens === undefined ? "" : `?max_tokens=${maxTokens}`}`)
  expect(response.status).toBe(200)
  return response.body as { content: string; extracted: boolean; truncated: boolean; totalTokens: number }
}

describe("POST /artifacts/upload", () => {
  it("stores a file through the typed client and answers 201 with its metadata; GET returns the same", async () => {
    const ws = await workspace("Art typed")
    const { artifact } = await runClient(
      base,
      (api) => api.artifacts.upload({ payload: form("notes.txt", "text/plain", "Plain words about lighthouses.") }),
      ws
    )
    expect(artifact).toMatchObject({ filename: "notes.txt", mimeType: "text/plain", size: 30 })
    expect(artifact.id).toMatch(/^[0-9a-f-]{36}$/)
    const fetched = await runClient(base, (api) => api.artifacts.get({ path: { id: artifact.id } }), ws)
    expect(fetched.artifact).toEqual(artifact)
    const content = await runClient(
      base,
      (api) => api.artifacts.content({ path: { id: artifact.id }, urlParams: {} }),
      ws
    )
    expect(content).toEqual({
      content: "Plain words about lighthouses.",
      extracted: true,
      status: "text",
      extractor: "text",
      reason: null,
      truncated: false,
      totalTokens: 8
    })
  })

  it("extracts text from plain text, Markdown, HTML, JSON, CSV and PDF", async () => {
    const ws = await workspace("Art formats")
    const cases: Array<[string, string, Uint8Array | string, (text: string) => void]> = [
      [
        "a.txt",
        "text/plain; charset=utf-8",
        "\uFEFFhello plain\r\nsecond line",
        (t) => expect(t).toBe("hello plain\nsecond line")
      ],
      ["b.md", "text/markdown", "# Title\n\n- item **bold**", (t) => expect(t).toBe("# Title\n\n- item **bold**")],
      [
        "c.html",
        "text/html",
        "<html><head><title>Page</title><style>p{color:red}</style><script>var secret = 1</script></head>" +
          "<body><h1>Heading</h1><p>Fish &amp; chips &lt;3</p><!-- hidden --></body></html>",
        (t) => expect(t).toBe("Page\n\nHeading\n\nFish & chips <3")
      ],
      [
        "d.json",
        "application/json",
        '{"name":"Ada","tags":["math"]}',
        (t) => expect(t).toBe('{\n  "name": "Ada",\n  "tags": [\n    "math"\n  ]\n}')
      ],
      ["e.csv", "text/csv", "name,city\r\nAda,London\r\n", (t) => expect(t).toBe("name,city\nAda,London")],
      [
        "f.pdf",
        "application/pdf",
        makePdf(["Quarterly zebra report", "Second line (with parens)"]),
        (t) => {
          expect(t).toContain("Quarterly zebra report")
          expect(t).toContain("Second line (with parens)")
        }
      ]
    ]
    for (const [filename, type, bytes, check] of cases) {
      const artifact = await uploadOk(ws, filename, type, bytes)
      const content = await contentOf(ws, artifact.id)
      expect(content.extracted, filename).toBe(true)
      check(content.content)
    }
  })

  it("infers the type from the extension or the bytes when the client sends a generic one", async () => {
    const ws = await workspace("Art sniff")
    expect((await uploadOk(ws, "readme.md", "application/octet-stream", "# hi")).mimeType).toBe("text/markdown")
    expect((await uploadOk(ws, "scan", "application/octet-stream", makePdf(["sniffed pdf"]))).mimeType).toBe(
      "application/pdf"
    )
  })

  it("stores an unknown binary file without text, and the content endpoint says so", async () => {
    const ws = await workspace("Art binary")
    const artifact = await uploadOk(ws, "blob.bin", "application/octet-stream", new Uint8Array([0, 1, 2, 3, 255]))
    expect(artifact).toMatchObject({ mimeType: "application/octet-stream", size: 5 })
    const content = await contentOf(ws, artifact.id)
    expect(content.extracted).toBe(false)
    expect(content.content).toMatch(/^\[no text: blob\.bin \(application\/octet-stream, 5 bytes\)/)
    const broken = await uploadOk(ws, "broken.pdf", "application/pdf", "%PDF-1.4 this is not really a pdf")
    expect((await contentOf(ws, broken.id)).content).toMatch(/no text.*could not be read/)
  })

  it("keeps no text it could not store: a NUL byte past the first 8 KiB, an entity for a lone surrogate", async () => {
    const ws = await workspace("Art unstorable")
    const late = await uploadOk(ws, "late.txt", "text/plain", `${"words ".repeat(2000)}\u0000tail`)
    expect(await contentOf(ws, late.id)).toMatchObject({ extracted: false, content: expect.stringMatching(/binary/) })
    const html = await uploadOk(ws, "entity.html", "text/html", "<p>odd &#xD800; entity</p>")
    expect((await contentOf(ws, html.id)).content).toBe("odd &#xD800; entity")
  })

  it("rejects a body that is not multipart, or has no `file` field, with a 400 and stores nothing", async () => {
    const ws = await workspace("Art bad")
    const json = await upload(ws, JSON.stringify({ file: "x" }), { "content-type": "application/json" })
    expect(json.status).toBe(400)
    expect(json.body._tag).toBe("UploadInvalid")
    const other = await upload(ws, form("a.txt", "text/plain", "x", "document"))
    expect(other.status).toBe(400)
    expect(other.body).toMatchObject({ _tag: "UploadInvalid", message: expect.stringMatching(/field named `file`/) })
    const fieldOnly = new FormData()
    fieldOnly.append("file", "just a string field")
    expect((await upload(ws, fieldOnly)).status).toBe(400)
    const two = form("a.txt", "text/plain", "x")
    two.append("file", new Blob(["y"], { type: "text/plain" }), "b.txt")
    expect((await upload(ws, two)).status).toBe(400)
    const garbled = await upload(ws, "--xyz\r\nContent-Disposition: form-da", {
      "content-type": "multipart/form-data; boundary=xyz"
    })
    expect(garbled.status).toBe(400)
    expect(await stored(ws)).toBe(0)
  })

  it("answers a malformed RFC 5987 filename* with a 400, stores nothing, and keeps serving", async () => {
    const ws = await workspace("Art filename")
    for (const encoded of ["a%ED%A0%80b.txt", "broken%zz.txt", "half%E2%82"]) {
      const body = [
        "--xyz",
        `Content-Disposition: form-data; name="file"; filename*=UTF-8''${encoded}`,
        "Content-Type: text/plain",
        "",
        "hello",
        "--xyz--",
        ""
      ].join("\r\n")
      const answer = await upload(ws, body, { "content-type": "multipart/form-data; boundary=xyz" })
      expect(answer.status, JSON.stringify(answer.body)).toBe(400)
      expect(answer.body).toMatchObject({ _tag: "UploadInvalid", message: expect.stringMatching(/filename/) })
    }
    expect(host.child.exitCode).toBeNull()
    expect((await fetch(`${base}/api/v1/health`)).status).toBe(200)
    expect(await stored(ws)).toBe(0)
    // A well-formed filename* still names the file.
    const good = [
      "--xyz",
      `Content-Disposition: form-data; name="file"; filename*=UTF-8''na%C3%AFve.txt`,
      "Content-Type: text/plain",
      "",
      "hello",
      "--xyz--",
      ""
    ].join("\r\n")
    const stored201 = await upload(ws, good, { "content-type": "multipart/form-data; boundary=xyz" })
    expect(stored201.status).toBe(201)
    expect(stored201.body.artifact.filename).toBe("naïve.txt")
  })

  it("accepts a file of exactly the limit (25 MiB) and answers 413 one byte over, storing nothing", async () => {
    const ws = await workspace("Art size")
    const limit = 25 * 1024 * 1024
    const over = await upload(ws, form("big.bin", "application/octet-stream", new Uint8Array(limit + 1)))
    expect(over.status).toBe(413)
    expect(over.body).toMatchObject({ _tag: "UploadTooLarge", maxBytes: limit })
    expect(await stored(ws)).toBe(0)
    const wayOver = await upload(ws, form("huge.bin", "application/octet-stream", new Uint8Array(limit * 2)))
    expect(wayOver.status).toBe(413)
    expect(await stored(ws)).toBe(0)
    const exact = await uploadOk(ws, "exact.bin", "application/octet-stream", new Uint8Array(limit))
    expect(exact.size).toBe(limit)
    expect(await stored(ws)).toBe(1)
  })
})

describe("GET /artifacts/:id/content", () => {
  it("truncates to max_tokens (4 characters a token) at a word, default 8000", async () => {
    const ws = await workspace("Art tokens")
    const words = Array.from({ length: 10_000 }, (_, i) => `word${i}`).join(" ")
    const artifact = await uploadOk(ws, "long.txt", "text/plain", words)
    const small = await contentOf(ws, artifact.id, 10)
    expect(small.truncated).toBe(true)
    expect(small.content.length).toBeLessThanOrEqual(40)
    expect(words.startsWith(small.content)).toBe(true)
    expect(small.content).toMatch(/word\d+$/)
    expect(words.charAt(small.content.length)).toBe(" ")
    expect(small.totalTokens).toBe(Math.ceil(words.length / 4))
    const byDefault = await contentOf(ws, artifact.id)
    expect(byDefault.content.length).toBeLessThanOrEqual(32_000)
    expect(byDefault.content.length).toBeGreaterThan(31_000)
    const all = await contentOf(ws, artifact.id, 1_000_000)
    expect(all).toMatchObject({ content: words, truncated: false })
  })

  it("rejects a bad max_tokens or id with a 400, and an unknown id with a 404", async () => {
    const ws = await workspace("Art ids")
    const artifact = await uploadOk(ws, "x.txt", "text/plain", "x")
    for (const value of ["0", "-5", "abc", "1.5", "1000001"]) {
      const response = await get(ws, `/artifacts/${artifact.id}/content?max_tokens=${value}`)
      expect(response.status, value).toBe(400)
      expect(response.body._tag).toBe("HttpApiDecodeError")
    }
    expect((await get(ws, "/artifacts/not-a-uuid")).status).toBe(400)
    expect((await get(ws, "/artifacts/not-a-uuid/content")).status).toBe(400)
    const unknown = await get(ws, "/artifacts/6f1c1f47-35f5-4bd4-9bd9-1d1dbd0b7c6e")
    expect(unknown).toEqual({
      status: 404,
      body: {
        _tag: "ArtifactNotFound",
        message: "artifact 6f1c1f47-35f5-4bd4-9bd9-1d1dbd0b7c6e does not exist",
        artifactId: "6f1c1f47-35f5-4bd4-9bd9-1d1dbd0b7c6e"
      }
    })
  })
})

describe("isolation", () => {
  it("workspace B cannot read A's artifact, its content, or find it in search", async () => {
    const a = await workspace("Art A")
    const b = await workspace("Art B")
    const artifact = await uploadOk(a, "plan.md", "text/markdown", "The submarine launch plan is confidential")
    expect((await get(b, `/artifacts/${artifact.id}`)).status).toBe(404)
    expect((await get(b, `/artifacts/${artifact.id}/content`)).status).toBe(404)
    const search = (ws: string) =>
      runClient(base, (api) => api.search.search({ payload: { query: "submarine launch plan" } }), ws)
    expect((await search(b)).results).toEqual([])
    const found = (await search(a)).results
    expect(found[0]).toMatchObject({ id: artifact.id, kind: "artifact", title: "plan.md" })
  })
})

describe("CARABASE_MAX_UPLOAD_BYTES", () => {
  it("sets the upload limit: over it is 413 naming the limit, at it is stored", async () => {
    const port = await freePort()
    const small = startHost({ cwd: scratchDir(), env: hostEnv(db, port, { CARABASE_MAX_UPLOAD_BYTES: "1000" }) })
    try {
      await small.ready()
      const ws = await workspace("Art small limit")
      const send = (size: number) =>
        fetch(`http://127.0.0.1:${port}/api/v1/artifacts/upload`, {
          method: "POST",
          body: form("f.txt", "text/plain", "a".repeat(size)),
          headers: { "x-workspace-id": ws }
        }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }))
      expect(await send(1001)).toMatchObject({ status: 413, body: { _tag: "UploadTooLarge", maxBytes: 1000 } })
      expect(await stored(ws)).toBe(0)
      expect((await send(1000)).status).toBe(201)
      expect(await stored(ws)).toBe(1)
    } finally {
      await small.stop()
    }
  })
})
