// The offline tier's rules as pure functions: what counts as a link, a mention, a tag, a folio and a known name, what
// resolves, what is a look-alike for curation, and what is left alone (e-mail addresses, numbers, capitalised words
// at a sentence's start, ordinary words that happen to be a tag's topic). And the model tier's answer decoding.
import { describe, expect, it } from "@effect/vitest"
import { parseAnswer } from "../../src/graph/ModelExtractor"
import { extractPassage, Lexicon, passageOfBlock, type KnownEntity } from "../../src/graph/OfflineExtractor"

const known: Array<KnownEntity> = [
  { id: "a", name: "Alice Chen", type: "person", aliases: ["Ali Chen"], canonicalId: null },
  { id: "b", name: "Bob Martinez", type: "person", aliases: [], canonicalId: null },
  { id: "t", name: "Atlas", type: "project", aliases: [], canonicalId: null },
  { id: "k", name: "Kubernetes", type: "tool", aliases: ["k8s"], canonicalId: null },
  { id: "p", name: "planning", type: "topic", aliases: [], canonicalId: null },
  { id: "dup", name: "A. Chen (old)", type: "person", aliases: ["Alicia"], canonicalId: "a" }
]
const lexicon = new Lexicon(known)
const read = (text: string) =>
  extractPassage({ place: 0, text }, lexicon).map((found) => [found.how, found.name, found.resolution._tag])

describe("the offline tier", () => {
  it("reads links, mentions, tags and known names, resolving them to known entities", () => {
    expect(read("Met @Alice_Chen and Bob Martinez about [[Atlas]] on k8s #Planning")).toEqual([
      ["link", "Atlas", "Known"],
      ["mention", "Alice Chen", "Known"],
      ["tag", "planning", "Known"],
      // Known names longest first.
      ["name", "Bob Martinez", "Known"],
      ["name", "Kubernetes", "Known"]
    ])
  })

  it("resolves an alias entity's names to its canonical entity", () => {
    expect(extractPassage({ place: 0, text: "Lunch with Alicia." }, lexicon)).toEqual([
      expect.objectContaining({ name: "Alice Chen", resolution: { _tag: "Known", id: "a" } })
    ])
  })

  it("leaves e-mail addresses, numbered tags, lowercase proper names and ordinary words alone", () => {
    expect(read("mail alice@atlas.io about issue #12; the atlas of maps; some planning to do")).toEqual([])
  })

  it("makes new names of links, mentions and tags, but not of unknown capitalised names", () => {
    expect(read("Ask @carlos about [[Project Phoenix]] #errands. Elena Petrova starts Monday.")).toEqual([
      ["link", "Project Phoenix", "New"],
      ["mention", "carlos", "New"],
      ["tag", "errands", "New"]
    ])
  })

  it("hands look-alikes to curation: initials, a first name alone", () => {
    const found = extractPassage({ place: 3, text: "Deck with A. Chen; @bob sends numbers." }, lexicon)
    expect(found.map((each) => [each.surface, each.resolution])).toEqual([
      ["@bob", { _tag: "LookAlike", id: "b", entityName: "Bob Martinez", reason: "partial", score: 0.6 }],
      ["A. Chen", { _tag: "LookAlike", id: "a", entityName: "Alice Chen", reason: "initials", score: 0.8 }]
    ])
  })

  it("reads a logCard's tags, folios and mention nodes structurally, and each entity once per block", () => {
    const passage = passageOfBlock(
      {
        type: "logCard",
        attrs: { tags: '["atlas"]', folios: '["Atlas"]' },
        content: [
          {
            type: "paragraph",
            content: [
              { type: "mention", attrs: { id: "x", label: "Bob Martinez" } },
              { type: "text", text: " shipped Atlas" }
            ]
          }
        ]
      },
      4
    )
    expect(passage).toMatchObject({ place: 4, mentions: ["Bob Martinez"], tags: ["atlas"], folios: ["Atlas"] })
    expect(extractPassage(passage, lexicon).map((found) => [found.how, found.name])).toEqual([
      ["mention", "Bob Martinez"],
      // The tag, the folio and the name are one entity: kept once, as the surest way it was named.
      ["folio", "Atlas"]
    ])
  })
})

describe("the model tier's answer", () => {
  const places = new Set([0, 1])
  it("is decoded from JSON (fenced or not) and kept to the places asked about", () => {
    const answer = parseAnswer(
      '```json\n{"entities":[{"name":" Zephyr ","type":"project","place":0},{"name":"Ghost","type":"person","place":9}]}\n```',
      places
    )
    expect(answer).toEqual({ entities: [{ name: "Zephyr", type: "project", place: 0 }], relations: [] })
  })

  it("is refused whole when it is not that JSON: prose, a wrong type, a confidence out of range", () => {
    expect(parseAnswer("Here you go: Zephyr", places)).toBeUndefined()
    expect(parseAnswer('{"entities":[{"name":"Zephyr","type":"spaceship","place":0}]}', places)).toBeUndefined()
    expect(
      parseAnswer(
        '{"entities":[],"relations":[{"source":"a","target":"b","type":"x","place":0,"confidence":3}]}',
        places
      )
    ).toBeUndefined()
  })
})
