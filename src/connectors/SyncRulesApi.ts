// Declaration of the sync-rules routes: per integration (`github`, or a harvester device's connector name), an
// ordered document of rules that filter harvested items and route them to folios and tags, into the graph and onto
// the day's timeline. A rule is written in the host's shape (`match`, `folios`...) or the published one (`filters`,
// `routing`), and one that takes every item says so (`matchAll: true`). Imports only effect and @effect/platform.
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { bounded } from "../schema/TextSchemas"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

const list = (field: string, max: number) => Schema.Array(bounded(field, max)).pipe(Schema.maxItems(100))

export const Integration = Schema.String.pipe(
  Schema.pattern(/^[a-z0-9][a-z0-9_-]{0,99}$/, {
    message: () => "integration must be github or a connector name (lowercase letters, digits, _ and -)"
  })
)

/** GitHub's item states; a device's documents have none. */
export const ItemState = Schema.Literal("open", "closed")

/** Items updated at most this many hours before the sync (a year at most). */
const LookbackHours = Schema.Number.pipe(
  Schema.int({ message: () => "lookbackHours must be a whole number of hours" }),
  Schema.between(1, 8760, { message: () => "lookbackHours must be between 1 and 8760 (a year)" })
)

/** Every condition given must hold; a list holds when any of its values does. */
export const RuleMatch = Schema.Struct({
  /** `issue`, `pull_request` (GitHub), `document` (device pushes), `mail` (Gmail) or `event` (Google Calendar). */
  kinds: Schema.optional(Schema.Array(Schema.Literal("issue", "pull_request", "document", "mail", "event"))),
  /** `owner/name`, compared case-insensitively. */
  repositories: Schema.optional(list("repositories[]", 200)),
  labels: Schema.optional(list("labels[]", 100)),
  authors: Schema.optional(list("authors[]", 100)),
  /** Tags the item already carries (a device may send some). */
  tags: Schema.optional(list("tags[]", 100)),
  /** A case-insensitive substring of the title. */
  titleContains: Schema.optional(bounded("titleContains", 200)),
  urlPrefix: Schema.optional(bounded("urlPrefix", 2000)),
  /** GitHub items in one of these states. */
  states: Schema.optional(Schema.Array(ItemState)),
  /** GitHub items updated (mail received) within this many hours before the sync. */
  lookbackHours: Schema.optional(LookbackHours),
  /** Mail whose sender is one of these: an address, a display name, or `@domain` for a whole domain. */
  senders: Schema.optional(list("senders[]", 320)),
  /** Google Calendar ids (`primary`, an address); the calendars named by any rule are the ones synced. */
  calendars: Schema.optional(list("calendars[]", 1024))
})
export type RuleMatch = typeof RuleMatch.Type

/** Taking every item is said, never arrived at: `matchAll: true`, and no conditions beside it. */
const MatchAll = Schema.optional(Schema.Literal(true))

const hasConditions = (conditions: object | undefined) =>
  conditions !== undefined && Object.values(conditions).some((value) => value !== undefined)

const explicitMatch =
  (conditionsField: string) => (rule: { readonly matchAll?: true | undefined }, conditions: object | undefined) => {
    if (rule.matchAll === true && hasConditions(conditions)) {
      return {
        path: ["matchAll"],
        message: `matchAll: true takes every item; it cannot be combined with ${conditionsField} conditions`
      }
    }
    if (rule.matchAll !== true && !hasConditions(conditions)) {
      return {
        path: ["matchAll"],
        message: `a rule without ${conditionsField} conditions would take every item: give it conditions, or say so with matchAll: true`
      }
    }
    return true
  }

/** The host's own rule shape: conditions under `match`, the routing beside them. */
export const SyncRule = Schema.Struct({
  name: Schema.optional(bounded("name", 200)),
  enabled: Schema.optional(Schema.Boolean),
  matchAll: MatchAll,
  match: Schema.optional(RuleMatch),
  /** Folio names; each matched item is committed to every folio named by any matching rule. */
  folios: Schema.optional(list("folios[]", 200)),
  tags: Schema.optional(list("tags[]", 100)),
  harvestToGraph: Schema.optional(Schema.Boolean),
  injectToTimeline: Schema.optional(Schema.Boolean)
}).pipe(Schema.filter((rule) => explicitMatch("match")(rule, rule.match)))
export type SyncRule = typeof SyncRule.Type

/** The published rule shape (the connectors overview): conditions under `filters`, routing under `routing`. */
export const DocumentedSyncRule = Schema.Struct({
  /** The client's own id for the rule, kept as given. */
  id: Schema.optional(bounded("id", 200)),
  name: Schema.optional(bounded("name", 200)),
  enabled: Schema.optional(Schema.Boolean),
  matchAll: MatchAll,
  filters: Schema.optional(
    Schema.Struct({
      repos: Schema.optional(list("filters.repos[]", 200)),
      states: Schema.optional(Schema.Array(ItemState)),
      lookbackHours: Schema.optional(LookbackHours)
    })
  ),
  routing: Schema.optional(
    Schema.Struct({
      folioName: Schema.optional(bounded("routing.folioName", 200)),
      tags: Schema.optional(list("routing.tags[]", 100)),
      harvestToGraph: Schema.optional(Schema.Boolean),
      injectToTimeline: Schema.optional(Schema.Boolean)
    })
  )
}).pipe(Schema.filter((rule) => explicitMatch("filters")(rule, rule.filters)))
export type DocumentedSyncRule = typeof DocumentedSyncRule.Type

/** A rule in either shape; it is stored as written and read back in the shape it was written in. */
export const AnySyncRule = Schema.Union(SyncRule, DocumentedSyncRule)
export type AnySyncRule = typeof AnySyncRule.Type

export const SyncRulesDocument = Schema.Struct({
  rules: Schema.Array(AnySyncRule).pipe(Schema.maxItems(200, { message: () => "a document holds at most 200 rules" }))
})
export type SyncRulesDocument = typeof SyncRulesDocument.Type

const IntegrationPath = Schema.Struct({ integration: Integration })

export class SyncRulesApi extends HttpApiGroup.make("syncRules")
  .add(
    HttpApiEndpoint.get("get", "/sync-rules/:integration")
      .setPath(IntegrationPath)
      .addSuccess(Schema.Struct({ integration: Schema.String, rules: Schema.Array(AnySyncRule) }))
  )
  .add(
    HttpApiEndpoint.put("put", "/sync-rules/:integration")
      .setPath(IntegrationPath)
      .setPayload(SyncRulesDocument)
      .addSuccess(Schema.Struct({ integration: Schema.String, rules: Schema.Array(AnySyncRule) }))
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
