// The note-as-text rendering: the exact format GET /daily-notes/:date/text answers and search indexes.
import { describe, expect, it } from "@effect/vitest"
import type { Document, Node } from "../../src/notes/Document"
import { renderDocument, taskItemText } from "../../src/notes/RenderText"

const text = (value: string): Node => ({ type: "text", text: value })
const p = (...content: Array<Node>): Node => ({ type: "paragraph", content })
const task = (checked: boolean, words: string, ...more: Array<Node>): Node => ({
  type: "taskItem",
  attrs: { checked },
  content: [p(text(words)), ...more]
})
const card = (attrs: Record<string, string>, ...content: Array<Node>): Node => ({ type: "logCard", attrs, content })

describe("renderDocument", () => {
  it("renders a logCard as the daily skill documents, `## time [#tag].. [Folio]..`, with its blocks right below", () => {
    const document: Document = [
      card(
        { timestamp: "09:05 AM", tags: '["work","#urgent"]', folios: '["Atlas","Home"]', visibility: "PRIVATE" },
        p(text("Met with "), { type: "mention", attrs: { id: "u1", label: "Ana" } }, text(".")),
        { type: "taskList", content: [task(false, "send notes"), task(true, "book room")] }
      ),
      p(text("after the card"))
    ]
    expect(renderDocument(document)).toBe(
      [
        "## 09:05 AM [#work] [#urgent] [Atlas] [Home]",
        "Met with @Ana.",
        "",
        "- [ ] send notes",
        "- [x] book room",
        "",
        "after the card"
      ].join("\n")
    )
  })

  it("leaves out parts a card does not have, and calls a bare card `## Log`", () => {
    expect(renderDocument([card({ timestamp: "12:00 PM", tags: "[]", folios: "[]" })])).toBe("## 12:00 PM")
    expect(renderDocument([card({ tags: '["x"]' }, p(text("a")))])).toBe("## [#x]\na")
    expect(renderDocument([card({ folios: "not json" }, p(text("a")))])).toBe("## Log\na")
  })

  it("renders headings, lists, nested lists, quotes, code and rules", () => {
    const document: Document = [
      { type: "heading", attrs: { level: 3 }, content: [text("Plan")] },
      {
        type: "bulletList",
        content: [
          {
            type: "listItem",
            content: [
              p(text("one")),
              { type: "bulletList", content: [{ type: "listItem", content: [p(text("one.a"))] }] }
            ]
          },
          { type: "listItem", content: [p(text("two"))] }
        ]
      },
      {
        type: "orderedList",
        attrs: { start: 3 },
        content: [
          { type: "listItem", content: [p(text("third"))] },
          { type: "listItem", content: [p(text("fourth"))] }
        ]
      },
      { type: "blockquote", content: [p(text("quoted")), p(text("twice"))] },
      { type: "codeBlock", attrs: { language: "ts" }, content: [text("const a = 1\nconst b = 2")] },
      { type: "horizontalRule" },
      { type: "taskList", content: [task(false, "parent", { type: "taskList", content: [task(true, "child")] })] }
    ]
    expect(renderDocument(document)).toBe(
      [
        "### Plan",
        "",
        "- one",
        "  - one.a",
        "- two",
        "",
        "3. third",
        "4. fourth",
        "",
        "> quoted",
        ">",
        "> twice",
        "",
        "```ts",
        "const a = 1",
        "const b = 2",
        "```",
        "",
        "---",
        "",
        "- [ ] parent",
        "  - [x] child"
      ].join("\n")
    )
  })

  it("turns hard breaks into newlines, mentions into @/#/~, drops marks, and skips empty paragraphs", () => {
    const document: Document = [
      p(
        { type: "text", text: "bold", marks: [{ type: "bold" }] },
        { type: "hardBreak" },
        { type: "tagMention", attrs: { label: "#ops" } },
        text(" "),
        { type: "folioMention", attrs: { id: "f1", label: "Atlas" } }
      ),
      { type: "paragraph" },
      p(text("end"))
    ]
    expect(renderDocument(document)).toBe("bold\n#ops ~Atlas\n\nend")
  })

  it("renders unknown nodes through their children and keeps silent about unknown leaves", () => {
    const document: Document = [
      { type: "callout", attrs: { tone: "warn" }, content: [p(text("inside a callout"))] },
      { type: "image", attrs: { src: "x.png" } },
      { type: "fancyInline", content: [text("inline words")] }
    ]
    expect(renderDocument(document)).toBe("inside a callout\n\ninline words")
  })

  it("renders an empty note as the empty string", () => {
    expect(renderDocument([])).toBe("")
  })
})

describe("taskItemText", () => {
  it("is the item's own words on one line, without its nested tasks", () => {
    const item = task(false, "parent", { type: "taskList", content: [task(true, "child")] })
    expect(taskItemText(item)).toBe("parent")
    expect(taskItemText({ type: "taskItem", content: [p(text("a"), { type: "hardBreak" }, text("b"))] })).toBe("a b")
  })
})
