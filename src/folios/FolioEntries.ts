// Pure reading of logCard blocks for a folio's log: which folios a card names, its tags, its plain text, and the
// newest-first order of the entries. No database here: FoliosRepo hands over the candidate blocks.
import { parseStringArray } from "../notes/LogCard"
import type { FolioEntry } from "./FoliosApi"

/** A logCard as found in a daily note, with the note's date and its position among the note's top-level blocks. */
export interface CandidateBlock {
  readonly date: string
  readonly position: number
  readonly block: unknown
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const fold = (name: string) => name.normalize("NFC").trim().toLowerCase()

export const namesFolio = (block: unknown, folioName: string): boolean => {
  if (!isRecord(block) || block.type !== "logCard" || !isRecord(block.attrs)) return false
  const wanted = fold(folioName)
  return parseStringArray(block.attrs.folios).some((name) => fold(name) === wanted)
}

const inlineTypes = new Set(["text", "hardBreak", "mention", "folioMention", "tagMention"])

const labelOf = (attrs: unknown): string => {
  if (!isRecord(attrs)) return ""
  for (const key of ["label", "name", "title", "id"]) {
    const value = attrs[key]
    if (typeof value === "string" && value !== "") return value
  }
  return ""
}

/** Plain text of a node: inline runs are concatenated, blocks are separated by newlines. */
export const plainText = (node: unknown): string => {
  if (!isRecord(node)) return ""
  switch (node.type) {
    case "text":
      return typeof node.text === "string" ? node.text : ""
    case "hardBreak":
      return "\n"
    case "mention":
      return `@${labelOf(node.attrs)}`
    case "tagMention":
      return `#${labelOf(node.attrs)}`
    case "folioMention":
      return labelOf(node.attrs)
  }
  const children = Array.isArray(node.content) ? node.content : []
  const inline = children.every((child) => isRecord(child) && inlineTypes.has(String(child.type)))
  const parts = children.map(plainText)
  return inline ? parts.join("") : parts.filter((part) => part !== "").join("\n")
}

/** Minutes since midnight of an "hh:mm AM" timestamp (24-hour "HH:mm" too); undefined when unreadable. */
export const minutesOf = (timestamp: string): number | undefined => {
  const match = /^\s*(\d{1,2}):(\d{2})\s*([AaPp][Mm])?\s*$/.exec(timestamp)
  if (match === null) return undefined
  let hours = Number(match[1])
  const minutes = Number(match[2])
  const meridiem = match[3]?.toUpperCase()
  if (minutes > 59 || hours > 23 || (meridiem !== undefined && (hours < 1 || hours > 12))) return undefined
  if (meridiem === "AM" && hours === 12) hours = 0
  if (meridiem === "PM" && hours !== 12) hours += 12
  return hours * 60 + minutes
}

const toEntry = (candidate: CandidateBlock): FolioEntry => {
  const attrs = isRecord(candidate.block) && isRecord(candidate.block.attrs) ? candidate.block.attrs : {}
  return {
    date: candidate.date,
    timestamp: typeof attrs.timestamp === "string" ? attrs.timestamp : "",
    tags: parseStringArray(attrs.tags),
    folios: parseStringArray(attrs.folios),
    text: plainText(candidate.block),
    block: candidate.block
  }
}

/**
 * The folio's entries, newest first: by note date, then by the card's timestamp (cards without a readable one come
 * after those with one), then later in the note before earlier.
 */
export const folioEntries = (candidates: ReadonlyArray<CandidateBlock>, folioName: string): Array<FolioEntry> =>
  candidates
    .filter((candidate) => namesFolio(candidate.block, folioName))
    .map((candidate) => ({ candidate, entry: toEntry(candidate) }))
    .map(({ candidate, entry }) => ({ entry, position: candidate.position, minutes: minutesOf(entry.timestamp) ?? -1 }))
    .sort(
      (a, b) =>
        (a.entry.date < b.entry.date ? 1 : a.entry.date > b.entry.date ? -1 : 0) ||
        b.minutes - a.minutes ||
        b.position - a.position
    )
    .map(({ entry }) => entry)
