// Markdown text to TipTap blocks, for log entries written by agents and scripts. Deliberately small: blank lines
// separate paragraphs (lines inside one become hard breaks), `- [ ]` / `- [x]` lines become task items, `-`/`*`/`+`
// lines bullet items, `1.` lines ordered items (consecutive items of a kind share one list), `#`..`######` headings,
// `>` blockquotes, fenced code blocks and `---` rules. Inline markup (bold, links) is kept as literal text.
import type { Node } from "./Document"

const taskLine = /^\s*[-*+]\s+\[([ xX])\](?:\s+(.*))?$/
const bulletLine = /^\s*[-*+]\s+(.*)$/
const orderedLine = /^\s*(\d{1,9})[.)]\s+(.*)$/
const headingLine = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/
const quoteLine = /^\s{0,3}>\s?(.*)$/
const fenceLine = /^\s{0,3}(`{3,}|~{3,})\s*([^`\s]*)\s*$/
const ruleLine = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/

const textNodes = (text: string): ReadonlyArray<Node> => (text === "" ? [] : [{ type: "text", text }])

const withContent = (node: Node, content: ReadonlyArray<Node>): Node =>
  content.length === 0 ? node : { ...node, content }

/** A paragraph from source lines: each line trimmed, joined by hard breaks. */
export const paragraph = (lines: ReadonlyArray<string>): Node => {
  const content: Array<Node> = []
  lines.forEach((line, i) => {
    if (i > 0) content.push({ type: "hardBreak" })
    content.push(...textNodes(line.trim()))
  })
  return withContent({ type: "paragraph" }, content)
}

type ListKind = "taskList" | "bulletList" | "orderedList"

export const markdownToBlocks = (markdown: string): Array<Node> => {
  const lines = markdown.split(/\r\n|\r|\n/)
  const blocks: Array<Node> = []
  let paragraphLines: Array<string> = []
  let quoteLines: Array<string> = []
  let list: { kind: ListKind; start: number; items: Array<Node> } | undefined

  const flushParagraph = () => {
    if (paragraphLines.length > 0) blocks.push(paragraph(paragraphLines))
    paragraphLines = []
  }
  const flushQuote = () => {
    if (quoteLines.length > 0) blocks.push(withContent({ type: "blockquote" }, markdownToBlocks(quoteLines.join("\n"))))
    quoteLines = []
  }
  const flushList = () => {
    if (list !== undefined) {
      const attrs = list.kind === "orderedList" ? { attrs: { start: list.start } } : {}
      blocks.push({ type: list.kind, ...attrs, content: list.items })
    }
    list = undefined
  }
  const flushAll = () => {
    flushParagraph()
    flushQuote()
    flushList()
  }
  const addItem = (kind: ListKind, item: Node, start = 1) => {
    flushParagraph()
    flushQuote()
    if (list?.kind !== kind) {
      flushList()
      list = { kind, start, items: [] }
    }
    list.items.push(item)
  }

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    let match: RegExpExecArray | null
    if (line.trim() === "") {
      flushAll()
    } else if ((match = fenceLine.exec(line)) !== null) {
      flushAll()
      const fence = match[1]!
      const code: Array<string> = []
      for (i++; i < lines.length && !lines[i]!.trim().startsWith(fence); i++) code.push(lines[i]!)
      blocks.push(withContent({ type: "codeBlock", attrs: { language: match[2] || null } }, textNodes(code.join("\n"))))
    } else if ((match = headingLine.exec(line)) !== null) {
      flushAll()
      blocks.push(withContent({ type: "heading", attrs: { level: match[1]!.length } }, textNodes(match[2]!.trim())))
    } else if (ruleLine.test(line)) {
      flushAll()
      blocks.push({ type: "horizontalRule" })
    } else if ((match = taskLine.exec(line)) !== null) {
      const checked = match[1] !== " "
      addItem("taskList", { type: "taskItem", attrs: { checked }, content: [paragraph([match[2] ?? ""])] })
    } else if ((match = bulletLine.exec(line)) !== null) {
      addItem("bulletList", { type: "listItem", content: [paragraph([match[1]!])] })
    } else if ((match = orderedLine.exec(line)) !== null) {
      addItem("orderedList", { type: "listItem", content: [paragraph([match[2]!])] }, Number(match[1]))
    } else if ((match = quoteLine.exec(line)) !== null) {
      flushParagraph()
      flushList()
      quoteLines.push(match[1]!)
    } else {
      flushQuote()
      flushList()
      paragraphLines.push(line)
    }
  }
  flushAll()
  return blocks
}
