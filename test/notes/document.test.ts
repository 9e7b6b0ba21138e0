// Validation of TipTap documents: what is kept as sent, what is refused, and the path a refusal names.
import { describe, expect, it } from "@effect/vitest"
import { Either, ParseResult, Schema } from "effect"
import { checkBlock, checkDocument, DocumentState, MAX_BYTES, MAX_DEPTH } from "../../src/notes/Document"
import { isCalendarDate, localDate, localTimestamp } from "../../src/notes/NoteDate"

describe("checkDocument", () => {
  it("accepts unknown node types, unknown attributes and unknown keys, and decodes them unchanged", () => {
    const document = [
      { type: "whiteboard", attrs: { shapes: [{ x: 1, nested: { deep: true } }] }, futureKey: { a: [1, 2] } },
      { type: "logCard", attrs: { timestamp: "09:00 AM", color: "blue", idempotencyKey: null }, content: [] },
      {
        type: "paragraph",
        content: [{ type: "text", text: "hi", marks: [{ type: "highlight", attrs: { color: "#ff0" } }] }]
      }
    ]
    expect(checkDocument(document)).toBeUndefined()
    expect(Schema.decodeUnknownSync(DocumentState)(document)).toEqual(document)
  })

  it("names the path of the first bad node", () => {
    const bad = (document: unknown) => checkDocument(document)
    expect(bad({})).toMatchObject({ path: [] })
    expect(bad([{ type: "paragraph", content: [{ text: "no type" }] }])).toMatchObject({ path: [0, "content", 0] })
    expect(bad([{ type: "taskList", content: [{ type: "taskItem", attrs: { checked: "yes" } }] }])).toMatchObject({
      path: [0, "content", 0, "attrs", "checked"],
      message: expect.stringContaining("true or false")
    })
    expect(bad([{ type: "logCard", attrs: { tags: ["a"] } }])).toMatchObject({ path: [0, "attrs", "tags"] })
    expect(bad([{ type: "paragraph", content: [{ type: "text", text: "" }] }])).toMatchObject({
      path: [0, "content", 0]
    })
    expect(bad([{ type: "heading", attrs: { level: 9 } }])).toMatchObject({ path: [0, "attrs", "level"] })
    expect(bad([{ type: "paragraph", attrs: [] }])).toMatchObject({ path: [0] })
    expect(bad([{ type: "paragraph", content: {} }])).toMatchObject({ path: [0] })
    expect(bad([{ type: "paragraph", marks: [{}] }])).toMatchObject({ path: [0, "marks", 0] })
    expect(bad([{ type: "paragraph", attrs: { x: "nul\u0000" } }])).toMatchObject({ path: [0, "attrs", "x"] })
    expect(bad([{ type: "text", text: "lone \ud800 surrogate" }])).toMatchObject({ path: [0, "text"] })
  })

  it("refuses nesting deeper than the limit and documents larger than 2 MiB", () => {
    let node: Record<string, unknown> = { type: "paragraph" }
    for (let i = 0; i < MAX_DEPTH; i++) node = { type: "blockquote", content: [node] }
    expect(checkDocument([node])?.message).toMatch(/deeper than 64/)
    const big = [{ type: "paragraph", content: [{ type: "text", text: "x".repeat(MAX_BYTES) }] }]
    expect(checkDocument(big)?.message).toMatch(/2 MiB/)
    expect(checkBlock(big[0])?.message).toMatch(/2 MiB/)
  })

  it("surfaces the path in the schema's issues", () => {
    const result = Schema.decodeUnknownEither(DocumentState)([{ type: "taskItem", attrs: { checked: 1 } }])
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(ParseResult.ArrayFormatter.formatErrorSync(result.left)[0]!.path).toEqual([0, "attrs", "checked"])
    }
  })
})

describe("note dates and clock readings", () => {
  it("accepts only real calendar days written YYYY-MM-DD", () => {
    for (const good of ["2026-01-05", "2028-02-29", "2000-02-29", "0001-01-01"]) expect(isCalendarDate(good)).toBe(true)
    for (const bad of [
      "2026-13-45",
      "2026-02-30",
      "2100-02-29",
      "today",
      "2026-1-5",
      "0000-01-01",
      "2026-01-05T00:00"
    ]) {
      expect(isCalendarDate(bad)).toBe(false)
    }
  })

  it("formats host-local time as hh:mm AM on a 12-hour clock", () => {
    const at = (h: number, m: number) => new Date(2026, 2, 14, h, m).getTime()
    expect(localTimestamp(at(0, 5))).toBe("12:05 AM")
    expect(localTimestamp(at(9, 30))).toBe("09:30 AM")
    expect(localTimestamp(at(12, 0))).toBe("12:00 PM")
    expect(localTimestamp(at(23, 59))).toBe("11:59 PM")
    expect(localDate(at(23, 59))).toBe("2026-03-14")
  })
})
