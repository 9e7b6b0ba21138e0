// A local server that answers like GitHub's REST API for what the host uses: `GET /user` and
// `GET /search/issues` (qualifiers author:, assignee:, review-requested:, updated:>=, sort=updated, order=asc,
// per_page and page), with RFC 8288 Link headers for pagination and X-RateLimit-Remaining / X-RateLimit-Reset on
// every answer; when the budget is spent it answers 403 like GitHub's primary rate limit, and it can refuse with
// Retry-After like its secondary one. Tokens are checked
// against the fake OAuth server.
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import type { Account } from "./fakeOAuthServer"

export interface FakeIssue {
  readonly id: number
  readonly number: number
  readonly repo: string
  readonly title: string
  readonly body: string
  readonly author: string
  readonly assignees: ReadonlyArray<string>
  readonly reviewers: ReadonlyArray<string>
  readonly isPullRequest: boolean
  readonly state: "open" | "closed"
  readonly labels: ReadonlyArray<string>
  updatedAt: string
}

export interface FakeGitHub {
  readonly url: string
  readonly issues: Array<FakeIssue>
  /** Every search query answered (the `q` parameter), in order. */
  readonly queries: Array<string>
  /** How many requests arrived, answered or refused. */
  requests: number
  /** Requests left before the rate limit answers 403; reset time announced in X-RateLimit-Reset. */
  remaining: number
  resetAt: number
  /** When set, every request is refused with 403 and this Retry-After (GitHub's secondary rate limit). */
  retryAfter: number | undefined
  readonly close: () => Promise<void>
}

const matches = (issue: FakeIssue, q: string) => {
  for (const term of q.split(/\s+/).filter((t) => t !== "")) {
    const [key, value = ""] = term.split(/:(.*)/s, 2) as [string, string | undefined]
    if (key === "author" && issue.author !== value) return false
    if (key === "assignee" && !issue.assignees.includes(value)) return false
    if (key === "review-requested" && !issue.reviewers.includes(value)) return false
    if (key === "updated" && value.startsWith(">=") && issue.updatedAt < new Date(value.slice(2)).toISOString()) {
      return false
    }
    if (key === "is" && value === "pr" && !issue.isPullRequest) return false
    if (key === "is" && value === "issue" && issue.isPullRequest) return false
  }
  return true
}

export const startFakeGitHub = async (accountOf: (token: string) => Account | undefined): Promise<FakeGitHub> => {
  const base = () => fake.url
  const toApi = (issue: FakeIssue) => ({
    id: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    html_url: `https://github.test/${issue.repo}/${issue.isPullRequest ? "pull" : "issues"}/${issue.number}`,
    repository_url: `${base()}/repos/${issue.repo}`,
    user: { login: issue.author },
    assignees: issue.assignees.map((login) => ({ login })),
    labels: issue.labels.map((name) => ({ name })),
    created_at: issue.updatedAt,
    updated_at: issue.updatedAt,
    ...(issue.isPullRequest ? { pull_request: { url: `${base()}/repos/${issue.repo}/pulls/${issue.number}` } } : {})
  })

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost")
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, {
        "content-type": "application/json",
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": String(Math.max(0, fake.remaining)),
        "x-ratelimit-reset": String(fake.resetAt),
        ...headers
      })
      response.end(JSON.stringify(body))
    }
    fake.requests += 1
    const account = accountOf((request.headers.authorization ?? "").replace(/^(Bearer|token) /, ""))
    if (account === undefined) return send(401, { message: "Bad credentials" })
    if (fake.remaining <= 0) return send(403, { message: "API rate limit exceeded" })
    if (fake.retryAfter !== undefined) {
      return send(
        403,
        { message: "You have exceeded a secondary rate limit" },
        { "retry-after": String(fake.retryAfter) }
      )
    }
    fake.remaining -= 1
    if (url.pathname === "/user") return send(200, { id: Number(account.id), login: account.login })
    if (url.pathname === "/search/issues") {
      const q = url.searchParams.get("q") ?? ""
      fake.queries.push(q)
      const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? "30"))
      const page = Number(url.searchParams.get("page") ?? "1")
      const found = fake.issues
        .filter((issue) => matches(issue, q))
        .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id - b.id)
      const last = Math.max(1, Math.ceil(found.length / perPage))
      const link = (p: number, rel: string) => {
        const next = new URL(`${base()}${url.pathname}`)
        for (const [k, v] of url.searchParams) next.searchParams.set(k, v)
        next.searchParams.set("page", String(p))
        return `<${next.toString()}>; rel="${rel}"`
      }
      const links = page < last ? [link(page + 1, "next"), link(last, "last")] : []
      return send(
        200,
        {
          total_count: found.length,
          incomplete_results: false,
          items: found.slice((page - 1) * perPage, page * perPage).map(toApi)
        },
        links.length === 0 ? {} : { link: links.join(", ") }
      )
    }
    send(404, { message: "Not Found" })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const fake: FakeGitHub = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    issues: [],
    queries: [],
    requests: 0,
    remaining: 5000,
    resetAt: Math.floor(Date.now() / 1000) + 3600,
    retryAfter: undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return fake
}
