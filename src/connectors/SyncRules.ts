// Sync rules: which rules of an integration's document match a harvested item, and what they decide together.
// Pure: tags are unioned, every folio named by a matching rule is kept (case-insensitively once), and the booleans
// are OR'd over the rules that set them (a flag no matching rule sets stays undefined: the integration's default).
import type { RuleMatch, SyncRule } from "./SyncRulesApi"

export interface SyncItem {
  readonly kind: "issue" | "pull_request" | "document"
  readonly title: string
  readonly url?: string | undefined
  readonly repository?: string | undefined
  readonly author?: string | undefined
  readonly labels?: ReadonlyArray<string> | undefined
  readonly tags?: ReadonlyArray<string> | undefined
}

export interface Routing {
  readonly tags: ReadonlyArray<string>
  readonly folios: ReadonlyArray<string>
  readonly harvestToGraph: boolean | undefined
  readonly injectToTimeline: boolean | undefined
  /** Names (or positions) of the rules that matched, for logs and tests. */
  readonly matched: ReadonlyArray<string>
}

const lower = (values: ReadonlyArray<string> | undefined) => (values ?? []).map((v) => v.toLowerCase())

const anyOf = (wanted: ReadonlyArray<string> | undefined, have: ReadonlyArray<string> | undefined) =>
  wanted === undefined || lower(have).some((value) => lower(wanted).includes(value))

export const matches = (match: RuleMatch | undefined, item: SyncItem): boolean => {
  if (match === undefined) return true
  return (
    (match.kinds === undefined || match.kinds.includes(item.kind)) &&
    anyOf(match.repositories, item.repository === undefined ? [] : [item.repository]) &&
    anyOf(match.labels, item.labels) &&
    anyOf(match.authors, item.author === undefined ? [] : [item.author]) &&
    anyOf(match.tags, item.tags) &&
    (match.titleContains === undefined || item.title.toLowerCase().includes(match.titleContains.toLowerCase())) &&
    (match.urlPrefix === undefined || (item.url ?? "").startsWith(match.urlPrefix))
  )
}

/** Keeps the first spelling of each value, compared case-insensitively. */
const union = (lists: ReadonlyArray<ReadonlyArray<string>>) => {
  const seen = new Set<string>()
  const out: Array<string> = []
  for (const value of lists.flat()) {
    const key = value.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    out.push(value)
  }
  return out
}

const or = (values: ReadonlyArray<boolean | undefined>) =>
  values.every((v) => v === undefined) ? undefined : values.some((v) => v === true)

export const route = (rules: ReadonlyArray<SyncRule>, item: SyncItem): Routing => {
  const hits = rules
    .map((rule, position) => ({ rule, position }))
    .filter(({ rule }) => rule.enabled !== false && matches(rule.match, item))
  return {
    tags: union([item.tags ?? [], ...hits.map(({ rule }) => rule.tags ?? [])]),
    folios: union(hits.map(({ rule }) => rule.folios ?? [])),
    harvestToGraph: or(hits.map(({ rule }) => rule.harvestToGraph)),
    injectToTimeline: or(hits.map(({ rule }) => rule.injectToTimeline)),
    matched: hits.map(({ position, rule }) => rule.name ?? `#${position + 1}`)
  }
}
