// Merging sync rules (pure): every enabled rule whose match holds contributes; tags are unioned, all folios kept,
// booleans OR'd over the rules that set them, and a flag no matching rule sets stays undefined. A rule in the
// published shape (filters, routing) means the same as its host-shape reading, and taking every item is said.
import { describe, expect, it } from "@effect/vitest"
import { ParseResult, Schema } from "effect"
import { asHostRule, matches, route, type SyncItem } from "../../src/connectors/SyncRules"
import { SyncRulesDocument, type SyncRule } from "../../src/connectors/SyncRulesApi"
import { strict } from "../../src/schema/StrictInput"

const issue: SyncItem = {
  kind: "issue",
  title: "Crash when saving a Folio",
  url: "https://github.test/acme/app/issues/7",
  repository: "acme/app",
  author: "alice",
  labels: ["bug", "p1"],
  tags: ["from-device"]
}

describe("matching one rule", () => {
  it("an absent or empty match takes every item", () => {
    expect(matches(undefined, issue)).toBe(true)
    expect(matches({}, issue)).toBe(true)
  })

  it("every condition must hold; a list holds when any value does, case-insensitively", () => {
    expect(matches({ repositories: ["ACME/app", "other/x"] }, issue)).toBe(true)
    expect(matches({ repositories: ["acme/app"], kinds: ["pull_request"] }, issue)).toBe(false)
    expect(matches({ labels: ["P1"] }, issue)).toBe(true)
    expect(matches({ labels: ["feature"] }, issue)).toBe(false)
    expect(matches({ authors: ["bob"] }, issue)).toBe(false)
    expect(matches({ tags: ["from-device"] }, issue)).toBe(true)
    expect(matches({ titleContains: "saving a folio" }, issue)).toBe(true)
    expect(matches({ titleContains: "loading" }, issue)).toBe(false)
    expect(matches({ urlPrefix: "https://github.test/acme/" }, issue)).toBe(true)
    expect(matches({ urlPrefix: "https://github.test/other/" }, issue)).toBe(false)
    expect(matches({ labels: ["bug"] }, { ...issue, labels: undefined })).toBe(false)
  })
})

describe("merging the rules that match", () => {
  const rules: ReadonlyArray<SyncRule> = [
    { name: "all acme", match: { repositories: ["acme/app"] }, tags: ["acme", "work"], folios: ["Acme"] },
    {
      name: "bugs",
      match: { labels: ["bug"] },
      tags: ["Work", "bug"],
      folios: ["Bugs", "acme"],
      harvestToGraph: false
    },
    { name: "p1 to timeline", match: { labels: ["p1"] }, injectToTimeline: true, harvestToGraph: true },
    { name: "prs only", match: { kinds: ["pull_request"] }, tags: ["review"], folios: ["Reviews"] },
    { name: "off", enabled: false, tags: ["never"], injectToTimeline: true }
  ]

  it("unions tags (first spelling kept), resolves every folio, ORs the booleans", () => {
    const routing = route(rules, issue)
    expect(routing.matched).toEqual(["all acme", "bugs", "p1 to timeline"])
    expect(routing.tags).toEqual(["from-device", "acme", "work", "bug"])
    expect(routing.folios).toEqual(["Acme", "Bugs"])
    expect(routing.harvestToGraph).toBe(true)
    expect(routing.injectToTimeline).toBe(true)
  })

  it("a false from the only rule that sets a flag is false; no rule setting it leaves it undefined", () => {
    const routing = route(rules, { ...issue, labels: ["bug"] })
    expect(routing.harvestToGraph).toBe(false)
    expect(routing.injectToTimeline).toBeUndefined()
    const none = route(rules, { kind: "document", title: "notes" })
    expect(none).toEqual({
      tags: [],
      folios: [],
      harvestToGraph: undefined,
      injectToTimeline: undefined,
      matched: []
    })
  })

  it("disabled rules never match, and unnamed rules are named by position", () => {
    const routing = route([{ tags: ["a"] }, { enabled: false, tags: ["b"] }, { tags: ["c"] }], issue)
    expect(routing.matched).toEqual(["#1", "#3"])
    expect(routing.tags).toEqual(["from-device", "a", "c"])
  })
})

describe("the published rule shape", () => {
  const published = {
    name: "PRs from acme/main",
    filters: { repos: ["ACME/main"], states: ["open" as const], lookbackHours: 24 },
    routing: { folioName: "acmebase", tags: ["github"], harvestToGraph: false, injectToTimeline: true }
  }
  const pr: SyncItem = { ...issue, kind: "pull_request", repository: "acme/main", state: "open", ageHours: 3 }

  it("reads as the host's shape: repos, states and lookback as conditions, folioName as the one folio", () => {
    expect(asHostRule(published)).toEqual({
      name: "PRs from acme/main",
      match: { repositories: ["ACME/main"], states: ["open"], lookbackHours: 24 },
      folios: ["acmebase"],
      tags: ["github"],
      harvestToGraph: false,
      injectToTimeline: true
    })
  })

  it("routes an item only when every filter holds", () => {
    expect(route([published], pr)).toMatchObject({ folios: ["acmebase"], matched: ["PRs from acme/main"] })
    for (const miss of [
      { repository: "acme/other" },
      { state: "closed" },
      { ageHours: 25 },
      { state: undefined },
      { ageHours: undefined }
    ]) {
      expect(route([published], { ...pr, ...miss }).matched, JSON.stringify(miss)).toEqual([])
    }
  })
})

describe("the document schema", () => {
  // As the API decodes it: strict (src/schema/StrictInput), so a field of neither shape is refused, not dropped.
  const decode = Schema.decodeUnknownEither(strict(SyncRulesDocument))

  it("accepts a full document and trims names", () => {
    const result = decode({
      rules: [{ name: " r ", match: { kinds: ["issue"], labels: ["bug"] }, folios: [" Acme "], tags: ["x"] }]
    })
    expect(result._tag).toBe("Right")
    if (result._tag === "Right") expect((result.right.rules[0] as SyncRule).folios).toEqual(["Acme"])
  })

  it("a rule that takes every item says so: matchAll: true, never an absent match, never both", () => {
    const refusal = (rules: unknown) => {
      const result = decode({ rules })
      return result._tag === "Left" ? ParseResult.TreeFormatter.formatErrorSync(result.left) : "accepted"
    }
    expect(refusal([{ name: "all", tags: ["x"] }])).toContain(
      "a rule without match conditions would take every item: give it conditions, or say so with matchAll: true"
    )
    expect(refusal([{ name: "all", match: {}, tags: ["x"] }])).toContain("say so with matchAll: true")
    expect(refusal([{ name: "docs", routing: { tags: ["x"] } }])).toContain(
      "a rule without filters conditions would take every item"
    )
    expect(refusal([{ matchAll: true, match: { labels: ["bug"] } }])).toContain(
      "matchAll: true takes every item; it cannot be combined with match conditions"
    )
    expect(refusal([{ name: "all", matchAll: true, tags: ["x"] }])).toBe("accepted")
    expect(refusal([{ id: "r1", matchAll: true, routing: { tags: ["x"] } }])).toBe("accepted")
  })

  it("accepts the published shape and refuses a mix of the two, or a field of neither", () => {
    const published = {
      id: "6f1c0a34-2f0e-4b9b-9d59-2b8f4b3b8a11",
      name: "PRs from acme/main",
      enabled: true,
      filters: { repos: ["acme/main"], states: ["open"], lookbackHours: 24 },
      routing: { folioName: "acmebase", tags: ["github", "pr"], harvestToGraph: true, injectToTimeline: true }
    }
    const accepted = decode({ rules: [published] })
    expect(accepted._tag === "Right" ? accepted.right.rules : accepted.left).toEqual([published])
    expect(decode({ rules: [{ ...published, folios: ["x"] }] })._tag).toBe("Left")
    expect(decode({ rules: [{ ...published, filters: { repo: ["acme/main"] } }] })._tag).toBe("Left")
    expect(decode({ rules: [{ ...published, filters: { states: ["merged"] } }] })._tag).toBe("Left")
    expect(decode({ rules: [{ ...published, filters: { lookbackHours: 0 } }] })._tag).toBe("Left")
  })

  it("refuses unknown kinds, empty names and non-boolean flags", () => {
    for (const rules of [
      [{ match: { kinds: ["commit"] } }],
      [{ folios: [" "] }],
      [{ injectToTimeline: "yes" }],
      "not a list"
    ]) {
      expect(decode({ rules })._tag, JSON.stringify(rules)).toBe("Left")
    }
  })
})
