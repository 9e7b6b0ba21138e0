// The artifact list (paged by cursor) and the stored file over real HTTP: bytes exact, headers that keep a hostile
// filename or an uploaded page from doing harm, and workspace isolation.
import * as crypto from "node:crypto"
import { describe, expect, it } from "@effect/vitest"
import { contentDisposition, servedContentType } from "../../src/artifacts/Download"
import { asOwner, call, createWorkspace, hostSuite } from "../support/hostSuite"

const suite = hostSuite("artifact_files")

const upload = async (workspace: string, filename: string, type: string, bytes: Uint8Array | string) => {
  const body = new FormData()
  body.append("file", new Blob([bytes as BlobPart], { type }), filename)
  const response = await fetch(`${suite.base}/api/v1/artifacts/upload`, {
    method: "POST",
    body,
    headers: { "x-workspace-id": workspace }
  })
  const answer = (await response.json()) as any
  expect(response.status, JSON.stringify(answer)).toBe(201)
  return answer.artifact.id as string
}

const download = async (workspace: string, id: string) => {
  const response = await fetch(`${suite.base}/api/v1/artifacts/${id}/file`, {
    headers: { "x-workspace-id": workspace }
  })
  return { status: response.status, headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) }
}

/** Stores an artifact row directly, as a connector or an older host might have left it. */
const seed = (workspace: string, row: { filename: string; mime?: string; content?: Buffer | null; text?: string }) =>
  asOwner(suite.db, async (owner) => {
    const content = row.content === undefined ? Buffer.from("seeded") : row.content
    const { rows } = await owner.query(
      `insert into artifacts (workspace_id, filename, mime_type, size, content, extracted_text, source)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [
        workspace,
        row.filename,
        row.mime ?? "text/plain",
        content?.length ?? Buffer.byteLength(row.text ?? ""),
        content,
        row.text ?? null,
        content === null ? "github" : "upload"
      ]
    )
    return rows[0].id as string
  })

const listAll = async (workspace: string, limit: number) => {
  const seen: Array<any> = []
  let cursor: string | null = null
  let pages = 0
  do {
    const query: string = `?limit=${limit}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`
    const answer = await call(suite.base, "GET", `/artifacts${query}`, { workspace })
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    expect(answer.body.artifacts.length).toBeLessThanOrEqual(limit)
    seen.push(...answer.body.artifacts)
    cursor = answer.body.nextCursor
    pages++
  } while (cursor !== null && pages < 50)
  return { seen, pages }
}

describe("GET /artifacts", () => {
  it("pages newest first by cursor: every artifact exactly once, ties on the creation time included", async () => {
    const ws = await createWorkspace(suite.base, "Paging")
    const ids = await asOwner(suite.db, async (owner) => {
      const { rows } = await owner.query(
        `insert into artifacts (workspace_id, filename, mime_type, size, created_at, source)
         select $1, 'f' || n || '.txt', 'text/plain', n, timestamptz '2026-12-01 10:00:00.123456+00' + (n / 3) * interval '1 second',
                case when n % 2 = 0 then 'upload' else 'github' end
           from generate_series(1, 10) n
         returning id, created_at`,
        [ws]
      )
      return rows as Array<{ id: string; created_at: Date }>
    })
    const { seen, pages } = await listAll(ws, 3)
    expect(pages).toBe(4)
    expect(seen.map((a) => a.id).sort()).toEqual(ids.map((row) => row.id).sort())
    const order = seen.map((a) => `${a.createdAt}|${a.id}`)
    expect(order).toEqual([...order].sort().reverse())
    expect(seen.find((a) => a.filename === "f4.txt")).toMatchObject({
      kind: "upload",
      source: "upload",
      size: 4,
      mimeType: "text/plain"
    })
    expect(seen.find((a) => a.filename === "f3.txt")).toMatchObject({ kind: "harvested", source: "github" })
  })

  it("answers one page of at most 50 by default, with nextCursor null on the last page", async () => {
    const ws = await createWorkspace(suite.base, "Default page")
    const id = await upload(ws, "one.txt", "text/plain", "just one")
    const answer = await call(suite.base, "GET", "/artifacts", { workspace: ws })
    expect(answer.status).toBe(200)
    expect(answer.body.nextCursor).toBeNull()
    expect(answer.body.artifacts).toEqual([
      expect.objectContaining({ id, filename: "one.txt", mimeType: "text/plain", size: 8, kind: "upload" })
    ])
  })

  it("refuses a bad limit or cursor with a 400 naming the parameter", async () => {
    const ws = await createWorkspace(suite.base, "Bad paging")
    for (const query of ["limit=0", "limit=201", "limit=x", "limit=1.5"]) {
      const answer = await call(suite.base, "GET", `/artifacts?${query}`, { workspace: ws })
      expect(answer.status, query).toBe(400)
      expect(answer.body.issues[0].path).toEqual(["limit"])
    }
    const forged = Buffer.from("2026-01-01 00:00:00+00|not-a-uuid").toString("base64url")
    for (const cursor of ["nope", "%00", forged, Buffer.from("' or 1=1 --").toString("base64url")]) {
      const answer = await call(suite.base, "GET", `/artifacts?cursor=${cursor}`, { workspace: ws })
      expect(answer.status, cursor).toBe(400)
      expect(answer.body.issues[0].path).toEqual(["cursor"])
    }
  })
})

describe("GET /artifacts/:id/file", () => {
  it("answers the exact stored bytes with their type, length and download headers", async () => {
    const ws = await createWorkspace(suite.base, "Bytes")
    const bytes = new Uint8Array(300_000)
    crypto.randomFillSync(bytes)
    for (let i = 0; i < 256; i++) bytes[i] = i
    const id = await upload(ws, "blob.bin", "application/x-custom", bytes)
    const answer = await download(ws, id)
    expect(answer.status).toBe(200)
    expect(Buffer.from(answer.bytes).equals(Buffer.from(bytes))).toBe(true)
    expect(answer.headers.get("content-type")).toBe("application/x-custom")
    expect(answer.headers.get("content-length")).toBe("300000")
    expect(answer.headers.get("content-disposition")).toBe(`attachment; filename="blob.bin"; filename*=UTF-8''blob.bin`)
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff")
    expect(answer.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'")
  })

  it("serves HTML, SVG, XML and script as application/octet-stream, sandboxed, as an attachment", async () => {
    const ws = await createWorkspace(suite.base, "Active content")
    const files = [
      ["page.html", "text/html", "<script>fetch('/api/v1/workspaces')</script>"],
      ["image.svg", "image/svg+xml", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
      ["feed.xml", "application/xml", "<?xml-stylesheet href='x.xsl'?><a/>"],
      ["app.js", "text/javascript", "alert(1)"],
      ["page.xhtml", "application/xhtml+xml", "<html xmlns='http://www.w3.org/1999/xhtml'/>"]
    ] as const
    for (const [name, type, text] of files) {
      const id = await upload(ws, name, type, text)
      const answer = await download(ws, id)
      expect(answer.status, name).toBe(200)
      expect(answer.headers.get("content-type"), name).toBe("application/octet-stream")
      expect(answer.headers.get("content-disposition"), name).toMatch(/^attachment; /)
      expect(answer.headers.get("content-security-policy"), name).toMatch(/^sandbox/)
      expect(answer.headers.get("x-content-type-options"), name).toBe("nosniff")
      expect(new TextDecoder().decode(answer.bytes)).toBe(text)
    }
  })

  it("hostile stored filenames come out as one safe header: no quotes, line breaks, separators or controls", async () => {
    const ws = await createWorkspace(suite.base, "Hostile names")
    const cases: Array<[string, string, string]> = [
      ['a"b\r\nSet-Cookie: pwned=1.txt', "a_bSet-Cookie: pwned=1.txt", "a%22bSet-Cookie%3A%20pwned%3D1.txt"],
      ["../../etc/passwd", "___.._etc_passwd", "___.._etc_passwd"],
      ["..\\..\\boot.ini", "___.._boot.ini", "___.._boot.ini"],
      ["invoice\u202Egpj.exe", "invoicegpj.exe", "invoicegpj.exe"],
      ["résumé 2026.pdf", "r_sum_ 2026.pdf", "r%C3%A9sum%C3%A9%202026.pdf"],
      ["100%;x=y.txt", "100__x=y.txt", "100%25%3Bx%3Dy.txt"],
      ["\u0007\u001b[31m", "[31m", "%5B31m"],
      ["\u0085\u2066", "download", "download"]
    ]
    for (const [stored, ascii, encoded] of cases) {
      const id = await seed(ws, { filename: stored })
      const answer = await download(ws, id)
      expect(answer.status, JSON.stringify(stored)).toBe(200)
      expect(answer.headers.get("set-cookie")).toBeNull()
      expect(answer.headers.get("content-disposition"), JSON.stringify(stored)).toBe(
        `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
      )
    }
  })

  it("a harvested document, which has only text, downloads as that text in UTF-8", async () => {
    const ws = await createWorkspace(suite.base, "Harvested")
    const id = await seed(ws, { filename: "Issue #7: Zoë's bug", content: null, text: "Steps: café ☕" })
    const answer = await download(ws, id)
    expect(answer.status).toBe(200)
    expect(answer.headers.get("content-type")).toBe("text/plain; charset=utf-8")
    expect(new TextDecoder().decode(answer.bytes)).toBe("Steps: café ☕")
  })

  it("answers 404 ArtifactNotFound for an unknown id and 400 for a malformed one", async () => {
    const ws = await createWorkspace(suite.base, "Missing file")
    const missing = await call(suite.base, "GET", `/artifacts/${crypto.randomUUID()}/file`, { workspace: ws })
    expect(missing).toMatchObject({ status: 404, body: { _tag: "ArtifactNotFound" } })
    const malformed = await call(suite.base, "GET", "/artifacts/nope/file", { workspace: ws })
    expect(malformed.status).toBe(400)
  })
})

describe("workspace isolation", () => {
  it("B can neither download A's file nor list A's artifacts, even with a cursor taken from A's list", async () => {
    const a = await createWorkspace(suite.base, "Owner A")
    const b = await createWorkspace(suite.base, "Other B")
    const secret = await upload(a, "secret.txt", "text/plain", "A's secret")
    await upload(a, "second.txt", "text/plain", "A's second")
    const mine = await upload(b, "mine.txt", "text/plain", "B's own")
    expect((await download(b, secret)).status).toBe(404)
    const page = await call(suite.base, "GET", "/artifacts?limit=1", { workspace: a })
    expect(page.body.nextCursor).not.toBeNull()
    const listed = await call(suite.base, "GET", `/artifacts?cursor=${page.body.nextCursor}`, { workspace: b })
    expect(listed.status).toBe(200)
    const all = await call(suite.base, "GET", "/artifacts", { workspace: b })
    for (const answer of [listed, all]) {
      expect(answer.body.artifacts.every((artifact: { id: string }) => artifact.id === mine)).toBe(true)
    }
    expect(all.body.artifacts.map((artifact: { id: string }) => artifact.id)).toEqual([mine])
  })
})

describe("download headers", () => {
  it("keep a type's charset but never an active or malformed type", () => {
    expect(servedContentType("text/plain; charset=UTF-8")).toBe("text/plain; charset=utf-8")
    expect(servedContentType("application/pdf")).toBe("application/pdf")
    expect(servedContentType("TEXT/HTML")).toBe("application/octet-stream")
    expect(servedContentType("application/atom+xml")).toBe("application/octet-stream")
    expect(servedContentType("text/plain\r\nx-evil: 1")).toBe("application/octet-stream")
    expect(servedContentType("")).toBe("application/octet-stream")
  })

  it("encode a filename's apostrophes and parentheses too (RFC 8187)", () => {
    expect(contentDisposition("it's (1).txt")).toBe(
      `attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`
    )
  })
})
