// The github-sync job against a local server that answers like GitHub's REST API: the owner's issues and pull
// requests (authored, assigned, review-requested) become artifacts and graph entities with edges, pages are
// followed, later runs ask only for what changed since the last one and change nothing when nothing changed, the
// workspace's github sync rules are applied, an expiring token is refreshed first, and a spent rate limit stops the
// run without another request and without moving the cursor.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import type { FakeIssue } from "../support/fakeGitHub"
import { asOwner } from "../support/hostSuite"
import { api, connectAccount, connectorSuite, createApp } from "./suite"

const suite = connectorSuite("connectors_github_sync", { CARABASE_JOB_RETRY_LIMIT: "0" })
let connectionId: string

const issue = (over: Partial<FakeIssue> & Pick<FakeIssue, "id" | "repo" | "author">): FakeIssue => ({
  number: over.id,
  title: `Item ${over.id}`,
  body: `Body of item ${over.id}`,
  assignees: [],
  reviewers: [],
  isPullRequest: false,
  state: "open",
  labels: [],
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...over
})

/** Queues the job and waits for its next finished run in the suite's workspace. */
const runSync = async () => {
  const finished = async () =>
    (
      (await api(suite, "GET", "/api/v1/jobs")).json.runs as Array<{
        id: string
        name: string
        status: string
        error: string | null
      }>
    ).filter((run) => run.name === "github-sync" && run.status !== "running")
  const before = (await finished()).length
  expect((await api(suite, "POST", "/api/v1/jobs/github-sync/run")).status).toBe(202)
  for (let i = 0; i < 150; i++) {
    const runs = await finished()
    if (runs.length > before) return runs[0]!
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error("the github-sync run did not finish")
}

const owner = <T = any>(sql: string, params: Array<unknown> = []) =>
  asOwner(suite.db, async (db) => (await db.query(sql, params)).rows as Array<T>)

const counts = async () => ({
  artifacts: (await owner("select count(*)::int as n from artifacts where source = 'github'"))[0].n,
  // What entity extraction derives in the background from the documents' text is not the sync's: left aside.
  entities: (
    await owner(
      "select count(*)::int as n from entities where metadata->>'source' is distinct from 'entity-extraction'"
    )
  )[0].n,
  edges: (
    await owner(
      "select count(*)::int as n from edges where provenance->>'extractor' is distinct from 'entity-extraction'"
    )
  )[0].n,
  commits: (await owner("select count(*)::int as n from folio_commits"))[0].n,
  updated: (await owner("select max(updated_at) as t from artifacts where source = 'github'"))[0].t as Date
})

beforeAll(async () => {
  suite.github.issues.push(
    issue({ id: 1, repo: "acme/app", author: "alice", labels: ["bug"], title: "Crash on save" }),
    issue({ id: 2, repo: "acme/app", author: "bob", reviewers: ["alice"], isPullRequest: true, title: "Fix save" }),
    issue({ id: 3, repo: "acme/lib", author: "carol", assignees: ["alice"], title: "Port the parser" }),
    issue({ id: 4, repo: "other/x", author: "bob", assignees: ["bob"], title: "Not hers" }),
    ...Array.from({ length: 60 }, (_, i) => issue({ id: 100 + i, repo: "acme/bulk", author: "alice" }))
  )
  await createApp(suite, "github")
  suite.oauth.accessTokenTtl = 30 // expires within the refresh margin: the sync must refresh first
  connectionId = (await connectAccount(suite, "github", "alice")).id
  suite.oauth.accessTokenTtl = 3600
  expect((await api(suite, "POST", "/api/v1/folios", { body: { name: "Acme" } })).status).toBe(201)
  const rules = await api(suite, "PUT", "/api/v1/sync-rules/github", {
    body: {
      rules: [
        { match: { labels: ["bug"] }, tags: ["bug"], folios: ["Acme"], injectToTimeline: true },
        { name: "no graph for the library", match: { repositories: ["ACME/lib"] }, harvestToGraph: false }
      ]
    }
  })
  expect(rules.status).toBe(200)
})

describe("github-sync", () => {
  it("the first run brings in authored, assigned and review-requested items, page by page", async () => {
    const refreshesBefore = suite.oauth.tokenRequests.filter((r) => r.grantType === "refresh_token").length
    const run = await runSync()
    expect(run.status, run.error ?? "").toBe("succeeded")
    expect(suite.oauth.tokenRequests.filter((r) => r.grantType === "refresh_token").length).toBe(refreshesBefore + 1)
    expect(suite.github.queries).toEqual([
      "author:alice",
      "author:alice", // page 2 of 2, through the Link header
      "assignee:alice",
      "review-requested:alice"
    ])
    const rows = await owner(
      "select external_id, metadata, connection_id from artifacts where source = 'github' and metadata->>'repository' <> 'acme/bulk' order by (metadata->>'number')::int"
    )
    expect(rows.map((r) => [r.metadata.number, r.metadata.kind, r.metadata.roles])).toEqual([
      [1, "issue", ["authored"]],
      [2, "pull_request", ["review_requested"]],
      [3, "issue", ["assigned"]]
    ])
    expect(rows.every((r) => r.connection_id === connectionId)).toBe(true)
    expect((await counts()).artifacts).toBe(63)
    const search = await api(suite, "POST", "/api/v1/harvest/search", { body: { query: "parser", limit: 5 } })
    expect(search.json.results.map((r: { title: string }) => r.title)).toContain("acme/lib#3 Port the parser")
  })

  it("repositories become projects and people persons, with edges (not where a rule turns the graph off)", async () => {
    // What entity extraction derives from the harvested documents' text is not the sync's graph: left aside.
    const entities = await owner<{ name: string; type: string }>(
      "select name, type from entities where metadata->>'source' is distinct from 'entity-extraction' order by type, name"
    )
    expect(entities).toEqual([
      { name: "alice", type: "person" },
      { name: "bob", type: "person" },
      { name: "acme/app", type: "project" },
      { name: "acme/bulk", type: "project" }
    ])
    const edges = await owner<{ edge: string }>(`
      select s.name || ' ' || e.type || ' ' || t.name as edge from edges e
      join entities s on s.id = e.source_id join entities t on t.id = e.target_id
      where e.provenance->>'extractor' is distinct from 'entity-extraction' order by 1`)
    expect(edges.map((e) => e.edge)).toEqual([
      "alice contributes_to acme/app",
      "alice contributes_to acme/bulk",
      "alice works_on acme/app",
      "alice works_on acme/bulk",
      "bob contributes_to acme/app"
    ])
  })

  it("applies the github sync rules: tags, the folio commit and the timeline entry for the matching item", async () => {
    const [crash] = await owner("select id, metadata from artifacts where external_id like '%/issues/1'")
    expect(crash.metadata.tags).toEqual(["bug"])
    expect(crash.metadata.folios).toEqual(["Acme"])
    const commits = await owner("select message, artifact_ids from folio_commits")
    expect(commits).toEqual([
      { message: "Crash on save (https://github.test/acme/app/issues/1)", artifact_ids: [crash.id] }
    ])
    const notes = (await owner("select text_content from daily_notes")).map((r) => r.text_content).join("\n")
    expect(notes.match(/Crash on save/g)).toHaveLength(1)
    expect(notes).not.toContain("Port the parser")
  })

  it("a second run asks only for changes since the first and changes nothing when nothing changed", async () => {
    const [{ synced_until: cursor }] = await owner("select synced_until from connections where id = $1", [connectionId])
    expect(cursor).not.toBeNull()
    const before = await counts()
    const queried = suite.github.queries.length
    expect((await runSync()).status).toBe("succeeded")
    const since = `updated:>=${new Date(cursor).toISOString().replace(/\.\d{3}Z$/, "Z")}`
    expect(suite.github.queries.slice(queried)).toEqual([
      `author:alice ${since}`,
      `assignee:alice ${since}`,
      `review-requested:alice ${since}`
    ])
    expect(await counts()).toEqual(before)
  })

  it("an item updated since, and a new one, are brought in; the rest stay as they were", async () => {
    const before = await counts()
    const crash = suite.github.issues.find((i) => i.id === 1)!
    Object.assign(crash, { title: "Crash on save (again)", updatedAt: new Date(Date.now() + 60_000).toISOString() })
    suite.github.issues.push(
      issue({
        id: 5,
        repo: "acme/new",
        author: "dave",
        assignees: ["alice"],
        updatedAt: new Date(Date.now() + 60_000).toISOString()
      })
    )
    expect((await runSync()).status).toBe("succeeded")
    const after = await counts()
    expect(after.artifacts).toBe(before.artifacts + 1)
    expect(after.commits).toBe(before.commits) // an update is not committed again
    expect(after.entities).toBe(before.entities + 2) // acme/new and dave
    const [row] = await owner("select filename from artifacts where external_id like '%/issues/1'")
    expect(row.filename).toBe("acme/app#1 Crash on save (again)")
    const untouched = await owner(
      "select count(*)::int as n from artifacts where source = 'github' and updated_at > $1::timestamptz + interval '1 millisecond'",
      [before.updated]
    )
    expect(untouched[0].n).toBe(2)
  })

  it("a spent rate limit stops the run (skipped, with the reset time) with no further request and the cursor kept", async () => {
    const [{ synced_until: cursor }] = await owner("select synced_until from connections where id = $1", [connectionId])
    suite.github.issues.push(
      issue({ id: 6, repo: "acme/app", author: "alice", updatedAt: new Date(Date.now() + 120_000).toISOString() })
    )
    suite.github.remaining = 1
    const requests = suite.github.requests
    const run = await runSync()
    expect(run.status).toBe("skipped")
    expect(run.error).toContain("rate limit")
    expect(run.error).toContain(new Date(suite.github.resetAt * 1000).toISOString())
    expect(suite.github.requests - requests, JSON.stringify(suite.github.queries.slice(-4))).toBe(1)
    const [{ synced_until: unchanged }] = await owner("select synced_until from connections where id = $1", [
      connectionId
    ])
    expect(unchanged).toEqual(cursor)
    expect(await owner("select 1 from artifacts where external_id like '%/issues/6'")).toEqual([])

    suite.github.remaining = 5000
    expect((await runSync()).status).toBe("succeeded")
    expect(await owner("select 1 from artifacts where external_id like '%/issues/6'")).toHaveLength(1)
  })

  it("a secondary rate limit (403 with Retry-After) stops the run the same way", async () => {
    suite.github.retryAfter = 60
    const requests = suite.github.requests
    try {
      const run = await runSync()
      expect(run.status).toBe("skipped")
      expect(run.error).toContain("rate limit")
      expect(suite.github.requests - requests).toBe(1)
    } finally {
      suite.github.retryAfter = undefined
    }
    expect((await runSync()).status).toBe("succeeded")
  })

  it("an item whose routing fails is stored with it or not at all, so the next run routes it", async () => {
    // The folio commit of one new item fails in the database: its artifact must not stay behind without it, or the
    // next run would see a known item and never route it.
    await owner(`
      create or replace function public.test_refuse_flaky() returns trigger language plpgsql as $$
      begin
        if new.message like 'Flaky disk%' then raise exception 'the disk is on fire'; end if;
        return new;
      end $$`)
    await owner(`create trigger test_refuse_flaky before insert on folio_commits
      for each row execute function public.test_refuse_flaky()`)
    const before = await counts()
    suite.github.issues.push(
      issue({
        id: 7,
        repo: "acme/app",
        author: "alice",
        labels: ["bug"],
        title: "Flaky disk",
        updatedAt: new Date(Date.now() + 180_000).toISOString()
      })
    )
    try {
      // The suite allows no retries, so the failed run is dead-lettered at once.
      const failed = await runSync()
      expect(failed.status).toBe("dead")
      expect(await owner("select 1 from artifacts where external_id like '%/issues/7'")).toEqual([])
      expect((await counts()).commits).toBe(before.commits)
      const notes = (await owner("select text_content from daily_notes")).map((r) => r.text_content).join("\n")
      expect(notes).not.toContain("Flaky disk")
    } finally {
      await owner("drop trigger test_refuse_flaky on folio_commits")
      await owner("drop function public.test_refuse_flaky()")
    }

    expect((await runSync()).status).toBe("succeeded")
    const [flaky] = await owner("select id from artifacts where external_id like '%/issues/7'")
    expect(flaky).toBeDefined()
    const commits = await owner("select artifact_ids from folio_commits where message like 'Flaky disk%'")
    expect(commits).toEqual([{ artifact_ids: [flaky.id] }])
    const notes = (await owner("select text_content from daily_notes")).map((r) => r.text_content).join("\n")
    expect(notes.match(/Flaky disk/g)).toHaveLength(1)
    expect((await counts()).artifacts).toBe(before.artifacts + 1)
  })

  it("disconnecting with purge deletes the account's artifacts, its edges and the entities nothing else links", async () => {
    const [project] = await owner("select id from entities where name = 'acme/app'")
    const ada = await api(suite, "POST", "/api/v1/entities", { body: { name: "Ada", type: "person" } })
    const edge = await api(suite, "POST", "/api/v1/edges", {
      body: { sourceId: ada.json.entity.id, targetId: project.id, type: "mentors" }
    })
    expect(edge.status).toBe(201)
    expect((await counts()).artifacts).toBeGreaterThan(60)
    const purged = await api(suite, "DELETE", "/api/v1/auth/github?account=alice&purge=true")
    expect(purged.status).toBe(204)
    expect((await counts()).artifacts).toBe(0)
    const edges = await owner(`
      select s.name || ' ' || e.type || ' ' || t.name as edge from edges e
      join entities s on s.id = e.source_id join entities t on t.id = e.target_id
      where e.provenance->>'extractor' is distinct from 'entity-extraction'`)
    expect(edges).toEqual([{ edge: "Ada mentors acme/app" }])
    // Entities extraction made from the purged documents go once it reads them again (asynchronously): left aside.
    const left = await owner("select name from entities where metadata->>'source' is distinct from 'entity-extraction'")
    expect(left.map((r) => r.name).sort()).toEqual(["Ada", "acme/app"])
    expect((await api(suite, "GET", "/api/v1/connections")).json.connections).toEqual([])
  })

  it("a workspace without a GitHub connection records a skipped run (every run visits every workspace)", async () => {
    const other = (await api(suite, "POST", "/api/v1/workspaces", { body: { name: "none" }, workspace: null })).json
      .workspace.id
    await api(suite, "POST", "/api/v1/jobs/github-sync/run", { workspace: other })
    let run: { status: string; error: string } | undefined
    for (let i = 0; i < 100 && run === undefined; i++) {
      run = (await api(suite, "GET", "/api/v1/jobs", { workspace: other })).json.runs.find(
        (r: { name: string; status: string }) => r.name === "github-sync" && r.status !== "running"
      )
      if (run === undefined) await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(run).toMatchObject({ status: "skipped" })
    expect(run!.error).toMatch(/no GitHub connection/)
  })
})
