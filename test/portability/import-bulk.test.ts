// A bulk import (several batches of pages and daily notes, each batch written in one transaction through the owners'
// bulk entry points) leaves the search statistics BM25 ranks by exactly as a full recount of the indexed chunks gives
// them, on a first import and on a re-import that changes pages and days; a day that had a note keeps the version the
// import replaced in its history, a day the import created has no earlier version; a bad file in a batch is skipped
// with its reason while the rest of its batch goes in.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import type pg from "pg"
import { connect } from "../support/database"
import { call, createWorkspace, hostSuite } from "../support/hostSuite"
import { importZip, zipVault, type Vault } from "./vaults"

const suite = hostSuite("import_bulk")
let A: string
let owner: pg.Client

beforeAll(async () => {
  A = await createWorkspace(suite.base, "Bulk A")
  owner = await connect(suite.db.ownerUrl)
  // The suite drops its database when it ends, which ends this session too.
  owner.on("error", () => {})
  return () => owner.end()
})

const words = "harbour ledger orchard lantern copper meadow violin granite thistle beacon".split(" ")
const sentence = (i: number, n: number) =>
  Array.from({ length: n }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(" ")
const dayOf = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)

/** 130 daily notes and 170 pages (some long enough for several chunks): three batches of each kind. */
const vault = (edition: string): Vault => {
  const files: Vault = {}
  for (let i = 0; i < 130; i++) {
    files[`Journal/${dayOf(i)}.md`] =
      `09:00 ${sentence(i, 6)} ${edition}\n\n## 14:30 ${sentence(i + 1, 5)}\n- [ ] task ${i}\n`
  }
  for (let i = 0; i < 170; i++) {
    const long = i % 10 === 0 ? `\n\n${Array.from({ length: 40 }, (_, j) => sentence(i + j, 9)).join(". ")}` : ""
    files[`Pages/Page ${i}.md`] =
      `---\ntags: [bulk]\n---\n${sentence(i, 12)} [[Page ${(i + 1) % 170}]] ${edition}${long}\n`
  }
  return files
}

/** The workspace's counts against a recount from its chunks. */
const counts = async () => {
  const kept = await owner.query(
    `select (select chunks::int from search_stats where workspace_id = $1) as chunks,
            (select tokens::int from search_stats where workspace_id = $1) as tokens,
            (select count(*)::int from search_chunks where workspace_id = $1 and lex is not null) as recounted_chunks,
            (select coalesce(sum(lex_len), 0)::int from search_chunks where workspace_id = $1 and lex is not null)
              as recounted_tokens`,
    [A]
  )
  const terms = await owner.query(
    'select term, df from search_terms where workspace_id = $1 and df > 0 order by term collate "C"',
    [A]
  )
  const recounted = await owner.query(
    `select term collate "C" as term, count(*)::int as df
       from search_chunks, unnest(tsvector_to_array(lex)) as term
      where workspace_id = $1 and lex is not null
      group by 1 order by 1`,
    [A]
  )
  return { stats: kept.rows[0], terms: terms.rows, recounted: recounted.rows }
}

const expectCountsExact = async () => {
  const { recounted, stats, terms } = await counts()
  expect(stats.chunks).toBeGreaterThan(300)
  expect(stats.chunks).toBe(stats.recounted_chunks)
  expect(stats.tokens).toBe(stats.recounted_tokens)
  expect(terms).toEqual(recounted)
}

describe("a bulk import", () => {
  it("keeps the search counts equal to a recount, and the history of notes it changed", async () => {
    // A day with a note written by hand before the import: the import changes it, so its old version is kept.
    await call(suite.base, "POST", "/daily-notes/inject", {
      workspace: A,
      body: { type: "logCard", content: "written by hand", date: dayOf(3) }
    })
    const handWritten = (await call(suite.base, "GET", `/daily-notes/${dayOf(3)}`, { workspace: A })).body

    const first = await importZip(suite.base, A, await zipVault(vault("first")))
    expect(first.import.counts).toEqual({ created: 300, updated: 0, unchanged: 0, skipped: 0 })
    await expectCountsExact()

    const kept = (await call(suite.base, "GET", `/daily-notes/${dayOf(3)}/revisions`, { workspace: A })).body
    expect(kept.revision).toBe(handWritten.revision + 1)
    expect(kept.revisions.map((each: { revision: number }) => each.revision)).toContain(handWritten.revision)
    const note = (await call(suite.base, "GET", `/daily-notes/${dayOf(3)}/text`, { workspace: A })).body.text
    expect(note).toContain("written by hand")
    expect(note).toContain("first")

    const created = (await call(suite.base, "GET", `/daily-notes/${dayOf(4)}/revisions`, { workspace: A })).body
    expect(created.revision).toBe(1)
    expect(created.revisions.filter((each: { current: boolean }) => !each.current)).toEqual([])

    // Every page and day changed: each one's chunks are replaced, the counts follow.
    const second = await importZip(suite.base, A, await zipVault(vault("second")))
    expect(second.import.counts).toEqual({ created: 0, updated: 300, unchanged: 0, skipped: 0 })
    await expectCountsExact()
    const again = (await call(suite.base, "GET", `/daily-notes/${dayOf(4)}/text`, { workspace: A })).body.text
    expect(again).toContain("second")
    expect(again).not.toContain("first")
    const history = (await call(suite.base, "GET", `/daily-notes/${dayOf(4)}/revisions`, { workspace: A })).body
    expect(history.revision).toBe(2)
    expect(history.revisions.map((each: { revision: number }) => each.revision)).toContain(1)

    const found = await call(suite.base, "POST", "/harvest/search", { workspace: A, body: { query: "second lantern" } })
    expect(found.status).toBe(200)
    expect(found.body.results.length).toBeGreaterThan(0)
  })

  it("skips a file its batch's write refuses, with the reason, and writes the rest of the batch", async () => {
    const files = vault("third")
    // Valid UTF-8 that PostgreSQL refuses to store as text: the batch's one statement fails, then each file goes alone.
    files["Pages/Page 5.md"] = "a NUL \u0000 inside"
    const run = await importZip(suite.base, A, await zipVault(files))
    expect(run.skippedFiles).toEqual([
      expect.objectContaining({ path: "Pages/Page 5.md", reason: expect.stringContaining("could not be imported") })
    ])
    expect(run.import.counts).toEqual({ created: 0, updated: 299, unchanged: 0, skipped: 1 })
    const page = await call(suite.base, "POST", "/harvest/search", { workspace: A, body: { query: "third orchard" } })
    expect(page.body.results.length).toBeGreaterThan(0)
    await expectCountsExact()
  })
})
