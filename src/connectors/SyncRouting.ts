// Sync rules at rest and in action: each integration's document is stored one row per rule in sync_rules (in
// document order; a rule in the published shape is kept as written beside its meaning in the host's), and a harvested item's routing (see SyncRules.route) is carried out here: the item is committed to
// each routed folio and, when asked, logged onto the day's note, both only when the item is new.
import { Context, Effect, Layer, Schema } from "effect"
import { Folios, layer as foliosLayer } from "../folios/Folios"
import { InjectLogEntry } from "../notes/NotesApi"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { asHostRule, isDocumented, type Routing, type SyncItem } from "./SyncRules"
import { type AnySyncRule, DocumentedSyncRule, RuleMatch, type SyncRulesDocument } from "./SyncRulesApi"

export interface RoutedItem {
  readonly item: SyncItem
  readonly routing: Routing
  readonly artifactId: string
  /** Only new items are committed to folios and logged; an update of a known item changes neither. */
  readonly created: boolean
  /** Unique per item of the integration, so a timeline entry is never added twice. */
  readonly key: string
}

export interface SyncRoutingShape {
  /** The integration's rules, each in the shape it was written in. */
  readonly rules: (integration: string) => Effect.Effect<ReadonlyArray<AnySyncRule>, never, CurrentWorkspace>
  readonly replace: (
    integration: string,
    document: SyncRulesDocument
  ) => Effect.Effect<ReadonlyArray<AnySyncRule>, never, CurrentWorkspace>
  readonly apply: (routed: RoutedItem) => Effect.Effect<void, never, CurrentWorkspace>
}

export class SyncRouting extends Context.Tag("carabase/SyncRouting")<SyncRouting, SyncRoutingShape>() {}

/** What a row's `action` holds: the routing in the host's shape, and a published-shape rule as it was written. */
const Action = Schema.Struct({
  name: Schema.optional(Schema.String),
  matchAll: Schema.optional(Schema.Literal(true)),
  written: Schema.optional(DocumentedSyncRule),
  folios: Schema.optional(Schema.Array(Schema.String)),
  tags: Schema.optional(Schema.Array(Schema.String)),
  harvestToGraph: Schema.optional(Schema.Boolean),
  injectToTimeline: Schema.optional(Schema.Boolean)
})

const Row = Schema.Struct({
  match: Schema.parseJson(RuleMatch),
  action: Schema.parseJson(Action),
  enabled: Schema.Boolean
})

const decodeRows = Schema.decodeUnknown(Schema.Array(Row))
/** A harvested item becomes a log entry only if it would pass as the REST body does (bounded, storable text). */
const decodeInject = Schema.decodeUnknownEither(InjectLogEntry)

export const layer = Layer.effect(
  SyncRouting,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope
    const folios = yield* Folios
    const notes = yield* Notes

    const rules = (integration: string) =>
      rls.current(
        sql`
          select match::text as match, action::text as action, enabled from sync_rules
          where provider = ${integration} order by position, created_at, id`.pipe(
          Effect.flatMap(decodeRows),
          // Rows are written only by replace, from a validated document: one that stops decoding is a host defect.
          Effect.orDie,
          Effect.map((rows) =>
            rows.map(({ action, enabled, match }): AnySyncRule => {
              const disabled = enabled ? {} : { enabled: false }
              if (action.written !== undefined) return action.written
              const { written: _, ...routing } = action
              const conditions = Object.keys(match).length > 0
              // Rows written before matchAll existed took every item by having no conditions: now said explicitly.
              return {
                ...routing,
                ...(conditions ? { match } : { matchAll: true as const }),
                ...disabled
              }
            })
          )
        )
      )

    const replace = (integration: string, document: SyncRulesDocument) =>
      rls.current(
        Effect.gen(function* () {
          yield* sql`delete from sync_rules where provider = ${integration}`
          for (const [position, written] of document.rules.entries()) {
            const { enabled, match, ...routing } = asHostRule(written)
            const action = isDocumented(written) ? { ...routing, written } : routing
            yield* sql`
              insert into sync_rules (provider, match, action, enabled, position)
              values (${integration}, ${JSON.stringify(match ?? {})}::jsonb, ${JSON.stringify(action)}::jsonb,
                      ${enabled !== false}, ${position})`
          }
        }).pipe(Effect.orDie, Effect.zipRight(rules(integration)))
      )

    const commitToFolio = (name: string, routed: RoutedItem) =>
      Effect.gen(function* () {
        const found = (yield* folios.list(name)).find((f) => f.name.toLowerCase() === name.toLowerCase())
        if (found === undefined) {
          return yield* Effect.logWarning(`sync rule routes to folio "${name}", which does not exist; skipped`)
        }
        const message = `${routed.item.title}${routed.item.url === undefined ? "" : ` (${routed.item.url})`}`
        yield* folios
          .commit(found.id, { message, artifactIds: [routed.artifactId] })
          .pipe(Effect.catchAll((error) => Effect.logWarning(`sync: commit to folio "${name}" failed`, error)))
      })

    const inject = (routed: RoutedItem) =>
      Effect.gen(function* () {
        const request = decodeInject({
          type: "logCard",
          content: `${routed.item.title}${routed.item.url === undefined ? "" : `\n${routed.item.url}`}`,
          ...(routed.routing.tags.length === 0 ? {} : { tags: routed.routing.tags }),
          ...(routed.routing.folios.length === 0 ? {} : { folio: routed.routing.folios[0] }),
          idempotencyKey: routed.key.slice(0, 200)
        })
        if (request._tag === "Left") return yield* Effect.logWarning("sync: the timeline entry is not valid; skipped")
        yield* notes
          .appendLogEntry(request.right)
          .pipe(Effect.catchAll((error) => Effect.logWarning("sync: the timeline entry was not written", error)))
      })

    return {
      rules,
      replace,
      apply: (routed) =>
        routed.created
          ? Effect.gen(function* () {
              for (const name of routed.routing.folios) yield* commitToFolio(name, routed)
              if (routed.routing.injectToTimeline === true) yield* inject(routed)
            })
          : Effect.void
    } satisfies SyncRoutingShape
  })
).pipe(Layer.provide([notesLayer, foliosLayer]))
