// Sync rules in the published shape (`filters`, `routing`) against a real host and the local GitHub: stored as meant
// and read back as written beside a host-shape rule, a rule that takes every item says so, a row from before
// `matchAll` reads back saying so, and a github-sync run routes only the items every filter (repos, states,
// lookbackHours) lets through.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import type { FakeIssue } from "../support/fakeGitHub"
import { asOwner } from "../support/hostSuite"
import { api, connectAccount, connectorSuite, createApp } from "./suite"

const suite = connectorSuite("connectors_documented_rules", { CARABASE_JOB_RETRY_LIMIT: "0" })

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString()

const issue = (over: Partial<FakeIssue> & Pick<FakeIssue, "id" | "repo">): FakeIssue => ({
  number: over.id,
  title: `Item ${over.id}`,
  body: `Body of item ${over.id}`,
  author: "alice",
  assignees: [],
  reviewers: [],
  isPullRequest: true,
  state: "open",
  labels: [],
  updatedAt: hoursAgo(1),
  ...over
})

const published = {
  id: "6f1c0a34-2f0e-4b9b-9d59-2b8f4b3b8a11",
  name: "PRs from acme/main",
  enabled: true,
  filters: { repos: ["acme/main"], states: ["open"], lookbackHours: 24 },
  routing: { folioName: "acmebase", tags: ["github", "pr"], harvestToGraph: true, injectToTimeline: true }
}
const hostShape = { name: "everything else", matchAll: true, tags: ["synced"] }

const owner = <T = any>(sql: string, params: Array<unknown> = []) =>
  asOwner(suite.db, async (db) => (await db.query(sql, params)).rows as Array<T>)

const runSync = async () => {
  const finished = async () =>
    ((await api(suite, "GET", "/api/v1/jobs")).json.runs as Array<{ name: string; status: string }>).filter(
      (run) => run.name === "github-sync" && run.status !== "running"
    )
  const before = (await finished()).length
  expect((await api(suite, "POST", "/api/v1/jobs/github-sync/run")).status).toBe(202)
  for (let i = 0; i < 150; i++) {
    const runs = await finished()
    if (runs.length > before) return runs[0]!
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error("the github-sync run did not finish")
}

beforeAll(async () => {
  suite.github.issues.push(
    issue({ id: 1, repo: "acme/main", title: "Open and recent" }),
    issue({ id: 2, repo: "acme/main", title: "Closed", state: "closed" }),
    issue({ id: 3, repo: "acme/other", title: "Another repository" }),
    issue({ id: 4, repo: "acme/main", title: "Open but old", updatedAt: hoursAgo(48) })
  )
  await createApp(suite, "github")
  await connectAccount(suite, "github", "alice")
  expect((await api(suite, "POST", "/api/v1/folios", { body: { name: "acmebase" } })).status).toBe(201)
})

describe("sync rules in the published shape", () => {
  it("are stored as meant and read back in the shape each rule was written in", async () => {
    const put = await api(suite, "PUT", "/api/v1/sync-rules/github", { body: { rules: [published, hostShape] } })
    expect(put.status, put.text).toBe(200)
    expect(put.json.rules).toEqual([published, hostShape])
    expect((await api(suite, "GET", "/api/v1/sync-rules/github")).json.rules).toEqual([published, hostShape])
    const rows = await owner(
      "select match, action, enabled from sync_rules where provider = 'github' order by position"
    )
    expect(rows[0].match).toEqual({ repositories: ["acme/main"], states: ["open"], lookbackHours: 24 })
    expect(rows[0].action).toMatchObject({ folios: ["acmebase"], tags: ["github", "pr"], injectToTimeline: true })
  })

  it("refuse a rule that would take every item without saying so, naming matchAll, and keep the stored ones", async () => {
    const bare = await api(suite, "PUT", "/api/v1/sync-rules/github", {
      body: { rules: [{ id: "r2", name: "no filters", routing: { tags: ["x"] } }] }
    })
    expect(bare.status).toBe(400)
    expect(bare.text).toContain("matchAll")
    expect(bare.text).toContain("would take every item")
    const dropped = await api(suite, "PUT", "/api/v1/sync-rules/github", {
      body: { rules: [{ ...published, filters: { repositories: ["acme/main"] } }] }
    })
    expect(dropped.status).toBe(400)
    expect(dropped.json.issues).toContainEqual(
      expect.objectContaining({ _tag: "Unexpected", path: ["rules", 0, "filters", "repositories"] })
    )
    expect((await api(suite, "GET", "/api/v1/sync-rules/github")).json.rules).toEqual([published, hostShape])
  })

  it("a github-sync run routes only the items every filter lets through", async () => {
    expect((await runSync()).status).toBe("succeeded")
    const rows = await owner<{ number: number; tags: Array<string>; folios: Array<string> }>(
      `select (metadata->>'number')::int as number, metadata->'tags' as tags, metadata->'folios' as folios
       from artifacts where source = 'github' order by 1`
    )
    expect(rows).toEqual([
      { number: 1, tags: ["github", "pr", "synced"], folios: ["acmebase"] },
      { number: 2, tags: ["synced"], folios: [] },
      { number: 3, tags: ["synced"], folios: [] },
      { number: 4, tags: ["synced"], folios: [] }
    ])
    const commits = await owner("select message from folio_commits")
    expect(commits.map((commit) => commit.message)).toEqual(["Open and recent (https://github.test/acme/main/pull/1)"])
    const notes = (await owner("select text_content from daily_notes")).map((row) => row.text_content).join("\n")
    expect(notes).toContain("Open and recent")
    expect(notes).not.toContain("Open but old")
  })

  it("a rule stored before matchAll existed, with no conditions, reads back saying it takes every item", async () => {
    await owner(
      `insert into sync_rules (workspace_id, provider, match, action, enabled, position)
       values ($1, 'legacy', '{}'::jsonb, '{"name":"old","tags":["t"]}'::jsonb, true, 0)`,
      [suite.workspace]
    )
    expect((await api(suite, "GET", "/api/v1/sync-rules/legacy")).json.rules).toEqual([
      { name: "old", tags: ["t"], matchAll: true }
    ])
  })
})
