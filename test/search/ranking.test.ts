// The BM25 ranking's properties through POST /harvest/search on a real host and database: a rare word outranks a
// common one, any word of the query may match (OR), English stemming (as far as Snowball goes), accents folded,
// exact phrases and prefixes, short keyword queries, what each hit says it matched, why an empty answer is empty, and
// that one workspace's document frequencies never reach another's scores.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { createWorkspace, hostSuite } from "../support/hostSuite"

interface Hit {
  readonly id: string
  readonly score: number
  readonly snippet: string
  readonly matched: { readonly terms: ReadonlyArray<string> } | "by meaning"
  readonly source: { readonly matchedBy: ReadonlyArray<string> }
}
interface Answer {
  readonly results: ReadonlyArray<Hit>
  readonly explanation?: {
    readonly message: string
    readonly unknownWords: ReadonlyArray<string>
    readonly stopWords: ReadonlyArray<string>
    readonly vectors: string
  }
}

const suite = hostSuite("ranking")
let ws: string
const ids: Record<string, string> = {}

const remember = async (workspace: string, content: string) => {
  const response = await fetch(`${suite.base}/api/v1/memories`, {
    method: "POST",
    headers: { "x-workspace-id": workspace, "content-type": "application/json" },
    body: JSON.stringify({ content })
  })
  expect(response.status).toBe(201)
  return ((await response.json()) as { memory: { id: string } }).memory.id
}

const ask = async (query: string, workspace = ws, limit = 20): Promise<Answer> => {
  const response = await fetch(`${suite.base}/api/v1/harvest/search`, {
    method: "POST",
    headers: { "x-workspace-id": workspace, "content-type": "application/json" },
    body: JSON.stringify({ query, limit })
  })
  expect(response.status).toBe(200)
  return (await response.json()) as Answer
}

/** Hits found by words (the vector path alone can add near neighbours by shared character n-grams). */
const byWords = (answer: Answer) => answer.results.filter((hit) => hit.source.matchedBy.includes("text"))

beforeAll(async () => {
  ws = await createWorkspace(suite.base, "Ranking")
  // "meeting" is in nine memories, "zeppelin" in one.
  for (let i = 0; i < 8; i++) {
    await remember(ws, `Weekly meeting number ${i} went through the agenda and the minutes`)
  }
  ids.meetingPlus = await remember(ws, "The meeting about the new office chairs ran late")
  ids.zeppelin = await remember(ws, "A zeppelin flew over the harbour at dawn")
  ids.pricing = await remember(ws, "Our pricing for the enterprise plan is reviewed every quarter")
  ids.cafe = await remember(ws, "Lunch at the Café Müller on Thursday")
  ids.redCar = await remember(ws, "The red car is parked behind the bakery")
  ids.carRed = await remember(ws, "The car by the bakery is painted red")
})

describe("BM25 ranking", () => {
  it("a rare word outranks a common one, and any word of the query may match (OR)", async () => {
    const hits = byWords(await ask("meeting zeppelin"))
    expect(hits[0]!.id).toBe(ids.zeppelin)
    expect(hits[0]!.matched).toEqual({ terms: ["zeppelin"] })
    // No memory holds both words, yet every memory holding either is found.
    expect(hits.length).toBe(10)
    expect(hits.slice(1).every((hit) => hit.matched !== "by meaning" && hit.matched.terms[0] === "meeting")).toBe(true)
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score)
  })

  it("words that add nothing (stop words) do not stop a match", async () => {
    const hits = byWords(await ask("the zeppelin of the harbour"))
    expect(hits[0]!.id).toBe(ids.zeppelin)
    expect(hits[0]!.matched).toEqual({ terms: ["zeppelin", "harbour"] })
  })

  it("a one-word query finds its memory, as typed or in another case", async () => {
    expect(byWords(await ask("zeppelin"))[0]!.id).toBe(ids.zeppelin)
    expect(byWords(await ask("ZEPPELIN"))[0]!.id).toBe(ids.zeppelin)
    expect(byWords(await ask("enterprise"))[0]!.id).toBe(ids.pricing)
  })

  it("stems English words: priced and prices find pricing; costs does not (Snowball relates forms, not synonyms)", async () => {
    for (const query of ["priced", "prices", "price"]) {
      const hits = byWords(await ask(query))
      expect(hits[0]!.id, query).toBe(ids.pricing)
      expect(hits[0]!.matched).toEqual({ terms: [query] })
    }
    expect(byWords(await ask("costs"))).toEqual([])
    // Plural and tense both ways: "meetings" finds the memories that say "meeting".
    expect(byWords(await ask("meetings")).length).toBe(9)
  })

  it("folds accents both ways", async () => {
    expect(byWords(await ask("cafe muller"))[0]!.id).toBe(ids.cafe)
    expect(byWords(await ask("café"))[0]!.id).toBe(ids.cafe)
  })

  it("an exact phrase in quotes matches only that word order, and is answered by words alone", async () => {
    const answer = await ask('"red car"')
    expect(answer.results.map((hit) => hit.id)).toEqual([ids.redCar])
    expect(answer.results[0]!.matched).toEqual({ terms: ["red", "car"] })
    // Unquoted, both memories match.
    expect(new Set(byWords(await ask("red car")).map((hit) => hit.id))).toEqual(new Set([ids.redCar, ids.carRed]))
    const none = await ask('"car red"')
    expect(none.results).toEqual([])
    expect(none.explanation!.message).toContain('exact phrase "car red"')
  })

  it("a word with * matches every word it begins", async () => {
    const answer = await ask("zeppel*")
    expect(answer.results.map((hit) => hit.id)).toEqual([ids.zeppelin])
    expect(answer.results[0]!.matched).toEqual({ terms: ["zeppel*"] })
    expect((await ask("meet*")).results.length).toBe(9)
    expect((await ask("qqq*")).explanation!.unknownWords).toEqual(["qqq*"])
  })

  it("an empty answer says which words no text holds and which were too common", async () => {
    // Quoted, so the vector path (which may find neighbours of any string by character n-grams) is not asked.
    const unknown = await ask('"qwxzvj"')
    expect(unknown.results).toEqual([])
    expect(unknown.explanation).toMatchObject({ unknownWords: ["qwxzvj"], stopWords: [], vectors: "not used" })
    expect(unknown.explanation!.message).toContain('no indexed text holds "qwxzvj"')
    // Stop words alone match no words (the vector path may still answer by meaning).
    expect(byWords(await ask("the of and"))).toEqual([])
    const common = await ask('"of and the"')
    expect(common.results).toEqual([])
    expect(common.explanation).toMatchObject({ stopWords: ["of", "and", "the"], vectors: "not used" })
    expect(common.explanation!.message).toContain("too common")
    // A hit never carries an explanation.
    expect((await ask("zeppelin")).explanation).toBeUndefined()
  })
})

describe("document frequencies per workspace", () => {
  it("workspace B's corpus changes neither A's ranking nor A's scores", async () => {
    const before = await ask("meeting zeppelin")
    const beforeWordsOnly = await ask("meet* zeppelin")
    expect(beforeWordsOnly.results[0]!.id).toBe(ids.zeppelin)
    const other = await createWorkspace(suite.base, "Ranking other")
    // In B, zeppelin is everywhere and meeting is rare: B's own ranking is the other way round.
    for (let i = 0; i < 6; i++) await remember(other, `Zeppelin hangar inspection ${i} found the zeppelin in order`)
    const bMeeting = await remember(other, "One meeting with the hangar crew")
    // A prefix makes the query words-only, so this is BM25's order with B's own counts (no vector near-ties).
    const inB = byWords(await ask("meet* zeppelin", other))
    expect(inB[0]!.id).toBe(bMeeting)
    expect(inB.length).toBe(7)
    expect(inB.every((hit) => !Object.values(ids).includes(hit.id))).toBe(true)
    const after = await ask("meeting zeppelin")
    expect(after.results.map((hit) => [hit.id, hit.score])).toEqual(before.results.map((hit) => [hit.id, hit.score]))
    const afterWordsOnly = await ask("meet* zeppelin")
    expect(afterWordsOnly.results.map((hit) => [hit.id, hit.score])).toEqual(
      beforeWordsOnly.results.map((hit) => [hit.id, hit.score])
    )
  })
})
