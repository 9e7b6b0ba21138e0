// Markdown log entries to TipTap blocks.
import { describe, expect, it } from "@effect/vitest"
import { markdownToBlocks } from "../../src/notes/Markdown"

const p = (...lines: Array<string>) => ({
  type: "paragraph",
  content: lines.flatMap((line, i) => [
    ...(i > 0 ? [{ type: "hardBreak" }] : []),
    ...(line === "" ? [] : [{ type: "text", text: line }])
  ])
})

describe("markdownToBlocks", () => {
  it("turns `- [ ]` / `- [x]` lines into task items of one task list", () => {
    expect(markdownToBlocks("- [ ] write report\n- [x] call Ana\n* [X] star form")).toEqual([
      {
        type: "taskList",
        content: [
          { type: "taskItem", attrs: { checked: false }, content: [p("write report")] },
          { type: "taskItem", attrs: { checked: true }, content: [p("call Ana")] },
          { type: "taskItem", attrs: { checked: true }, content: [p("star form")] }
        ]
      }
    ])
  })

  it("separates paragraphs at blank lines and keeps line breaks inside one", () => {
    expect(markdownToBlocks("first line\nsecond line\n\n  third  \r\n")).toEqual([
      p("first line", "second line"),
      p("third")
    ])
  })

  it("mixes text, tasks and bullets in order, starting a new list when the kind changes", () => {
    expect(
      markdownToBlocks("Standup notes\n- [ ] fix login\n- shipped search\n- wrote docs\n1. first\n2. second")
    ).toEqual([
      p("Standup notes"),
      { type: "taskList", content: [{ type: "taskItem", attrs: { checked: false }, content: [p("fix login")] }] },
      {
        type: "bulletList",
        content: [
          { type: "listItem", content: [p("shipped search")] },
          { type: "listItem", content: [p("wrote docs")] }
        ]
      },
      {
        type: "orderedList",
        attrs: { start: 1 },
        content: [
          { type: "listItem", content: [p("first")] },
          { type: "listItem", content: [p("second")] }
        ]
      }
    ])
  })

  it("reads headings, quotes, fenced code and rules, and leaves #tags and inline markup as text", () => {
    expect(markdownToBlocks("## Title\n> quoted\n> more\n\n```sh\nls -la\n\necho hi\n```\n---\n#tag **bold**")).toEqual(
      [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Title" }] },
        { type: "blockquote", content: [p("quoted", "more")] },
        { type: "codeBlock", attrs: { language: "sh" }, content: [{ type: "text", text: "ls -la\n\necho hi" }] },
        { type: "horizontalRule" },
        p("#tag **bold**")
      ]
    )
  })

  it("makes an empty task line an empty task rather than dropping it, and nothing of blank input", () => {
    expect(markdownToBlocks("- [ ]")).toEqual([
      { type: "taskList", content: [{ type: "taskItem", attrs: { checked: false }, content: [{ type: "paragraph" }] }] }
    ])
    expect(markdownToBlocks("  \n\n ")).toEqual([])
  })
})
