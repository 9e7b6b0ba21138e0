// Sync rules: which rules of an integration's document match a harvested item, and what they decide together.
// Pure: tags are unioned, every folio named by a matching rule is kept (case-insensitively once), and the booleans
// are OR'd over the rules that set them (a flag no matching rule sets stays undefined: the integration's default).
// A rule in the published shape (`filters`, `routing`) is read as the host's own (`match`, `folios`...) first.
import type { AnySyncRule, DocumentedSyncRule, RuleMatch, SyncRule } from "./SyncRulesApi"

export interface SyncItem {
  readonly kind: "issue" | "pull_request" | "document" | "mail" | "event"
  readonly title: string
  readonly url?: string | undefined
  readonly repository?: string | undefined
  readonly author?: string | undefined
  readonly labels?: ReadonlyArray<string> | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  /** GitHub's `open` or `closed`; a document has none. */
  readonly state?: string | undefined
  /** Hours between the item's last update and the sync; unknown for a document. */
  readonly ageHours?: number | undefined
  /** A mail's sender: address and display name. */
  readonly sender?: { readonly address: string; readonly name?: string | undefined } | undefined
  /** An event's calendar id. */
  readonly calendar?: string | undefined
}

/** `@example.org` names a domain; anything else an address or a display name, compared case-insensitively. */
const senderMatches = (wanted: ReadonlyArray<string> | undefined, sender: SyncItem["sender"]) => {
  if (wanted === undefined) return true
  if (sender === undefined) return false
  const address = sender.address.toLowerCase()
  const name = (sender.name ?? "").toLowerCase()
  return lower(wanted).some((value) =>
    value.startsWith("@") ? address.endsWith(value) : value === address || (name !== "" && value === name)
  )
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
    (match.urlPrefix === undefined || (item.url ?? "").startsWith(match.urlPrefix)) &&
    (match.states === undefined || (item.state !== undefined && match.states.includes(item.state as "open"))) &&
    (match.lookbackHours === undefined || (item.ageHours !== undefined && item.ageHours <= match.lookbackHours)) &&
    senderMatches(match.senders, item.sender) &&
    anyOf(match.calendars, item.calendar === undefined ? [] : [item.calendar])
  )
}

export const isDocumented = (rule: AnySyncRule): rule is DocumentedSyncRule =>
  "filters" in rule || "routing" in rule || "id" in rule

/** The published shape's meaning in the host's own: repos are repositories, the one folioName a list of one. */
export const asHostRule = (rule: AnySyncRule): SyncRule => {
  if (!isDocumented(rule)) return rule
  const { filters, routing } = rule
  const match: RuleMatch = {
    ...(filters?.repos === undefined ? {} : { repositories: filters.repos }),
    ...(filters?.states === undefined ? {} : { states: filters.states }),
    ...(filters?.lookbackHours === undefined ? {} : { lookbackHours: filters.lookbackHours })
  }
  return {
    ...(rule.name === undefined ? {} : { name: rule.name }),
    ...(rule.enabled === undefined ? {} : { enabled: rule.enabled }),
    ...(rule.matchAll === undefined ? { match } : { matchAll: rule.matchAll }),
    ...(routing?.folioName === undefined ? {} : { folios: [routing.folioName] }),
    ...(routing?.tags === undefined ? {} : { tags: routing.tags }),
    ...(routing?.harvestToGraph === undefined ? {} : { harvestToGraph: routing.harvestToGraph }),
    ...(routing?.injectToTimeline === undefined ? {} : { injectToTimeline: routing.injectToTimeline })
  }
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

export const route = (rules: ReadonlyArray<AnySyncRule>, item: SyncItem): Routing => {
  const hits = rules
    .map((rule, position) => ({ rule: asHostRule(rule), position }))
    .filter(({ rule }) => rule.enabled !== false && matches(rule.match, item))
  return {
    tags: union([item.tags ?? [], ...hits.map(({ rule }) => rule.tags ?? [])]),
    folios: union(hits.map(({ rule }) => rule.folios ?? [])),
    harvestToGraph: or(hits.map(({ rule }) => rule.harvestToGraph)),
    injectToTimeline: or(hits.map(({ rule }) => rule.injectToTimeline)),
    matched: hits.map(({ position, rule }) => rule.name ?? `#${position + 1}`)
  }
}
