// Corpus curation: proposes alias merges between entities (AliasMatching) as curation suggestions, and carries out
// the owner's decision. Accepting links the alias to its canonical entity, adds its names to the canonical's aliases
// and moves its edges, all in one transaction; nothing is ever merged without that decision.
import { Context, DateTime, Effect, Layer, Schema } from "effect"
import { LiveUpdates, layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { proposeMerges, type Candidate, type Proposal } from "./AliasMatching"
import { Suggestion, SuggestionDecided, SuggestionNotFound } from "./CurationApi"

export interface CurationShape {
  /** Stores proposals not seen before (in any status); returns how many are new. */
  readonly propose: Effect.Effect<number, never, CurrentWorkspace>
  readonly list: (status?: Suggestion["status"]) => Effect.Effect<ReadonlyArray<Suggestion>, never, CurrentWorkspace>
  readonly accept: (id: string) => Effect.Effect<Suggestion, SuggestionNotFound | SuggestionDecided, CurrentWorkspace>
  readonly reject: (id: string) => Effect.Effect<Suggestion, SuggestionNotFound | SuggestionDecided, CurrentWorkspace>
}

export class Curation extends Context.Tag("carabase/Curation")<Curation, CurationShape>() {}

interface SuggestionRow {
  readonly id: string
  readonly kind: string
  readonly status: string
  readonly payload: Proposal
  readonly createdAt: Date
  readonly decidedAt: Date | null
}

const decodeSuggestion = Schema.decodeUnknown(Suggestion)

const toSuggestion = (row: SuggestionRow) =>
  decodeSuggestion({
    id: row.id,
    kind: row.kind,
    status: row.status,
    canonicalId: row.payload.canonicalId,
    aliasId: row.payload.aliasId,
    canonicalName: row.payload.canonicalName,
    aliasName: row.payload.aliasName,
    reason: row.payload.reason,
    score: row.payload.score,
    createdAt: DateTime.formatIso(DateTime.unsafeMake(row.createdAt)),
    decidedAt: row.decidedAt === null ? null : DateTime.formatIso(DateTime.unsafeMake(row.decidedAt))
  }).pipe(Effect.orDie)

export const layer = Layer.effect(
  Curation,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope
    const live = yield* LiveUpdates

    const find = (id: string) =>
      sql<SuggestionRow>`
        select id, kind, status, payload, created_at, decided_at from curation_suggestions where id = ${id} for update
      `.pipe(Effect.orDie)

    const decide = (
      id: string,
      status: "accepted" | "rejected",
      merge: (proposal: Proposal) => Effect.Effect<void, SuggestionDecided>
    ) =>
      rls.current(
        Effect.gen(function* () {
          const [row] = yield* find(id)
          if (row === undefined)
            return yield* new SuggestionNotFound({ message: `curation suggestion ${id} does not exist` })
          if (row.status !== "pending") {
            return yield* new SuggestionDecided({ message: `curation suggestion ${id} was already ${row.status}` })
          }
          if (status === "accepted") yield* merge(row.payload)
          const [updated] = yield* sql<SuggestionRow>`
            update curation_suggestions set status = ${status}, decided_at = now() where id = ${id}
            returning id, kind, status, payload, created_at, decided_at`.pipe(Effect.orDie)
          return yield* toSuggestion(updated!)
        })
      )

    const merge = (proposal: Proposal) =>
      Effect.gen(function* () {
        const rows = yield* sql<{ id: string; name: string; aliases: Array<string>; canonicalId: string | null }>`
          select id, name, aliases, canonical_id from entities
          where id in (${proposal.canonicalId}, ${proposal.aliasId}) for update`
        const canonical = rows.find((row) => row.id === proposal.canonicalId)
        const alias = rows.find((row) => row.id === proposal.aliasId)
        if (canonical === undefined || alias === undefined) {
          return yield* Effect.fail(new SuggestionDecided({ message: "one of the two entities no longer exists" }))
        }
        if (canonical.canonicalId === alias.id) {
          return yield* Effect.fail(
            new SuggestionDecided({
              message: `${canonical.name} is itself an alias of ${alias.name}: merge the other way`
            })
          )
        }
        const names = [...new Set([...canonical.aliases, alias.name, ...alias.aliases])].filter(
          (name) => name.toLowerCase() !== canonical.name.toLowerCase()
        )
        yield* sql`update entities set aliases = ${names}, updated_at = now() where id = ${canonical.id}`
        yield* sql`update entities set canonical_id = ${canonical.id}, updated_at = now() where id = ${alias.id}`
        yield* sql`update entities set canonical_id = ${canonical.id} where canonical_id = ${alias.id}`
        yield* sql`update edges set source_id = ${canonical.id} where source_id = ${alias.id}`
        yield* sql`update edges set target_id = ${canonical.id} where target_id = ${alias.id}`
        // An edge between the two is now a loop on the canonical entity: it said nothing, drop it.
        yield* sql`delete from edges where source_id = ${canonical.id} and target_id = ${canonical.id}`
      }).pipe(Effect.catchTag("SqlError", Effect.die))

    return {
      propose: rls.current(
        Effect.gen(function* () {
          const entities = yield* sql<{
            id: string
            name: string
            type: string
            aliases: Array<string>
            canonicalId: string | null
            edgeCount: number
            createdAt: Date
          }>`
            select e.id, e.name, e.type, e.aliases, e.canonical_id, e.created_at,
                   (select count(*)::int from edges d where d.source_id = e.id or d.target_id = e.id) as edge_count
            from entities e`
          const known = new Set(
            (yield* sql<{
              pair: string
            }>`select payload->>'pair' as pair from curation_suggestions where kind = 'alias-merge'`).map(
              (row) => row.pair
            )
          )
          const candidates: Array<Candidate> = entities.map((entity) => ({
            ...entity,
            createdAt: entity.createdAt.getTime()
          }))
          const fresh = proposeMerges(candidates).filter((proposal) => !known.has(proposal.pair))
          for (const proposal of fresh) {
            yield* sql`insert into curation_suggestions (kind, payload) values ('alias-merge', ${JSON.stringify(proposal)}::jsonb)`
          }
          return fresh.length
        }).pipe(Effect.orDie)
      ),
      list: (status) =>
        rls.current(
          sql<SuggestionRow>`
            select id, kind, status, payload, created_at, decided_at from curation_suggestions
            where ${status === undefined ? sql`true` : sql`status = ${status}`}
            order by created_at desc, id`.pipe(Effect.orDie, Effect.flatMap(Effect.forEach(toSuggestion)))
        ),
      accept: (id) =>
        decide(id, "accepted", merge).pipe(Effect.tap(() => live.publish({ type: "entity", action: "updated" }))),
      reject: (id) => decide(id, "rejected", () => Effect.void)
    } satisfies CurationShape
  })
).pipe(Layer.provide(liveUpdatesLayer))
