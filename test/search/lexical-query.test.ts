// The lexical query's syntax and plan, without a database: quoted phrases and prefixes, IDF weights, unknown and stop
// words, and which terms find the candidates (the rarest, within CANDIDATE_BUDGET; all of them, AND-ed, when even the
// rarest is that common).
import { describe, expect, it } from "@effect/vitest"
import { CANDIDATE_BUDGET, idf, parseQuery, planFor } from "../../src/search/LexicalQuery"

const row = (kind: "word" | "prefix", word: string, term: string | null, df: number) => ({ kind, word, term, df })
const stats = (chunks: number) => ({ kind: "stats" as const, word: null, term: null, df: chunks })

describe("parseQuery", () => {
  it("separates exact phrases and prefixes from plain words", () => {
    expect(parseQuery('"red car" parked behind* the bakery')).toEqual({
      text: "red car parked the bakery",
      phrases: ["red car"],
      prefixes: ["behind"]
    })
    expect(parseQuery('an "unclosed phrase')).toEqual({
      text: "an unclosed phrase",
      phrases: ["unclosed phrase"],
      prefixes: []
    })
    expect(parseQuery('"" * plain')).toEqual({ text: "* plain", phrases: [], prefixes: [] })
  })
})

describe("planFor", () => {
  it("weighs rare terms more, names unknown and stop words, and keeps the words as typed", () => {
    const plan = planFor(parseQuery("the priced zeppelin qwxz"), [
      row("word", "the", null, 0),
      row("word", "priced", "price", 40),
      row("word", "zeppelin", "zeppelin", 2),
      row("word", "qwxz", "qwxz", 0),
      stats(1000)
    ])
    expect(plan.terms.map((term) => [term.term, term.words])).toEqual([
      ["zeppelin", ["zeppelin"]],
      ["price", ["priced"]]
    ])
    expect(plan.terms[0]!.weight).toBeCloseTo(idf(1000, 2))
    expect(plan.terms[0]!.weight).toBeGreaterThan(plan.terms[1]!.weight)
    expect(plan.unknownWords).toEqual(["qwxz"])
    expect(plan.stopWords).toEqual(["the"])
    expect(plan.candidates).toBe("'zeppelin' | 'price'")
    expect(plan.capped).toBe(false)
  })

  it("finds candidates by the rarest terms within the budget, and by all terms when every one is common", () => {
    const common = CANDIDATE_BUDGET + 1
    const some = planFor(parseQuery("rare often"), [
      row("word", "rare", "rare", 3),
      row("word", "often", "often", common),
      stats(50_000)
    ])
    expect(some.candidates).toBe("'rare'")
    expect(some.terms.map((term) => term.term)).toEqual(["rare", "often"])
    const all = planFor(parseQuery("often always"), [
      row("word", "often", "often", common),
      row("word", "always", "alway", common + 5),
      stats(50_000)
    ])
    expect(all.candidates).toBe("'often' & 'alway'")
    expect(all.capped).toBe(true)
  })

  it("expands a prefix to the terms it begins, and quotes terms for tsquery", () => {
    const plan = planFor(parseQuery("pric* o'neil"), [
      row("word", "o'neil", "o'neil", 1),
      row("prefix", "pric", "price", 10),
      row("prefix", "pric", "prick", 1),
      stats(100)
    ])
    expect(plan.terms.map((term) => [term.term, term.words])).toEqual([
      ["o'neil", ["o'neil"]],
      ["prick", ["pric*"]],
      ["price", ["pric*"]]
    ])
    expect(plan.candidates).toBe("'o''neil' | 'prick' | 'price'")
    expect(planFor(parseQuery("zzz*"), [stats(100)]).unknownWords).toEqual(["zzz*"])
  })
})
