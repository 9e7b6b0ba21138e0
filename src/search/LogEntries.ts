// Finding log entries (the logCards of daily notes) by what they are filed under: an entity their text mentions, a
// folio, tags, a date range. The filter is pure; the Search service reads the days and resolves the entity.
import { fold } from "../curation/AliasMatching"
import { plainText } from "../folios/FolioEntries"
import type { Document } from "../notes/Document"
import { logCardMeta } from "../notes/LogCard"
import type { NoteDate } from "../notes/NoteDate"

export interface LogEntryFilter {
  /** An entity's id, name or alias: the entry's text mentions its name or one of its aliases as whole words. */
  readonly entity?: string | undefined
  readonly folio?: string | undefined
  /** With or without a leading #. */
  readonly tag?: string | undefined
  /** Every one of these tags (with or without a leading #) is on the entry. */
  readonly tags?: ReadonlyArray<string> | undefined
  readonly from?: NoteDate | undefined
  readonly to?: NoteDate | undefined
  /** Default 50. */
  readonly limit?: number | undefined
}

export interface LogEntry {
  readonly date: string
  readonly timestamp: string | null
  readonly tags: ReadonlyArray<string>
  readonly folios: ReadonlyArray<string>
  readonly text: string
}

/**
 * The entries of `days` (newest first) that match every given filter; `names` are the entity's name and aliases,
 * empty when the filter names no entity.
 */
export const matchingEntries = (
  days: ReadonlyArray<{ readonly date: NoteDate; readonly document: Document }>,
  filter: LogEntryFilter,
  names: ReadonlyArray<string>
): Array<LogEntry> => {
  const folded = names.map(fold)
  const entries: Array<LogEntry> = []
  for (const day of days) {
    for (const block of day.document) {
      if (block.type !== "logCard") continue
      const meta = logCardMeta(block)
      const text = plainText(block)
      if (filter.folio !== undefined && !meta.folios.some((name) => fold(name) === fold(filter.folio!))) continue
      const hasTag = (wanted: string) => meta.tags.some((tag) => fold(tag) === fold(wanted.replace(/^#/, "")))
      if (filter.tag !== undefined && !hasTag(filter.tag)) continue
      if (filter.tags !== undefined && !filter.tags.every(hasTag)) continue
      if (folded.length > 0 && !folded.some((name) => ` ${fold(text)} `.includes(` ${name} `))) continue
      entries.push({ date: day.date, timestamp: meta.timestamp, tags: meta.tags, folios: meta.folios, text })
    }
  }
  return entries.slice(0, filter.limit ?? 50)
}
