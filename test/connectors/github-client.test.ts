// The pure parts of the GitHub client: following RFC 8288 Link headers, naming repositories, and search dates.
import { describe, expect, it } from "@effect/vitest"
import { nextLink, repositoryOf, searchDate } from "../../src/connectors/GitHubClient"

describe("the GitHub client", () => {
  it("finds rel=next among the links, in any order, and nothing on the last page", () => {
    const next = "https://api.test/search/issues?q=a&page=2"
    expect(nextLink(`<${next}>; rel="next", <https://api.test/search/issues?q=a&page=5>; rel="last"`)).toBe(next)
    expect(nextLink(`<https://api.test/x?page=1>; rel="prev", <${next}>; rel="next"`)).toBe(next)
    expect(nextLink(`<https://api.test/x?page=1>; rel="first", <https://api.test/x?page=1>; rel="prev"`)).toBe(
      undefined
    )
    expect(nextLink(null)).toBe(undefined)
    expect(nextLink("garbage")).toBe(undefined)
  })

  it("names a repository owner/name from its API URL", () => {
    expect(repositoryOf("https://api.test/repos/acme/app")).toBe("acme/app")
    expect(repositoryOf("https://ghe.test/api/v3/repos/acme/app/")).toBe("acme/app")
  })

  it("writes search dates to the second", () => {
    expect(searchDate(new Date("2026-11-25T14:02:07.033Z"))).toBe("2026-11-25T14:02:07Z")
  })
})
