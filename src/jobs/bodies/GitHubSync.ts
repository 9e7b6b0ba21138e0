// The github-sync job body: for every active GitHub connection of the workspace, the pull requests and issues its
// account authored, is assigned or was asked to review, updated since the connection's last sync, become artifacts
// (one per item, updated in place) and graph entities: the repository as a project, the people as persons, with
// edges between them. The workspace's `github` sync rules add tags, folios and timeline entries. The cursor only
// moves once every query of a connection finished, so a rate-limited or failed run is simply resumed next time.
import { Clock, DateTime, Effect } from "effect"
import { Artifacts } from "../../artifacts/Artifacts"
import type { Connection } from "../../connectors/ConnectorsApi"
import { Connections } from "../../connectors/Connections"
import * as GitHubClient from "../../connectors/GitHubClient"
import { providersConfig } from "../../connectors/OAuthProviders"
import { route, type SyncItem } from "../../connectors/SyncRules"
import type { AnySyncRule } from "../../connectors/SyncRulesApi"
import { SyncRouting } from "../../connectors/SyncRouting"
import { Graph } from "../../graph/Graph"
import { RlsScope } from "../../platform/RlsScope"
import { JobError, skipped, type JobBody } from "../JobBody"

const ROLES = [
  { qualifier: "author", role: "authored" },
  { qualifier: "assignee", role: "assigned" },
  { qualifier: "review-requested", role: "review_requested" }
] as const
type Role = (typeof ROLES)[number]["role"]

/** Each person's relation to the repository an item lives in. */
const EDGE = { author: "contributes_to", assignee: "assigned_in", owner: "works_on" } as const

interface Found {
  readonly item: GitHubClient.SearchItem
  readonly roles: Set<Role>
}

export const githubSync = Effect.gen(function* () {
  const connections = yield* Connections
  const artifacts = yield* Artifacts
  const graph = yield* Graph
  const routing = yield* SyncRouting
  const rls = yield* RlsScope
  const { githubApiUrl } = yield* providersConfig

  const person = (login: string) =>
    graph.ensureEntity({ name: login, type: "person", metadata: { github: login, source: "github" } })

  const toGraph = (connection: Connection, found: Found, repository: string) =>
    Effect.gen(function* () {
      const project = yield* graph.ensureEntity({
        name: repository,
        type: "project",
        metadata: { github: repository, source: "github" }
      })
      const provenance = { source: "github", connectionId: connection.id, url: found.item.html_url }
      const link = (login: string, type: string) =>
        Effect.flatMap(person(login), (p) =>
          graph.ensureEdge({ sourceId: p.id, targetId: project.id, type, provenance })
        )
      yield* link(connection.accountLabel, EDGE.owner)
      if (found.item.user !== null) yield* link(found.item.user.login, EDGE.author)
      for (const assignee of found.item.assignees ?? []) yield* link(assignee.login, EDGE.assignee)
    })

  /**
   * One item, in one transaction: its artifact, graph entries and routing commit together or not at all. Routing
   * follows only a new artifact, so an artifact committed without it (a host killed in between) would never be
   * routed by the retry.
   */
  const store = (connection: Connection, rules: ReadonlyArray<AnySyncRule>, found: Found) =>
    rls.current(
      Effect.gen(function* () {
        const { item } = found
        const repository = GitHubClient.repositoryOf(item.repository_url)
        const kind = item.pull_request === undefined ? "issue" : "pull_request"
        const labels = item.labels.map((l) => l.name)
        const now = yield* Clock.currentTimeMillis
        const syncItem: SyncItem = {
          kind,
          title: item.title,
          url: item.html_url,
          repository,
          author: item.user?.login,
          labels,
          state: item.state,
          ageHours: (now - Date.parse(item.updated_at)) / 3_600_000
        }
        const routed = route(rules, syncItem)
        const title = `${repository}#${item.number} ${item.title}`
        const stored = yield* artifacts.storeHarvested({
          source: "github",
          externalId: item.html_url,
          connectionId: connection.id,
          title,
          text: [title, `${kind === "issue" ? "Issue" : "Pull request"} ${item.state}`, item.body ?? ""]
            .filter((line) => line !== "")
            .join("\n\n"),
          metadata: {
            url: item.html_url,
            repository,
            number: item.number,
            kind,
            state: item.state,
            author: item.user?.login ?? null,
            assignees: (item.assignees ?? []).map((a) => a.login),
            labels,
            roles: [...found.roles].sort(),
            updatedAt: item.updated_at,
            tags: routed.tags,
            folios: routed.folios
          }
        })
        if (routed.harvestToGraph !== false) yield* toGraph(connection, found, repository)
        yield* routing.apply({
          item: syncItem,
          routing: routed,
          artifactId: stored.id,
          created: stored.created,
          key: `github:${item.html_url}`
        })
        return stored.created
      })
    )

  /** One connection: every query first (so nothing is stored from a half-read window), then the items. */
  const syncConnection = (connection: Connection, rules: ReadonlyArray<AnySyncRule>) =>
    Effect.gen(function* () {
      const startedAt = new Date()
      const token = yield* connections.accessToken(connection.id)
      const since =
        connection.syncedUntil === null
          ? ""
          : ` updated:>=${GitHubClient.searchDate(DateTime.toDate(connection.syncedUntil))}`
      const budget = GitHubClient.freshBudget()
      const byId = new Map<number, Found>()
      let cursor = startedAt
      for (const { qualifier, role } of ROLES) {
        const { complete, items } = yield* GitHubClient.searchIssues(
          githubApiUrl,
          token,
          `${qualifier}:${connection.accountLabel}${since}`,
          budget
        )
        for (const item of items) {
          const found = byId.get(item.id) ?? { item, roles: new Set<Role>() }
          found.roles.add(role)
          byId.set(item.id, found)
        }
        // A query cut short resumes next time from its last item (oldest first), not from now.
        const last = items.at(-1)
        if (!complete && last !== undefined && new Date(last.updated_at) < cursor) cursor = new Date(last.updated_at)
      }
      let created = 0
      for (const found of byId.values()) if (yield* store(connection, rules, found)) created++
      yield* connections.setSyncedUntil(connection.id, cursor)
      return `${connection.accountLabel}: ${byId.size} item(s), ${created} new`
    })

  const run = Effect.gen(function* () {
    const all = yield* connections.list
    const github = all.filter((c) => c.provider === "github" && c.tokenStatus === "active")
    if (github.length === 0)
      return skipped("no GitHub connection is active: connect one with GET /api/v1/auth/github/start")
    const rules = yield* routing.rules("github")
    const details: Array<string> = []
    const failures: Array<string> = []
    let rateLimited = 0
    for (const connection of github) {
      const result = yield* Effect.either(syncConnection(connection, rules))
      if (result._tag === "Right") {
        details.push(result.right)
        continue
      }
      const error = result.left
      const limited = error._tag === "GitHubCallError" && error.kind === "rate-limited"
      if (limited) rateLimited++
      const reset =
        error._tag === "GitHubCallError" && error.resetAt !== undefined ? ` until ${error.resetAt.toISOString()}` : ""
      failures.push(`${connection.accountLabel}: ${error.message}${reset}`)
      yield* Effect.logWarning("github sync of a connection stopped").pipe(
        Effect.annotateLogs({ connection: connection.id, reason: `${error._tag}${reset}` })
      )
    }
    if (details.length === 0 && failures.length > 0) {
      // A spent rate limit is waited out, not retried: the next hourly run resumes from the cursor.
      if (rateLimited === failures.length) return skipped(failures.join("; "))
      return yield* new JobError({ message: failures.join("; ") })
    }
    return { status: "succeeded" as const, detail: [...details, ...failures].join("; ") }
  }).pipe(Effect.withSpan("GitHubSync.run"))

  return { scope: "workspace", run } satisfies JobBody
})
