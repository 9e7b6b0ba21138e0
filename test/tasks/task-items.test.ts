// Tasks derived from a note: nodeIndex numbering, inherited log-card metadata, toggling, filtering and order.
import { describe, expect, it } from "@effect/vitest"
import type { Document, Node } from "../../src/notes/Document"
import type { NoteDate } from "../../src/notes/NoteDate"
import { byListOrder, collectTasks, matches, parseTaskId, setChecked } from "../../src/tasks/TaskItems"

const item = (words: string, checked = false, ...more: Array<Node>): Node => ({
  type: "taskItem",
  attrs: { checked, custom: "kept" },
  content: [{ type: "paragraph", content: [{ type: "text", text: words }] }, ...more]
})
const list = (...items: Array<Node>): Node => ({ type: "taskList", content: items })
const date = "2026-03-14" as NoteDate

const document: Document = [
  list(item("loose")),
  {
    type: "logCard",
    attrs: { timestamp: "10:15 AM", tags: '["Work"]', folios: '["Atlas"]' },
    content: [list(item("parent", false, list(item("child", true))), item("sibling"))]
  }
]

describe("collectTasks", () => {
  it("numbers taskItems depth-first in document order, parents before their children", () => {
    expect(collectTasks(date, document).map((task) => [task.nodeIndex, task.text, task.id])).toEqual([
      [0, "loose", "2026-03-14:0"],
      [1, "parent", "2026-03-14:1"],
      [2, "child", "2026-03-14:2"],
      [3, "sibling", "2026-03-14:3"]
    ])
  })

  it("gives tasks inside a logCard the card's timestamp, tags and folios", () => {
    const [loose, parent] = collectTasks(date, document)
    expect(loose).toMatchObject({ timestamp: null, tags: [], folios: [], checked: false })
    expect(parent).toMatchObject({ timestamp: "10:15 AM", tags: ["Work"], folios: ["Atlas"] })
  })
})

describe("setChecked", () => {
  it("checks exactly the task at nodeIndex and keeps its other attributes and every other node", () => {
    const updated = setChecked(document, 2, false)!
    const tasks = collectTasks(date, updated)
    expect(tasks.map((task) => task.checked)).toEqual([false, false, false, false])
    expect(JSON.stringify(updated).match(/"custom":"kept"/g)).toHaveLength(4)
    expect(updated[0]).toBe(document[0])
    expect(setChecked(document, 4, true)).toBeUndefined()
  })
})

describe("filtering and order", () => {
  it("matches folio and tag case-insensitively, with or without #", () => {
    const [, parent] = collectTasks(date, document)
    expect(matches(parent!, { folio: "atlas", tag: "#work", checked: false })).toBe(true)
    expect(matches(parent!, { folio: "Other" })).toBe(false)
    expect(matches(parent!, { checked: true })).toBe(false)
  })

  it("puts unchecked first, then the newest day, then document order", () => {
    const older = collectTasks("2026-03-01" as NoteDate, [list(item("old open"), item("old done", true))])
    const newer = collectTasks("2026-03-20" as NoteDate, [list(item("new done", true), item("new open"))])
    expect([...older, ...newer].sort(byListOrder).map((task) => task.text)).toEqual([
      "new open",
      "old open",
      "new done",
      "old done"
    ])
  })

  it("splits task ids", () => {
    expect(parseTaskId("2026-03-14:12")).toEqual({ date: "2026-03-14", nodeIndex: 12 })
    expect(parseTaskId("2026-03-14")).toBeUndefined()
  })
})
