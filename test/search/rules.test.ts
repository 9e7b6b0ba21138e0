// The deterministic rules behind carabase_verify_hypothesis and carabase_route_and_execute.
import { describe, expect, it } from "@effect/vitest"
import { judge, type Evidence } from "../../src/search/Hypothesis"
import { routeQuery } from "../../src/search/QueryRouter"

const evidence = (snippet: string, id = snippet): Evidence => ({ id, kind: "note", title: "", snippet })

describe("verify_hypothesis verdicts", () => {
  const claim = "Ada prefers tea in the morning"

  it("corroborated when every relevant piece agrees", () => {
    const result = judge(claim, [evidence("Ada prefers tea every morning"), evidence("The weather was grey")])
    expect(result.verdict).toBe("corroborated")
    expect(result.supporting.map((e) => e.id)).toEqual(["Ada prefers tea every morning"])
    expect(result.unrelated).toBe(1)
  })

  it("contradicted when every relevant piece denies it", () => {
    const result = judge(claim, [evidence("Ada doesn't drink tea in the morning anymore, she prefers coffee")])
    expect(result.verdict).toBe("contradicted")
  })

  it("mixed when relevant evidence points both ways", () => {
    const result = judge(claim, [
      evidence("Ada prefers tea in the morning"),
      evidence("Ada never has tea in the morning")
    ])
    expect(result.verdict).toBe("mixed")
    expect(result.supporting).toHaveLength(1)
    expect(result.contradicting).toHaveLength(1)
  })

  it("inconclusive when nothing relevant was found", () => {
    expect(judge(claim, []).verdict).toBe("inconclusive")
    expect(judge(claim, [evidence("Quarterly planning for the garden")]).verdict).toBe("inconclusive")
  })

  it("words that merely end in -nt are not negations", () => {
    expect(judge("Ada attended the event", [evidence("Ada attended the important event")]).verdict).toBe("corroborated")
  })

  it("a denied claim is corroborated by a denial", () => {
    expect(judge("Ada does not like coffee", [evidence("Ada never liked coffee")]).verdict).toBe("corroborated")
  })

  it("gives the same answer every time", () => {
    const pieces = [evidence("Ada prefers tea in the morning"), evidence("Ada never has tea in the morning")]
    expect(judge(claim, pieces)).toEqual(judge(claim, pieces))
  })
})

describe("route_and_execute routing", () => {
  it("asks the graph how a known entity relates", () => {
    expect(routeQuery("who is Ada related to?", true)).toBe("graph")
    expect(routeQuery("connections of Project Atlas", true)).toBe("graph")
  })

  it("does not route to the graph for an unknown entity", () => {
    expect(routeQuery("who is Zed related to?", false)).toBe("semantic")
  })

  it("uses metadata for dates, periods, folios and tags", () => {
    expect(routeQuery("what did I log on 2026-03-01", false)).toBe("metadata")
    expect(routeQuery("notes from last week", false)).toBe("metadata")
    expect(routeQuery("entries in folio Atlas", false)).toBe("metadata")
    expect(routeQuery("everything tagged #health", false)).toBe("metadata")
  })

  it("falls back to semantic search", () => {
    expect(routeQuery("how do I make sourdough starter", false)).toBe("semantic")
  })
})
