// What an imported Markdown file says beyond its text: YAML frontmatter (the subset vaults use: `key: value`,
// `key: [a, b]` and `key:` followed by `- item` lines), Logseq's `key:: value` properties, `[[Wiki links]]` and
// `[[Page|alias]]` (with the line they are on), `![[embeds]]`, and inline `#tags`. Pure functions over text.

export interface Frontmatter {
  readonly fields: ReadonlyMap<string, ReadonlyArray<string>>
  /** The text after the frontmatter block. */
  readonly body: string
  /** How many lines the frontmatter took (so line numbers in the body can be given for the file). */
  readonly lineOffset: number
}

const unquote = (value: string) =>
  value
    .trim()
    .replace(/^(["'])(.*)\1$/, "$2")
    .trim()

const listValue = (value: string): Array<string> => {
  const trimmed = value.trim()
  if (trimmed === "") return []
  if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
    return trimmed
      .slice(1, -1)
      .split(",")
      .map(unquote)
      .filter((item) => item !== "")
  }
  return [unquote(trimmed)]
}

export const parseFrontmatter = (text: string): Frontmatter => {
  const lines = text.split(/\r\n|\r|\n/)
  if (lines[0]?.trim() !== "---") return { fields: new Map(), body: text, lineOffset: 0 }
  const end = lines.findIndex((line, i) => i > 0 && (line.trim() === "---" || line.trim() === "..."))
  if (end < 0) return { fields: new Map(), body: text, lineOffset: 0 }
  const fields = new Map<string, Array<string>>()
  let current: Array<string> | undefined
  for (const line of lines.slice(1, end)) {
    const item = /^\s+-\s+(.*)$|^-\s+(.*)$/.exec(line)
    if (item !== null && current !== undefined) {
      current.push(...listValue(item[1] ?? item[2] ?? ""))
      continue
    }
    const field = /^([A-Za-z0-9_-]+)\s*:\s*(.*)$/.exec(line)
    if (field === null) continue
    current = listValue(field[2]!)
    fields.set(field[1]!.toLowerCase(), current)
  }
  return { fields, body: lines.slice(end + 1).join("\n"), lineOffset: end + 1 }
}

/** Frontmatter tags may be written `#tag`, `tag` or `a, b` in one string. */
export const fieldList = (fields: ReadonlyMap<string, ReadonlyArray<string>>, ...names: ReadonlyArray<string>) =>
  names
    .flatMap((name) => fields.get(name) ?? [])
    .flatMap((value) => value.split(","))
    .map((value) =>
      value
        .trim()
        .replace(/^#/, "")
        .replace(/^\[\[(.*)\]\]$/, "$1")
    )
    .filter((value) => value !== "")

export interface WikiLink {
  /** The page linked to, without a heading or block reference. */
  readonly target: string
  /** 1-based, in the whole file. */
  readonly line: number
  readonly embed: boolean
}

const wikiLink = /(!?)\[\[([^\]\n]+?)\]\]/g

export const wikiLinks = (text: string, lineOffset = 0): Array<WikiLink> => {
  const links: Array<WikiLink> = []
  text.split("\n").forEach((line, i) => {
    for (const match of line.matchAll(wikiLink)) {
      const target = match[2]!.split("|")[0]!.split("#")[0]!.trim()
      if (target !== "") links.push({ target, line: lineOffset + i + 1, embed: match[1] === "!" })
    }
  })
  return links
}

/** `#tag`, `#nested/tag` and Logseq's `#[[two words]]`; not headings, not `#` inside words or URLs' fragments. */
const inlineTag = /(?:^|[\s(])#(\[\[([^\]\n]+)\]\]|[\p{L}\p{N}_][\p{L}\p{N}_/-]*)/gu

export const inlineTags = (text: string): Array<string> => {
  const tags: Array<string> = []
  for (const line of text.split("\n")) {
    if (/^\s*```/.test(line)) continue
    for (const match of line.matchAll(inlineTag)) {
      const tag = match[2] ?? match[1]!
      // A tag is not a number alone (`#1` is an issue or a list position).
      if (!/^\d+$/.test(tag)) tags.push(tag)
    }
  }
  return [...new Set(tags)]
}

/** A file's name without folders or extension: a page's title. */
export const titleOf = (path: string) => {
  const base = path.split("/").pop() ?? path
  const dot = base.lastIndexOf(".")
  return dot > 0 ? base.slice(0, dot) : base
}

export const extensionOf = (path: string) => {
  const base = path.split("/").pop() ?? path
  const dot = base.lastIndexOf(".")
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : ""
}
