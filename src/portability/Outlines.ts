// The two dialects that are not plain Markdown. Logseq writes outlines: every block a `- ` bullet (children indented
// by tabs or spaces), task markers (`TODO`/`LATER`/`NOW`/`DOING`/`WAITING` open, `DONE`/`CANCELED` closed) after the
// bullet, and `key:: value` properties (a page's first lines: `tags::`, `alias::`). Notion exports name pages
// `Title <32 hex>.md` and link them as Markdown links to those file names.
import { pageTitle } from "./VaultLayout"

const OPEN = /^(TODO|LATER|NOW|DOING|WAITING)\s+/
const CLOSED = /^(DONE|CANCELED|CANCELLED)\s+/
const property = /^\s*([A-Za-z0-9_-]+)::\s*(.*)$/

export interface LogseqPage {
  readonly properties: ReadonlyMap<string, ReadonlyArray<string>>
  /** Markdown: each top-level block a paragraph of its own (blank line between), tasks as `- [ ]` / `- [x]`. */
  readonly markdown: string
}

const splitList = (value: string) =>
  value
    .split(",")
    .map((item) =>
      item
        .trim()
        .replace(/^\[\[(.*)\]\]$/, "$1")
        .replace(/^#/, "")
    )
    .filter((item) => item !== "")

export const logseqToMarkdown = (text: string): LogseqPage => {
  const properties = new Map<string, Array<string>>()
  const out: Array<string> = []
  let started = false
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/\t/g, "  ")
    const prop = property.exec(line)
    if (prop !== null) {
      if (!started) properties.set(prop[1]!.toLowerCase(), splitList(prop[2]!))
      continue
    }
    const bullet = /^(\s*)-\s?(.*)$/.exec(line)
    if (bullet === null) {
      if (line.trim() !== "") out.push(line.trim())
      continue
    }
    started = true
    const depth = Math.floor(bullet[1]!.length / 2)
    let content = bullet[2]!
    let marker = depth === 0 ? "" : "- "
    if (OPEN.test(content)) {
      content = content.replace(OPEN, "")
      marker = "- [ ] "
    } else if (CLOSED.test(content)) {
      content = content.replace(CLOSED, "")
      marker = "- [x] "
    }
    if (depth === 0 && out.length > 0) out.push("")
    out.push(`${"  ".repeat(Math.max(depth - 1, 0))}${marker}${content}`)
  }
  return { properties, markdown: out.join("\n") }
}

/** The pages a Notion page links to, by title: `[text](Other%20Page%20<id>.md)` links to local Markdown files. */
export const notionLinks = (text: string): Array<{ readonly target: string; readonly line: number }> => {
  const links: Array<{ target: string; line: number }> = []
  text.split("\n").forEach((line, i) => {
    for (const match of line.matchAll(/\[[^\]]*\]\(([^)\s]+\.md)\)/g)) {
      if (/^[a-z]+:/i.test(match[1]!)) continue
      let target = match[1]!
      try {
        target = decodeURIComponent(target)
      } catch {
        // A link that is not percent-encoded is taken as written.
      }
      links.push({ target: pageTitle(target, "notion"), line: i + 1 })
    }
  })
  return links
}
