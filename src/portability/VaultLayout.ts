// Which kind of vault an archive holds and what each of its files is, decided from paths alone (never told):
// a Carabase export (its `carabase-export.json`), a Logseq graph (`logseq/config.edn`, or `journals/` beside
// `pages/`), a Notion export (names ending in a 32-hex-digit id), else an Obsidian vault or a plain Markdown folder
// (whose `.obsidian/daily-notes.json`, when present, names the daily-notes folder and date format). Hidden files,
// app settings and macOS resource forks are left out; attachments come first, then pages, then daily notes, so a
// page or a note finds the attachments it embeds.
import { extensionOf, titleOf } from "./VaultText"

export type VaultFormat = "obsidian" | "logseq" | "notion" | "carabase"

export type FileRole =
  | { readonly kind: "daily"; readonly date: string }
  | { readonly kind: "page" }
  | { readonly kind: "attachment" }
  | { readonly kind: "folio" }
  | { readonly kind: "memories" }
  | { readonly kind: "graph" }
  /** Written by an export for reading (an artifact's extracted text, chat history); nothing to bring back. */
  | { readonly kind: "ignored"; readonly reason: string }

export interface PlannedFile {
  /** The path inside the vault (the archive's one top folder, when it has one, removed). */
  readonly path: string
  /** The path inside the archive, to read it by. */
  readonly entry: string
  readonly size: number
  readonly role: FileRole
}

export const MANIFEST = "carabase-export.json"

const NOTION_ID = /[ _-]?[0-9a-f]{32}$/

/** A page's title as its app shows it: Notion's id suffix and Logseq's encoded slashes removed. */
export const pageTitle = (path: string, format: VaultFormat) => {
  const title = titleOf(path)
  if (format === "notion") return title.replace(NOTION_ID, "").trim() || title
  if (format === "logseq") return title.replace(/___/g, "/").replace(/%2F/gi, "/")
  return title
}

const MARKDOWN = new Set(["md", "markdown"])
const PAGE = new Set(["md", "markdown", "txt", "csv"])

const isHidden = (path: string) =>
  path.split("/").some((segment) => segment.startsWith(".") || segment === "__MACOSX") || path.endsWith("/Thumbs.db")

/** A moment.js date format (the tokens daily-notes.json uses) as a pattern with named year, month and day. */
export const dateFormatPattern = (format: string): RegExp => {
  const tokens: Record<string, string> = {
    YYYY: "(?<year>\\d{4})",
    MM: "(?<month>\\d{2})",
    M: "(?<month>\\d{1,2})",
    DD: "(?<day>\\d{2})",
    D: "(?<day>\\d{1,2})"
  }
  let pattern = ""
  let rest = format
  const used = new Set<string>()
  while (rest.length > 0) {
    const token = ["YYYY", "MM", "DD", "M", "D"].find((each) => rest.startsWith(each) && !used.has(each[0]!))
    if (token !== undefined) {
      used.add(token[0]!)
      pattern += tokens[token]
      rest = rest.slice(token.length)
    } else {
      pattern += rest[0]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      rest = rest.slice(1)
    }
  }
  return new RegExp(`^${pattern}$`)
}

const pad = (value: string) => value.padStart(2, "0")

/** `YYYY-MM-DD` when `name` matches the pattern and names a real day. */
const dateIn = (name: string, pattern: RegExp): string | undefined => {
  const groups = pattern.exec(name)?.groups
  if (groups?.year === undefined || groups.month === undefined || groups.day === undefined) return undefined
  const date = `${groups.year}-${pad(groups.month)}-${pad(groups.day)}`
  const parsed = new Date(`${date}T00:00:00Z`)
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date ? undefined : date
}

const ISO_DAY = dateFormatPattern("YYYY-MM-DD")
const LOGSEQ_DAY = dateFormatPattern("YYYY_MM_DD")

export interface DailyNotesSettings {
  readonly folder: string
  readonly format: string
}

/** The one folder every entry sits in, when there is one (a zipped vault folder): it is not part of the paths. */
const commonRoot = (paths: ReadonlyArray<string>): string => {
  const first = paths[0]?.split("/")[0]
  if (first === undefined || paths.some((path) => !path.startsWith(`${first}/`))) return ""
  return `${first}/`
}

export const detectFormat = (paths: ReadonlyArray<string>): VaultFormat => {
  const has = (predicate: (path: string) => boolean) => paths.some(predicate)
  if (paths.includes(MANIFEST)) return "carabase"
  if (has((path) => path.startsWith(".obsidian/"))) return "obsidian"
  if (has((path) => path === "logseq/config.edn")) return "logseq"
  if (has((path) => path.startsWith("journals/")) && has((path) => path.startsWith("pages/"))) return "logseq"
  const notion = paths.filter((path) => NOTION_ID.test(titleOf(path))).length
  if (notion > 0 && notion * 2 >= paths.filter((path) => PAGE.has(extensionOf(path))).length) return "notion"
  return "obsidian"
}

const roleOf = (path: string, format: VaultFormat, daily: DailyNotesSettings | undefined): FileRole => {
  const extension = extensionOf(path)
  if (format === "carabase") {
    if (path === MANIFEST) return { kind: "ignored", reason: "the export's manifest" }
    if (path === "memories.json") return { kind: "memories" }
    if (path === "graph.json") return { kind: "graph" }
    if (path.startsWith("chat/")) return { kind: "ignored", reason: "chat history is exported to read, not imported" }
    if (path.startsWith("folios/") && extension === "md") return { kind: "folio" }
    if (path.startsWith("notes/")) {
      // A note as Markdown (the default export) or as its document (`--format json`).
      const date = dateIn(titleOf(path), ISO_DAY)
      if (date !== undefined && (extension === "md" || extension === "json")) return { kind: "daily", date }
    }
    if (path.startsWith("artifacts/text/")) {
      return { kind: "ignored", reason: "an artifact's extracted text, made again from its file" }
    }
    if (path.startsWith("artifacts/")) return { kind: "attachment" }
  }
  if (format === "logseq" && path.startsWith("logseq/")) return { kind: "ignored", reason: "Logseq's own settings" }
  if (MARKDOWN.has(extension)) {
    const name = path.slice(0, -(extension.length + 1))
    if (format === "logseq" && path.startsWith("journals/")) {
      const date = dateIn(titleOf(path), LOGSEQ_DAY) ?? dateIn(titleOf(path), ISO_DAY)
      if (date !== undefined) return { kind: "daily", date }
    }
    if (daily !== undefined) {
      const prefix = daily.folder === "" ? "" : `${daily.folder.replace(/^\/+|\/+$/g, "")}/`
      const date = name.startsWith(prefix)
        ? dateIn(name.slice(prefix.length), dateFormatPattern(daily.format))
        : undefined
      if (date !== undefined) return { kind: "daily", date }
    }
    const date = dateIn(titleOf(path), ISO_DAY)
    if (date !== undefined) return { kind: "daily", date }
  }
  return PAGE.has(extension) ? { kind: "page" } : { kind: "attachment" }
}

const order: Record<FileRole["kind"], number> = {
  ignored: 0,
  attachment: 1,
  folio: 2,
  page: 3,
  memories: 4,
  graph: 5,
  daily: 6
}

/**
 * The vault's files in the order they are imported. `dailySettings` is the parsed `.obsidian/daily-notes.json`
 * (read by the caller, as the one file needed before planning).
 */
export const planVault = (
  entries: ReadonlyArray<{ readonly path: string; readonly size: number }>,
  dailySettings?: DailyNotesSettings
): { readonly format: VaultFormat; readonly files: ReadonlyArray<PlannedFile> } => {
  const root = commonRoot(entries.map((entry) => entry.path))
  const inVault = entries.map((entry) => ({ entry: entry.path, path: entry.path.slice(root.length), size: entry.size }))
  const format = detectFormat(inVault.map((each) => each.path))
  const files = inVault
    .filter((each) => !isHidden(each.path))
    .map((each) => ({ ...each, role: roleOf(each.path, format, dailySettings) }))
    .sort((a, b) => order[a.role.kind] - order[b.role.kind] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return { format, files }
}

/** The archive path of `.obsidian/daily-notes.json`, when the vault has one. */
export const dailySettingsEntry = (entries: ReadonlyArray<{ readonly path: string }>) => {
  const root = commonRoot(entries.map((entry) => entry.path))
  return entries.find((entry) => entry.path === `${root}.obsidian/daily-notes.json`)?.path
}

export const parseDailySettings = (text: string): DailyNotesSettings | undefined => {
  try {
    const parsed = JSON.parse(text) as { folder?: unknown; format?: unknown }
    return {
      folder: typeof parsed.folder === "string" ? parsed.folder : "",
      format: typeof parsed.format === "string" && parsed.format.trim() !== "" ? parsed.format : "YYYY-MM-DD"
    }
  } catch {
    return undefined
  }
}
