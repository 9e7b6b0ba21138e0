// Archives that must not get in: an entry whose path leaves the archive, a zip bomb (one entry's expansion ratio, and
// the whole archive's expanded size), a malformed or truncated zip, a body that is no zip at all, one over
// CARABASE_MAX_IMPORT_BYTES. Each is refused with a message saying why, and nothing is written: no import run, no
// artifact, no note, no temporary file left behind. A file that is not UTF-8 is only skipped, with the reason, and the
// rest of the vault goes in.
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"
import { importZip, postZip, zipVault } from "./vaults"

const MiB = 1024 * 1024
const uploads = fs.mkdtempSync(path.join(os.tmpdir(), "carabase-import-safety-"))
const suite = hostSuite("import_safety", {
  CARABASE_IMPORT_DIR: uploads,
  CARABASE_MAX_IMPORT_BYTES: String(16 * MiB),
  CARABASE_IMPORT_MAX_EXPANDED_BYTES: String(8 * MiB)
})
let A: string

beforeAll(async () => {
  A = await createWorkspace(suite.base, "Safety")
})

/** Uploads waiting in the import folder: none once a refusal has been answered. */
const leftovers = () => fs.readdirSync(uploads)

/** Nothing of the archive reached the workspace. */
const expectNothingWritten = async () => {
  expect((await call(suite.base, "GET", "/imports", { workspace: A })).body.imports).toEqual([])
  expect((await call(suite.base, "GET", "/artifacts", { workspace: A })).body.artifacts).toEqual([])
  expect((await call(suite.base, "GET", "/entities", { workspace: A })).body.entities).toEqual([])
}

/** A zip holding an entry named `../../etc/passwd`: written under a same-length name, then renamed in its bytes. */
const traversalZip = async () => {
  const zip = await zipVault({ "notes.md": "fine", "AA/AA/etc/passwd": "root:x:0:0" })
  const from = Buffer.from("AA/AA/etc/passwd")
  const to = Buffer.from("../../etc/passwd")
  let at = zip.indexOf(from)
  while (at >= 0) {
    to.copy(zip, at)
    at = zip.indexOf(from, at + 1)
  }
  return zip
}

describe("archives refused before anything is written", () => {
  it("refuses an entry whose path leaves the archive (../../etc/passwd)", async () => {
    const answer = await postZip(suite.base, A, await traversalZip())
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ _tag: "ImportRefused", reason: "UnsafePath" })
    expect(answer.body.message).toContain("../../etc/passwd")
    expect(answer.body.message).toContain("nothing was imported")
    await expectNothingWritten()
    expect(leftovers()).toEqual([])
  })

  it("refuses a zip bomb: an entry that would expand far more than the ratio allows", async () => {
    const answer = await postZip(suite.base, A, await zipVault({ "a.md": "x", "bomb.txt": Buffer.alloc(6 * MiB) }))
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ _tag: "ImportRefused", reason: "ExpansionRatio" })
    expect(answer.body.message).toMatch(/bomb\.txt.*would expand \d+ times \(at most 200 allowed\)/)
    await expectNothingWritten()
    expect(leftovers()).toEqual([])
  })

  it("refuses an archive that would expand past CARABASE_IMPORT_MAX_EXPANDED_BYTES", async () => {
    const files = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [`random-${i}.bin`, crypto.randomBytes(2 * MiB)])
    )
    const answer = await postZip(suite.base, A, await zipVault(files))
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ _tag: "ImportRefused", reason: "TooLarge" })
    expect(answer.body.message).toContain("CARABASE_IMPORT_MAX_EXPANDED_BYTES")
    await expectNothingWritten()
  })

  it("refuses a truncated zip and a body that is not a zip at all", async () => {
    const zip = await zipVault({ "a.md": "hello", "b.md": "world" })
    for (const body of [zip.subarray(0, zip.length - 30), Buffer.from("this is not a zip archive")]) {
      const answer = await postZip(suite.base, A, body)
      expect(answer.status).toBe(400)
      expect(answer.body).toMatchObject({ _tag: "ImportRefused", reason: "Malformed" })
      expect(answer.body.message).toMatch(/^the upload is not a readable zip archive/)
    }
    await expectNothingWritten()
  })

  it("answers 413 for an upload over CARABASE_MAX_IMPORT_BYTES", async () => {
    const answer = await postZip(suite.base, A, crypto.randomBytes(17 * MiB))
    expect(answer.status).toBe(413)
    expect(answer.body).toMatchObject({ _tag: "ImportTooLarge", maxBytes: 16 * MiB })
    await expectNothingWritten()
  })

  it("refuses a malformed option with a 400 naming it", async () => {
    const answer = await postZip(suite.base, A, await zipVault({ "a.md": "x" }), "?dryRun=maybe")
    expect(answer.status).toBe(400)
    expect(answer.body._tag).toBe("HttpApiDecodeError")
    expect(answer.body.issues[0].path).toEqual(["dryRun"])
    await expectNothingWritten()
  })
})

describe("files that cannot be read", () => {
  it("skips a file that is not UTF-8, with the reason, and imports the rest", async () => {
    const latin1 = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0x69, 0x72, 0x0a])
    const run = await importZip(
      suite.base,
      A,
      await zipVault({
        "Café.md": latin1,
        "Good.md": "Readable page\n",
        "2026-01-02.md": Buffer.from([0xff, 0xfe, 0x00])
      })
    )
    expect(run.import.counts).toEqual({ created: 1, updated: 0, unchanged: 0, skipped: 2 })
    expect(leftovers()).toEqual([])
    expect(run.skippedFiles).toEqual([
      expect.objectContaining({
        path: "Café.md",
        outcome: "skipped",
        reason: expect.stringContaining("not UTF-8 text")
      }),
      expect.objectContaining({
        path: "2026-01-02.md",
        outcome: "skipped",
        reason: expect.stringContaining("not UTF-8")
      })
    ])
    const names = (await call(suite.base, "GET", "/artifacts", { workspace: A })).body.artifacts.map(
      (artifact: { filename: string }) => artifact.filename
    )
    expect(names).toEqual(["Good.md"])
  })
})
