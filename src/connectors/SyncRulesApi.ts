// Declaration of the sync-rules routes: per integration (`github`, or a harvester device's connector name), an
// ordered document of rules that filter harvested items and route them to folios and tags, into the graph and onto
// the day's timeline. Imports only effect and @effect/platform.
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

/** Every condition given must hold (an empty match takes every item); a list holds when any of its values does. */
export const RuleMatch = Schema.Struct({
  /** `issue`, `pull_request` (GitHub) or `document` (device pushes). */
  kinds: Schema.optional(Schema.Array(Schema.Literal("issue", "pull_request", "document"))),
  /** `owner/name`, compared case-insensitively. */
  repositories: Schema.optional(list("repositories[]", 200)),
  labels: Schema.optional(list("labels[]", 100)),
  authors: Schema.optional(list("authors[]", 100)),
  /** Tags the item already carries (a device may send some). */
  tags: Schema.optional(list("tags[]", 100)),
  /** A case-insensitive substring of the title. */
  titleContains: Schema.optional(bounded("titleContains", 200)),
  urlPrefix: Schema.optional(bounded("urlPrefix", 2000))
})
export type RuleMatch = typeof RuleMatch.Type

export const SyncRule = Schema.Struct({
  name: Schema.optional(bounded("name", 200)),
  enabled: Schema.optional(Schema.Boolean),
  match: Schema.optional(RuleMatch),
  /** Folio names; each matched item is committed to every folio named by any matching rule. */
  folios: Schema.optional(list("folios[]", 200)),
  tags: Schema.optional(list("tags[]", 100)),
  harvestToGraph: Schema.optional(Schema.Boolean),
  injectToTimeline: Schema.optional(Schema.Boolean)
})
export type SyncRule = typeof SyncRule.Type

export const SyncRulesDocument = Schema.Struct({
  rules: Schema.Array(SyncRule).pipe(Schema.maxItems(200, { message: () => "a document holds at most 200 rules" }))
})
export type SyncRulesDocument = typeof SyncRulesDocument.Type

const IntegrationPath = Schema.Struct({ integration: Integration })

export class SyncRulesApi extends HttpApiGroup.make("syncRules")
  .add(
    HttpApiEndpoint.get("get", "/sync-rules/:integration")
      .setPath(IntegrationPath)
      .addSuccess(Schema.Struct({ integration: Schema.String, rules: Schema.Array(SyncRule) }))
  )
  .add(
    HttpApiEndpoint.put("put", "/sync-rules/:integration")
      .setPath(IntegrationPath)
      .setPayload(SyncRulesDocument)
      .addSuccess(Schema.Struct({ integration: Schema.String, rules: Schema.Array(SyncRule) }))
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
