// GET /api/v1/export of a workspace larger than one page of every kind, against the built host as its own process
// (its memory is read from /proc): the archive holds every note, folio, memory, entity, edge, artifact (with its text)
// and chat session, and the manifest counts them; a reader that stops reading holds the export back (the host's
// memory stays far below the archive's size and its snapshot transaction stays open) and still gets the workspace as
// it was when the export began, whatever is written meanwhile; readers that hang up mid-download leave no transaction
// or connection behind (more of them than the pool has connections, then a whole export still succeeds).
import { randomBytes } from "node:crypto"
import * as http from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type pg from "pg"
import yauzl from "yauzl"
import { EXPORT_PAGE } from "../../src/portability/Exports"
import { connect } from "../support/database"
import { call, createWorkspace, processHostSuite } from "../support/hostSuite"
import { rssMb } from "../support/rss"
import { importZip, zipVault, type Vault } from "./vaults"

const suite = processHostSuite("export_stream")

/** One more than a page of every kind, so each is read in two pages at least. */
const N = EXPORT_PAGE + 5
/** Of the artifacts, this many are 2 MiB of random bytes: 40 MiB that no compression shrinks. */
const BIG = 20
const BIG_BYTES = 2 * 1024 * 1024

const pad = (i: number) => String(i).padStart(3, "0")
const dayOf = (i: number) => new Date(Date.UTC(2001, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)

/** A Carabase export of N of each importable kind (the import is how a large workspace comes to exist). */
const seedVault = (): Vault => {
  const files: Vault = {
    "carabase-export.json": JSON.stringify({ format: "carabase-export", version: 1 }),
    "memories.json": JSON.stringify(
      Array.from({ length: N }, (_, i) => ({ content: `Fact ${pad(i)}: the ${pad(i)}th shelf holds atlas ${i}` }))
    ),
    "graph.json": JSON.stringify({
      entities: Array.from({ length: N }, (_, i) => ({ id: `e${i}`, name: `Entity ${pad(i)}`, type: "concept" })),
      edges: Array.from({ length: N }, (_, i) => ({
        sourceId: `e${i}`,
        targetId: `e${(i + 1) % N}`,
        type: "related_to",
        provenance: { seeded: true }
      }))
    })
  }
  for (let i = 0; i < N; i++) {
    files[`notes/${dayOf(i)}.md`] = `Day ${pad(i)} was spent reading about rivers.\n`
    files[`folios/Folio ${pad(i)}.md`] = `# Folio ${pad(i)}\n\nAbout folio ${pad(i)}.\n\n## Timeline\n`
    files[`artifacts/a${pad(i)}/${i < BIG ? `blob-${pad(i)}.bin` : `letter-${pad(i)}.txt`}`] =
      i < BIG ? randomBytes(BIG_BYTES) : `Letter ${pad(i)} about the harvest.\n`
  }
  return files
}

let owner: pg.Client
let W: string
let sessionIds: Array<string>

/** Backends of the app role holding a transaction open for longer than a moment: an export's snapshot. */
const openTransactions = async () =>
  Number(
    (
      await owner.query(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and usename = 'carabase_app' and xact_start is not null
            and xact_start < now() - interval '300 milliseconds'`
      )
    ).rows[0].n
  )

const until = async (label: string, condition: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`still not ${label} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** GET /export, answered once its first bytes are in; the response is paused there (nothing more is read). */
const startExport = (workspace: string) =>
  new Promise<{ response: http.IncomingMessage; first: Buffer; request: http.ClientRequest }>((resolve, reject) => {
    const request = http.get(
      `${suite.base}/api/v1/export`,
      { headers: { "x-workspace-id": workspace } },
      (response) => {
        if (response.statusCode !== 200) reject(new Error(`GET /export: ${response.statusCode}`))
        response.once("data", (first: Buffer) => {
          response.pause()
          resolve({ response, first, request })
        })
      }
    )
    request.on("error", reject)
  })

/** The rest of a paused response, read to its end. */
const readRest = (response: http.IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    response.on("data", (chunk: Buffer) => chunks.push(chunk))
    response.on("end", () => resolve(Buffer.concat(chunks)))
    response.on("error", reject)
    response.resume()
  })

/** Every file of the archive by its path. */
const unzip = (zip: Buffer) =>
  new Promise<Map<string, Buffer>>((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error) return reject(error)
      const files = new Map<string, Buffer>()
      file.on("entry", (entry: yauzl.Entry) => {
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError)
          const chunks: Array<Buffer> = []
          stream.on("data", (chunk: Buffer) => chunks.push(chunk))
          stream.on("end", () => {
            files.set(entry.fileName, Buffer.concat(chunks))
            file.readEntry()
          })
        })
      })
      file.on("end", () => resolve(files))
      file.on("error", reject)
      file.readEntry()
    })
  })

const under = (files: Map<string, Buffer>, prefix: string) =>
  [...files.keys()].filter((name) => name.startsWith(prefix))

beforeAll(async () => {
  owner = await connect(suite.db.ownerUrl)
  W = await createWorkspace(suite.base, "Large")
  const run = await importZip(suite.base, W, await zipVault(seedVault()), "", 180_000)
  expect(run.skippedFiles).toEqual([])
  // Chat history is exported to read, never imported: the sessions are written as the chat does, one message each.
  const made = await owner.query<{ id: string }>(
    `insert into chat_sessions (workspace_id, title)
     select $1, 'Session ' || lpad(g::text, 3, '0') from generate_series(0, $2 - 1) g returning id`,
    [W, N]
  )
  sessionIds = made.rows.map((row) => row.id)
  await owner.query(
    `insert into chat_messages (workspace_id, session_id, role, content)
     select $1, s, 'user', 'What is on the shelf?' from unnest($2::uuid[]) s`,
    [W, sessionIds]
  )
  // Whatever the import queued (indexing, entity extraction) settles before anything here is measured.
  await until("idle", async () => (await openTransactions()) === 0, 120_000)
}, 300_000)

afterAll(() => owner?.end())

describe("GET /export of a workspace larger than one page of each kind", () => {
  it("holds every note, folio, memory, entity, edge, artifact and chat session, and the manifest counts them", async () => {
    const response = await fetch(`${suite.base}/api/v1/export`, { headers: { "x-workspace-id": W } })
    expect(response.status).toBe(200)
    const files = await unzip(Buffer.from(await response.arrayBuffer()))

    expect(under(files, "notes/")).toHaveLength(N)
    expect(files.get(`notes/${dayOf(N - 1)}.md`)?.toString()).toContain(`Day ${pad(N - 1)} was spent reading`)
    expect(under(files, "folios/")).toHaveLength(N)
    expect(under(files, "chat/")).toHaveLength(N)
    expect(under(files, "chat/").sort()).toEqual(sessionIds.map((id) => `chat/${id}.json`).sort())
    expect(under(files, "artifacts/text/")).toHaveLength(N)
    const originals = under(files, "artifacts/").filter((name) => !name.startsWith("artifacts/text/"))
    expect(originals).toHaveLength(N)
    const blobs = originals.filter((name) => name.endsWith(".bin"))
    expect(blobs).toHaveLength(BIG)
    for (const blob of blobs) expect(files.get(blob)!.length).toBe(BIG_BYTES)

    const memories = JSON.parse(files.get("memories.json")!.toString()) as Array<{ content: string }>
    expect(new Set(memories.map((memory) => memory.content)).size).toBe(N)
    const graph = JSON.parse(files.get("graph.json")!.toString()) as {
      entities: Array<{ id: string; name: string }>
      edges: Array<{ sourceId: string; targetId: string }>
    }
    expect(new Set(graph.entities.map((entity) => entity.name))).toEqual(
      new Set(Array.from({ length: N }, (_, i) => `Entity ${pad(i)}`))
    )
    expect(graph.edges).toHaveLength(N)
    const ids = new Set(graph.entities.map((entity) => entity.id))
    for (const edge of graph.edges) expect(ids.has(edge.sourceId) && ids.has(edge.targetId)).toBe(true)

    const manifest = JSON.parse(files.get("carabase-export.json")!.toString())
    expect(manifest).toMatchObject({
      format: "carabase-export",
      version: 1,
      notes: "markdown",
      counts: { notes: N, folios: N, memories: N, entities: N, edges: N, artifacts: N, chatSessions: N }
    })
  }, 120_000)

  it("waits for a reader that stops reading, and gives it the workspace as it was when the export began", async () => {
    const idleRss = rssMb(suite.pid)
    const { response, first } = await startExport(W)
    // The reading is held back: the export's snapshot transaction stays open while nothing more is read ...
    await until("holding the snapshot", async () => (await openTransactions()) === 1)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(await openTransactions()).toBe(1)
    // ... and the host holds a small part of the archive (over 40 MiB of random bytes) at most.
    expect(rssMb(suite.pid) - idleRss).toBeLessThan(25)

    // Written while the export waits: chat history (the archive's last part) changes.
    const gone = sessionIds[0]!
    expect((await call(suite.base, "DELETE", `/chat/sessions/${gone}`, { workspace: W })).status).toBe(200)
    const added = (
      await owner.query<{ id: string }>(
        `insert into chat_sessions (workspace_id, title) values ($1, 'Later') returning id`,
        [W]
      )
    ).rows[0]!.id

    const files = await unzip(Buffer.concat([first, await readRest(response)]))
    expect(under(files, "chat/")).toHaveLength(N)
    expect(files.has(`chat/${gone}.json`)).toBe(true)
    expect(files.has(`chat/${added}.json`)).toBe(false)
    expect(under(files, "artifacts/").filter((name) => name.endsWith(".bin"))).toHaveLength(BIG)
    await until("done with the snapshot", async () => (await openTransactions()) === 0)
  }, 120_000)

  it("leaves no transaction or connection behind when readers hang up mid-download", async () => {
    // More hang-ups than the app pool has connections (10): a leaked one each would leave none for the last export.
    for (let i = 0; i < 12; i++) {
      const { request } = await startExport(W)
      await until("holding the snapshot", async () => (await openTransactions()) === 1)
      request.destroy()
      await until("rolled back", async () => (await openTransactions()) === 0)
    }
    const response = await fetch(`${suite.base}/api/v1/export`, { headers: { "x-workspace-id": W } })
    expect(response.status).toBe(200)
    const files = await unzip(Buffer.from(await response.arrayBuffer()))
    expect(JSON.parse(files.get("carabase-export.json")!.toString()).counts.artifacts).toBe(N)
  }, 180_000)
})
