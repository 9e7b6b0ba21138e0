// A note as markdown-like text: what GET /daily-notes/:date/text answers, what full-text search indexes and what an
// agent reads. Blocks are separated by a blank line. A logCard becomes the heading
// `## <timestamp> [#<tag>]... [<Folio>]...` (the published daily skill's form, e.g. `## 09:15 AM [#standup] [Backend]`:
// parts in that order, one space apart, each present only when set; a card with none is `## Log`) with its blocks
// right below it. Paragraphs are their text (hard breaks are newlines),
// headings `#` x level, bullet items `- `, ordered items `N. ` (from attrs.start), task items `- [ ] ` / `- [x] `,
// nested lists indented two spaces (three under an ordered item), blockquotes `> `, code blocks fenced with their
// language, rules `---`. Inline mentions read `@Name`, tag mentions `#tag`, folio mentions `~Folio`; marks are
// dropped. Unknown nodes render their children (inline if they hold only inline nodes) and are otherwise silent.
import type { Document, Node } from "./Document"
import { logCardMeta } from "./LogCard"

const inlineTypes = new Set(["text", "hardBreak", "mention", "tagMention", "folioMention"])
const listTypes = new Set(["taskList", "bulletList", "orderedList"])

const label = (node: Node): string => {
  const attrs = node.attrs ?? {}
  for (const key of ["label", "name", "id"]) {
    const value = attrs[key]
    if (typeof value === "string" && value !== "") return value
  }
  return ""
}

const isInline = (node: Node): boolean =>
  inlineTypes.has(node.type) || (node.content === undefined && typeof node.text === "string")

/** The text of a node's inline content; hard breaks become `hardBreak` (a newline in the note text). */
export const inlineText = (node: Node, hardBreak = "\n"): string => {
  switch (node.type) {
    case "text":
      return node.text ?? ""
    case "hardBreak":
      return hardBreak
    case "mention":
      return `@${label(node)}`
    case "tagMention":
      return `#${label(node).replace(/^#+/, "")}`
    case "folioMention":
      return `~${label(node)}`
    default:
      if (node.content !== undefined) return node.content.map((child) => inlineText(child, hardBreak)).join("")
      return typeof node.text === "string" ? node.text : ""
  }
}

/** A task item's own words: its non-list children, on one line (nested task lists are tasks of their own). */
export const taskItemText = (node: Node): string =>
  (node.content ?? [])
    .filter((child) => !listTypes.has(child.type))
    .map((child) => (child.content?.every(isInline) === false ? renderBlock(child) : inlineText(child, " ")))
    .filter((text) => text !== "")
    .join(" ")
    .replace(/\s+/g, " ")
    .trim()

export const logCardHeading = (node: Node): string => {
  const meta = logCardMeta(node)
  const parts = [
    ...(meta.timestamp === null ? [] : [meta.timestamp]),
    ...meta.tags.map((tag) => `[#${tag}]`),
    ...meta.folios.map((folio) => `[${folio}]`)
  ]
  return `## ${parts.length === 0 ? "Log" : parts.join(" ")}`
}

const indentLines = (text: string, first: string, rest: string): string =>
  text
    .split("\n")
    .map((line, i) => (i === 0 ? first + line : line === "" ? line : rest + line))
    .join("\n")

/** One list item: its first paragraph on the marker line, everything else below it, indented. */
const renderItem = (item: Node, marker: string, indent: string): string => {
  const children = item.content ?? []
  const [first, ...rest] = children
  const head = first !== undefined && first.type === "paragraph" ? inlineText(first) : ""
  const body = (head === "" && first !== undefined && first.type !== "paragraph" ? children : rest)
    .map(renderBlock)
    .filter((text) => text !== "")
  return indentLines([head, ...body].join("\n"), marker, indent)
}

const taskMarker = (node: Node) => (node.attrs?.checked === true ? "- [x] " : "- [ ] ")

const renderList = (node: Node): string => {
  const items = node.content ?? []
  if (node.type === "orderedList") {
    const start = node.attrs?.start
    const first = typeof start === "number" && Number.isInteger(start) && start >= 0 ? start : 1
    return items.map((item, i) => renderItem(item, `${first + i}. `, "   ")).join("\n")
  }
  return items
    .map((item) => (item.type === "taskItem" ? renderItem(item, taskMarker(item), "  ") : renderItem(item, "- ", "  ")))
    .join("\n")
}

export const renderBlock = (node: Node): string => {
  switch (node.type) {
    case "logCard": {
      const body = renderBlocks(node.content ?? [])
      return body === "" ? logCardHeading(node) : `${logCardHeading(node)}\n${body}`
    }
    case "paragraph":
      return inlineText(node)
    case "heading": {
      const level = node.attrs?.level
      const hashes = "#".repeat(typeof level === "number" && level >= 1 && level <= 6 ? Math.floor(level) : 1)
      const text = inlineText(node)
      return text === "" ? "" : `${hashes} ${text}`
    }
    case "bulletList":
    case "orderedList":
    case "taskList":
      return renderList(node)
    case "taskItem":
      return renderItem(node, taskMarker(node), "  ")
    case "listItem":
      return renderItem(node, "- ", "  ")
    case "blockquote": {
      const body = renderBlocks(node.content ?? [])
      return body === "" ? "" : body.replace(/^/gm, "> ").replace(/^> $/gm, ">")
    }
    case "codeBlock": {
      const language = node.attrs?.language
      return `\`\`\`${typeof language === "string" ? language : ""}\n${inlineText(node)}\n\`\`\``
    }
    case "horizontalRule":
      return "---"
    default:
      if (isInline(node)) return inlineText(node)
      if (node.content === undefined) return ""
      return node.content.every(isInline) ? inlineText(node) : renderBlocks(node.content)
  }
}

const renderBlocks = (nodes: ReadonlyArray<Node>): string =>
  nodes
    .map(renderBlock)
    .filter((text) => text !== "")
    .join("\n\n")

/** The whole note as text; empty for an empty note. */
export const renderDocument = (document: Document): string => renderBlocks(document)
