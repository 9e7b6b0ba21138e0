// The deterministic rules behind carabase_verify_hypothesis and carabase_route_and_execute.
import { describe, expect, it } from "@effect/vitest"
import { judge, type Evidence } from "../../src/mcp/Hypothesis"
import { routeQuery } from "../../src/mcp/QueryRouter"
import { checkRequest } from "../../src/mcp/McpGuard"

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

describe("MCP DNS-rebinding guard", () => {
  const config = {
    allowedOrigins: ["http://desk.local:5173"],
    names: { hosts: ["carabase.example"], origins: [], machine: "box" }
  }

  it("refuses a foreign Origin and a Host this machine does not answer to", () => {
    expect(checkRequest(config, { origin: "http://evil.example", host: "127.0.0.1:3000" }).ok).toBe(false)
    expect(checkRequest(config, { host: "evil.example:3000" }).ok).toBe(false)
    expect(checkRequest(config, { host: "box.evil.example:3000" }).ok).toBe(false)
  })

  it("allows no Origin, an allowed Origin, IP literals, localhost and the machine's own names", () => {
    for (const host of [
      "127.0.0.1:3000",
      "[::1]:3000",
      "100.101.102.103:3000",
      "localhost:3000",
      "box:3000",
      "box.tail1234.ts.net:3000",
      "carabase.example"
    ]) {
      expect(checkRequest(config, { host }), host).toEqual({ ok: true })
    }
    expect(checkRequest(config, { origin: "http://desk.local:5173", host: "box:3000" })).toEqual({ ok: true })
  })
})
