// The pure reading of logCards behind a folio's log: attribute lists, timestamps, matching and order.
import { describe, expect, it } from "@effect/vitest"
import { folioEntries, minutesOf, namesFolio } from "../../src/folios/FolioEntries"
import { parseStringArray as stringList } from "../../src/notes/LogCard"

const card = (timestamp: string, folios: string) => ({ type: "logCard", attrs: { timestamp, folios } })

describe("FolioEntries", () => {
  it("reads hh:mm AM timestamps, with 12 AM as midnight and 12 PM as noon, and refuses nonsense", () => {
    expect(minutesOf("12:00 AM")).toBe(0)
    expect(minutesOf("12:30 PM")).toBe(750)
    expect(minutesOf("01:05 pm")).toBe(785)
    expect(minutesOf("9:15 AM")).toBe(555)
    expect(minutesOf("23:59")).toBe(1439)
    for (const bad of ["", "noon", "13:00 PM", "00:10 AM", "10:60 AM", "24:00"]) expect(minutesOf(bad)).toBeUndefined()
  })

  it("reads string-array attributes encoded as JSON or given as arrays, and nothing else", () => {
    expect(stringList('["Atlas", "Garden"]')).toEqual(["Atlas", "Garden"])
    expect(stringList(["Atlas", 3])).toEqual(["Atlas"])
    expect(stringList("Atlas")).toEqual([])
    expect(stringList('{"a": 1}')).toEqual([])
    expect(stringList(undefined)).toEqual([])
  })

  it("matches a folio by whole name, ignoring case, and only on logCards", () => {
    expect(namesFolio(card("", '["ATLAS "]'), "Atlas")).toBe(true)
    expect(namesFolio(card("", '["Atlas Two"]'), "Atlas")).toBe(false)
    expect(namesFolio({ type: "paragraph", attrs: { folios: '["Atlas"]' } }, "Atlas")).toBe(false)
  })

  it("orders newest date first, then latest time, unreadable times last, then later in the note first", () => {
    const candidates = [
      { date: "2025-01-01", position: 0, block: card("11:00 PM", '["A"]') },
      { date: "2025-01-02", position: 0, block: card("nope", '["A"]') },
      { date: "2025-01-02", position: 1, block: card("08:00 AM", '["A"]') },
      { date: "2025-01-02", position: 2, block: card("08:00 AM", '["A"]') },
      { date: "2025-01-02", position: 3, block: card("12:00 PM", '["A"]') },
      { date: "2025-01-02", position: 4, block: card("nope", '["A"]') },
      { date: "2025-01-03", position: 0, block: card("09:00 AM", '["B"]') }
    ]
    const order = folioEntries(candidates, "a").map((entry) => candidates.findIndex((c) => c.block === entry.block))
    expect(order).toEqual([4, 3, 2, 5, 1, 0])
  })
})
