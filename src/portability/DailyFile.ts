// A daily note file's text as log cards. A heading starts a card and holds what follows up to the next heading; before
// the first heading, each paragraph (text between blank lines) is a card. A card's time comes from a leading `hh:mm`
// (24-hour, or with AM/PM) on its heading or paragraph. A heading written the way an export writes a card
// (`## 09:30 AM [#tag] [Folio]`, or `## Log` for one without a time) gives the card's time, tags and folios exactly;
// in other files inline `#tags` and the file's own tags become the card's tags. `- [ ]` / `- [x]` lines become task
// items (Notes' markdownToBlocks).
import { inlineTags } from "./VaultText"

export interface ImportedCard {
  /** `hh:mm AM`, or "" for a card without a time. */
  readonly timestamp: string
  readonly tags: ReadonlyArray<string>
  readonly folios: ReadonlyArray<string>
  /** The card's body as Markdown. */
  readonly markdown: string
}

/** A card without a time of its own, in a file that is not an export: midnight, the start of its day. */
export const NO_TIME = "12:00 AM"

const pad = (n: number) => String(n).padStart(2, "0")

const leadingTime = /^(\d{1,2})[:.](\d{2})(?:\s*([AaPp])\.?[Mm]\.?)?(?=\s|$|[-–—:])\s*[-–—:]?\s*/

/** A leading clock reading as `hh:mm AM`, and the text after it; none when the text does not start with one. */
export const splitTime = (text: string): { readonly timestamp: string; readonly rest: string } | undefined => {
  const match = leadingTime.exec(text)
  if (match === null) return undefined
  let hours = Number(match[1])
  const minutes = Number(match[2])
  if (minutes > 59) return undefined
  const meridiem = match[3]?.toUpperCase()
  if (meridiem !== undefined) {
    if (hours < 1 || hours > 12) return undefined
    hours = (hours % 12) + (meridiem === "P" ? 12 : 0)
  } else if (hours > 23) return undefined
  return {
    timestamp: `${pad(hours % 12 === 0 ? 12 : hours % 12)}:${pad(minutes)} ${hours < 12 ? "AM" : "PM"}`,
    rest: text.slice(match[0].length)
  }
}

const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*$/
/** What an export writes for a card: a time or `Log`, then `[#tags]` (or `#tags`) and `[Folios]`, nothing else. */
const exportedHeading = /^##\s+((?:\d{2}:\d{2} [AP]M)|Log)((?:\s+(?:\[#[^\]]+\]|#\S+))*)((?:\s+\[[^\]#][^\]]*\])*)\s*$/

const exportedCard = (line: string) => {
  const match = exportedHeading.exec(line)
  if (match === null) return undefined
  return {
    timestamp: match[1] === "Log" ? "" : match[1]!,
    tags: [...(match[2] ?? "").matchAll(/\[#([^\]]+)\]|#(\S+)/g)].map((each) => each[1] ?? each[2]!),
    folios: [...(match[3] ?? "").matchAll(/\[([^\]]+)\]/g)].map((each) => each[1]!)
  }
}

const trimBlank = (lines: ReadonlyArray<string>) => {
  let start = 0
  let end = lines.length
  while (start < end && lines[start]!.trim() === "") start++
  while (end > start && lines[end - 1]!.trim() === "") end--
  return lines.slice(start, end)
}

/**
 * `exported`: the file is a Carabase export's note, where only export-shaped headings start cards (a card's own
 * `## heading` stays in it) and tags come from the headings alone.
 */
export const dailyCards = (
  body: string,
  options: { readonly fileTags: ReadonlyArray<string>; readonly exported: boolean }
): Array<ImportedCard> => {
  const lines = body.split(/\r\n|\r|\n/)
  const cards: Array<ImportedCard> = []
  const make = (
    timestamp: string | undefined,
    markdownLines: ReadonlyArray<string>,
    fixed?: { tags: ReadonlyArray<string>; folios: ReadonlyArray<string> }
  ) => {
    const markdown = trimBlank(markdownLines).join("\n")
    if (markdown === "" && timestamp === undefined && fixed === undefined) return
    const tags = fixed?.tags ?? [...new Set([...options.fileTags, ...inlineTags(markdown)])]
    cards.push({ timestamp: timestamp ?? NO_TIME, tags, folios: fixed?.folios ?? [], markdown })
  }

  if (options.exported) {
    let current: { meta: ReturnType<typeof exportedCard>; lines: Array<string> } | undefined
    const preamble: Array<string> = []
    for (const line of lines) {
      const meta = exportedCard(line)
      if (meta !== undefined) {
        if (current !== undefined) make(current.meta!.timestamp, current.lines, current.meta)
        current = { meta, lines: [] }
      } else if (current === undefined) preamble.push(line)
      else current.lines.push(line)
    }
    if (trimBlank(preamble).length > 0) make(undefined, preamble)
    if (current !== undefined) make(current.meta!.timestamp, current.lines, current.meta)
    return cards
  }

  let section: { timestamp: string | undefined; lines: Array<string> } | undefined
  let paragraph: Array<string> = []
  let inFence = false
  const flushParagraph = () => {
    const kept = trimBlank(paragraph)
    paragraph = []
    if (kept.length === 0) return
    const time = splitTime(kept[0]!.trim())
    if (time === undefined) make(undefined, kept)
    else make(time.timestamp, [time.rest, ...kept.slice(1)])
  }
  for (const line of lines) {
    if (/^\s{0,3}(`{3,}|~{3,})/.test(line)) inFence = !inFence
    const match = inFence ? null : heading.exec(line)
    if (match !== null) {
      flushParagraph()
      if (section !== undefined) make(section.timestamp, section.lines)
      const time = splitTime(match[2]!)
      const rest = time === undefined ? match[2]! : time.rest
      section = { timestamp: time?.timestamp, lines: rest.trim() === "" ? [] : [`${match[1]} ${rest.trim()}`] }
    } else if (section !== undefined) section.lines.push(line)
    else if (line.trim() === "" && !inFence) flushParagraph()
    else paragraph.push(line)
  }
  flushParagraph()
  if (section !== undefined) make(section.timestamp, section.lines)
  return cards
}
