// Text of a Rich Text Format document: groups and control words walked once, the destinations that hold no body text
// (font and colour tables, style sheets, document info, pictures, field instructions, any `\*` destination) skipped,
// `\'hh` bytes read as Windows-1252 and `\uN` as Unicode with its fallback characters dropped.

const SKIPPED = new Set([
  "fonttbl",
  "colortbl",
  "stylesheet",
  "info",
  "pict",
  "object",
  "themedata",
  "colorschememapping",
  "datastore",
  "latentstyles",
  "listtable",
  "listoverridetable",
  "rsidtbl",
  "generator",
  "xmlnstbl",
  "filetbl",
  "revtbl",
  "fldinst",
  "header",
  "footer",
  "headerl",
  "headerr",
  "footerl",
  "footerr"
])

const WORDS: Record<string, string> = {
  par: "\n",
  line: "\n",
  sect: "\n\n",
  page: "\n\n",
  row: "\n",
  cell: "\t",
  tab: "\t",
  emdash: "\u2014",
  endash: "\u2013",
  bullet: "\u2022",
  lquote: "\u2018",
  rquote: "\u2019",
  ldblquote: "\u201c",
  rdblquote: "\u201d",
  emspace: " ",
  enspace: " "
}

interface Group {
  skip: boolean
  uc: number
}

const cp1252 = new TextDecoder("windows-1252")

/** The document's text, or undefined when the bytes are not RTF. */
export const rtfText = (bytes: Uint8Array): string | undefined => {
  const source = cp1252.decode(bytes)
  if (!source.trimStart().startsWith("{\\rtf")) return undefined
  const out: Array<string> = []
  const stack: Array<Group> = []
  let group: Group = { skip: false, uc: 1 }
  let fallback = 0
  let pendingBytes: Array<number> = []
  const flushBytes = () => {
    if (pendingBytes.length > 0 && !group.skip) out.push(cp1252.decode(new Uint8Array(pendingBytes)))
    pendingBytes = []
  }
  const emit = (text: string) => {
    flushBytes()
    if (group.skip) return
    if (fallback > 0) {
      fallback--
      return
    }
    out.push(text)
  }
  let i = 0
  while (i < source.length) {
    const char = source[i]!
    if (char === "{") {
      flushBytes()
      stack.push(group)
      group = { ...group }
      i++
    } else if (char === "}") {
      flushBytes()
      group = stack.pop() ?? group
      i++
    } else if (char === "\\") {
      const next = source[i + 1] ?? ""
      if (next === "'") {
        const code = parseInt(source.slice(i + 2, i + 4), 16)
        i += 4
        if (Number.isNaN(code)) continue
        if (fallback > 0) fallback--
        else pendingBytes.push(code)
      } else if (/[a-z]/i.test(next)) {
        const match = /^([a-z]+)(-?\d+)? ?/i.exec(source.slice(i + 1, i + 64))!
        i += 1 + match[0].length
        const word = match[1]!
        const param = match[2] === undefined ? undefined : Number(match[2])
        if (SKIPPED.has(word)) {
          flushBytes()
          group.skip = true
        } else if (word === "uc" && param !== undefined) group.uc = param
        else if (word === "u" && param !== undefined) {
          emit(String.fromCharCode(param < 0 ? param + 65536 : param))
          fallback = group.uc
        } else if (WORDS[word] !== undefined) emit(WORDS[word])
      } else {
        i += 2
        if (next === "*") {
          flushBytes()
          group.skip = true
        } else if (next === "\\" || next === "{" || next === "}") emit(next)
        else if (next === "~") emit("\u00a0")
        else if (next === "_") emit("-")
        else if (next === "\n" || next === "\r") emit("\n")
      }
    } else {
      i++
      if (char !== "\n" && char !== "\r") emit(char)
    }
  }
  flushBytes()
  return out.join("")
}
