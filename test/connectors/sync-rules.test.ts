// Merging sync rules (pure): every enabled rule whose match holds contributes; tags are unioned, all folios kept,
// booleans OR'd over the rules that set them, and a flag no matching rule sets stays undefined.
import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { matches, route, type SyncItem } from "../../src/connectors/SyncRules"
import { SyncRulesDocument, type SyncRule } from "../../src/connectors/SyncRulesApi"

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

describe("the document schema", () => {
  const decode = Schema.decodeUnknownEither(SyncRulesDocument)

  it("accepts a full document and trims names", () => {
    const result = decode({
      rules: [{ name: " r ", match: { kinds: ["issue"], labels: ["bug"] }, folios: [" Acme "], tags: ["x"] }]
    })
    expect(result._tag).toBe("Right")
    if (result._tag === "Right") expect(result.right.rules[0]!.folios).toEqual(["Acme"])
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
