// Corpus curation's merge proposals: deterministic, same type only, never merging on its own.
import { describe, expect, it } from "@effect/vitest"
import { matchesByInitials, proposeMerges, type Candidate } from "../../src/curation/AliasMatching"

let clock = 0
const entity = (id: string, name: string, extra: Partial<Candidate> = {}): Candidate => ({
  id,
  name,
  type: "person",
  aliases: [],
  canonicalId: null,
  edgeCount: 0,
  createdAt: clock++,
  ...extra
})

describe("alias-merge proposals", () => {
  it("proposes 'alice  chen' and 'A. Chen' as aliases of 'Alice Chen'", () => {
    const proposals = proposeMerges([
      entity("1", "Alice Chen", { edgeCount: 3 }),
      entity("2", "alice  chen"),
      entity("3", "A. Chen")
    ])
    expect(proposals.map((p) => [p.canonicalName, p.aliasName, p.reason])).toEqual(
      expect.arrayContaining([
        ["Alice Chen", "alice  chen", "same-name"],
        ["Alice Chen", "A. Chen", "initials"]
      ])
    )
    expect(proposals.every((p) => p.canonicalId === "1" || p.aliasId !== "1")).toBe(true)
  })

  it("folds accents and punctuation", () => {
    const [proposal] = proposeMerges([entity("1", "Zoë O'Neill"), entity("2", "zoe o neill")])
    expect(proposal).toMatchObject({ reason: "same-name", score: 1 })
  })

  it("matches a name against another entity's aliases", () => {
    const [proposal] = proposeMerges([
      entity("1", "Robert Smith", { aliases: ["Bob Smith"] }),
      entity("2", "Bob Smith")
    ])
    expect(proposal).toMatchObject({ reason: "alias", canonicalId: "1", aliasId: "2" })
  })

  it("never pairs different types, different people, or entities already linked", () => {
    expect(proposeMerges([entity("1", "Atlas"), entity("2", "atlas", { type: "project" })])).toEqual([])
    expect(proposeMerges([entity("1", "Alice Chen"), entity("2", "Bob Chen")])).toEqual([])
    expect(proposeMerges([entity("1", "Alice Chen"), entity("2", "alice chen", { canonicalId: "1" })])).toEqual([])
  })

  it("gives the same proposals in the same order every time", () => {
    const input = [entity("a", "Alice Chen"), entity("b", "A. Chen"), entity("c", "alice chen")]
    expect(proposeMerges(input)).toEqual(proposeMerges([...input].reverse()))
  })

  it("initials need the same surname and a real initial", () => {
    expect(matchesByInitials("A. Chen", "Alice Chen")).toBe(true)
    expect(matchesByInitials("A. B. Chen", "Alice Beth Chen")).toBe(true)
    expect(matchesByInitials("A. Chen", "Alice Cheng")).toBe(false)
    expect(matchesByInitials("B. Chen", "Alice Chen")).toBe(false)
    expect(matchesByInitials("Alice Chen", "Alice Chen")).toBe(false)
  })
})

describe("groups of aliases", () => {
  it("proposes every member of a group as an alias of one canonical entity, never of each other", () => {
    const proposals = proposeMerges([
      entity("1", "Alice Chen", { edgeCount: 1 }),
      entity("2", "alice  chen"),
      entity("3", "A. Chen")
    ])
    expect(proposals).toHaveLength(2)
    expect(new Set(proposals.map((p) => p.canonicalId))).toEqual(new Set(["1"]))
  })
})
