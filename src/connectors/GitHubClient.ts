// The part of GitHub's REST API the sync uses: issue search (pull requests are issues with a `pull_request` field),
// followed page by page through RFC 8288 Link headers. Every answer's X-RateLimit-Remaining / X-RateLimit-Reset is
// read: once the budget is spent, no further request is made until it resets; the sync stops and says until when.
import { Data, Duration, Effect, Redacted, Schema } from "effect"

export class GitHubCallError extends Data.TaggedError("GitHubCallError")<{
  readonly kind: "unauthorized" | "rate-limited" | "unavailable"
  readonly message: string
  /** For rate-limited: when the budget resets. */
  readonly resetAt?: Date | undefined
}> {}

const Login = Schema.Struct({ login: Schema.String })

export const SearchItem = Schema.Struct({
  id: Schema.Number,
  number: Schema.Number,
  title: Schema.String,
  body: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  state: Schema.String,
  html_url: Schema.String,
  repository_url: Schema.String,
  user: Schema.NullOr(Login),
  assignees: Schema.optionalWith(Schema.NullOr(Schema.Array(Login)), { default: () => [] }),
  labels: Schema.optionalWith(Schema.Array(Schema.Struct({ name: Schema.String })), { default: () => [] }),
  updated_at: Schema.String,
  pull_request: Schema.optional(Schema.Unknown)
})
export type SearchItem = typeof SearchItem.Type

const SearchPage = Schema.Struct({ items: Schema.Array(SearchItem) })

/** `owner/name` from a repository API URL (`…/repos/owner/name`). */
export const repositoryOf = (repositoryUrl: string) => {
  const match = /\/repos\/([^/]+\/[^/]+)\/?$/.exec(repositoryUrl)
  return match === null ? repositoryUrl : match[1]!
}

/** The `rel="next"` target of a Link header, if any. */
export const nextLink = (header: string | null): string | undefined => {
  if (header === null) return undefined
  for (const part of header.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim())
    if (match !== null && match[2]!.split(/\s+/).includes("next")) return match[1]
  }
  return undefined
}

const TIMEOUT = Duration.seconds(30)
export const MAX_PAGES = 20

const resetOf = (headers: Headers) => {
  const reset = Number(headers.get("x-ratelimit-reset"))
  return Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : undefined
}

const get = (url: string, token: Redacted.Redacted<string>) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(url, {
        headers: {
          authorization: `Bearer ${Redacted.value(token)}`,
          accept: "application/vnd.github+json",
          "x-github-api-version": "2022-11-28",
          "user-agent": "carabase-host"
        },
        signal
      })
      return { status: response.status, headers: response.headers, body: (await response.json()) as unknown }
    },
    catch: () => new GitHubCallError({ kind: "unavailable", message: "GitHub's API did not answer" })
  }).pipe(
    Effect.timeoutFail({
      duration: TIMEOUT,
      onTimeout: () => new GitHubCallError({ kind: "unavailable", message: "GitHub's API timed out" })
    })
  )

/** What the last answer said about the rate limit; shared by the queries of one sync. */
export interface RateBudget {
  remaining: number | undefined
  resetAt: Date | undefined
}

export const freshBudget = (): RateBudget => ({ remaining: undefined, resetAt: undefined })

const spent = (budget: RateBudget) =>
  new GitHubCallError({ kind: "rate-limited", message: "GitHub's rate limit is spent", resetAt: budget.resetAt })

/** A search qualifier's date: GitHub takes ISO 8601 to the second. */
export const searchDate = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z")

/**
 * Every item of one search query, oldest update first, and whether that was all of them. Stops with `rate-limited` when a page is refused for the
 * rate limit, or when the budget is spent with pages still to come.
 */
export const searchIssues = (
  apiUrl: string,
  token: Redacted.Redacted<string>,
  query: string,
  budget: RateBudget = freshBudget()
) =>
  Effect.gen(function* () {
    const first = new URL(`${apiUrl}/search/issues`)
    first.searchParams.set("q", query)
    first.searchParams.set("sort", "updated")
    first.searchParams.set("order", "asc")
    first.searchParams.set("per_page", "50")
    const items: Array<SearchItem> = []
    let url: string | undefined = first.toString()
    for (let page = 0; url !== undefined && page < MAX_PAGES; page++) {
      if (budget.remaining === 0 && (budget.resetAt === undefined || budget.resetAt.getTime() > Date.now())) {
        return yield* spent(budget)
      }
      const answer = yield* get(url, token)
      const remaining = Number(answer.headers.get("x-ratelimit-remaining") ?? "NaN")
      budget.remaining = Number.isFinite(remaining) ? remaining : undefined
      budget.resetAt = resetOf(answer.headers)
      if (answer.status === 401) {
        return yield* new GitHubCallError({ kind: "unauthorized", message: "GitHub refused the token (401)" })
      }
      const retryAfter = Number(answer.headers.get("retry-after") ?? "NaN")
      if ((answer.status === 403 || answer.status === 429) && Number.isFinite(retryAfter)) {
        // A secondary rate limit: wait as long as GitHub asks.
        budget.remaining = 0
        budget.resetAt = new Date(Date.now() + retryAfter * 1000)
      }
      if (((answer.status === 403 || answer.status === 429) && budget.remaining === 0) || answer.status === 429) {
        return yield* spent(budget)
      }
      if (answer.status !== 200) {
        return yield* new GitHubCallError({ kind: "unavailable", message: `GitHub answered ${answer.status}` })
      }
      const decoded = yield* Schema.decodeUnknown(SearchPage)(answer.body).pipe(
        Effect.mapError(
          () => new GitHubCallError({ kind: "unavailable", message: "GitHub's search answer is not understood" })
        )
      )
      items.push(...decoded.items)
      url = nextLink(answer.headers.get("link"))
    }
    // Search answers at most MAX_PAGES pages (GitHub stops at 1000 results): the rest is read on a later run.
    return { items, complete: url === undefined }
  })
