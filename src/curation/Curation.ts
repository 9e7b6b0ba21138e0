// Corpus curation: proposes alias merges between entities (AliasMatching) as curation suggestions, and carries out
// the owner's decision. Accepting links the alias to its canonical entity, adds its names to the canonical's aliases
// and moves its edges, all in one transaction; nothing is ever merged without that decision.
import { SqlSchema } from "@effect/sql"
import { Context, DateTime, Effect, Layer, Option, Schema } from "effect"
import { LiveUpdates, layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { proposeMerges, type Candidate } from "./AliasMatching"
import { Suggestion, SuggestionDecided, SuggestionNotFound } from "./CurationApi"

export interface CurationShape {
  /** Stores proposals not seen before (in any status); returns how many are new. */
  readonly propose: Effect.Effect<number, never, CurrentWorkspace>
  readonly list: (status?: Suggestion["status"]) => Effect.Effect<ReadonlyArray<Suggestion>, never, CurrentWorkspace>
  readonly accept: (id: string) => Effect.Effect<Suggestion, SuggestionNotFound | SuggestionDecided, CurrentWorkspace>
  readonly reject: (id: string) => Effect.Effect<Suggestion, SuggestionNotFound | SuggestionDecided, CurrentWorkspace>
}

export class Curation extends Context.Tag("carabase/Curation")<Curation, CurationShape>() {}

/** The stored proposal (AliasMatching's Proposal, as JSON): what a suggestion shows and what accepting merges. */
const Payload = Schema.Struct({
  canonicalId: Schema.String,
  aliasId: Schema.String,
  canonicalName: Schema.String,
  aliasName: Schema.String,
  reason: Schema.String,
  score: Schema.Number
})
type Payload = typeof Payload.Type

const SuggestionRow = Schema.Struct({
  id: Schema.String,
  kind: Schema.String,
  status: Schema.String,
  payload: Payload,
  createdAt: Schema.DateFromSelf,
  decidedAt: Schema.NullOr(Schema.DateFromSelf)
})
type SuggestionRow = typeof SuggestionRow.Type

const MergedEntityRow = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  aliases: Schema.Array(Schema.String),
  canonicalId: Schema.NullOr(Schema.String)
})

const CandidateRow = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  type: Schema.String,
  aliases: Schema.Array(Schema.String),
  canonicalId: Schema.NullOr(Schema.String),
  edgeCount: Schema.Int,
  createdAt: Schema.DateFromSelf
})

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

    const suggestionColumns = sql`id, kind, status, payload, created_at, decided_at`
    const findSuggestion = SqlSchema.findOne({
      Request: Schema.String,
      Result: SuggestionRow,
      execute: (id) => sql`select ${suggestionColumns} from curation_suggestions where id = ${id} for update`
    })
    const find = (id: string) => findSuggestion(id).pipe(Effect.orDie)
    const setStatus = SqlSchema.single({
      Request: Schema.Struct({ id: Schema.String, status: Schema.Literal("accepted", "rejected") }),
      Result: SuggestionRow,
      execute: ({ id, status }) => sql`
        update curation_suggestions set status = ${status}, decided_at = now() where id = ${id}
        returning ${suggestionColumns}`
    })
    const listSuggestions = SqlSchema.findAll({
      Request: Schema.UndefinedOr(Schema.String),
      Result: SuggestionRow,
      execute: (status) => sql`
        select ${suggestionColumns} from curation_suggestions
        where ${status === undefined ? sql`true` : sql`status = ${status}`}
        order by created_at desc, id`
    })
    const mergedEntities = SqlSchema.findAll({
      Request: Schema.Struct({ canonicalId: Schema.String, aliasId: Schema.String }),
      Result: MergedEntityRow,
      execute: ({ aliasId, canonicalId }) => sql`
        select id, name, aliases, canonical_id from entities
        where id in (${canonicalId}, ${aliasId}) for update`
    })
    const candidateRows = SqlSchema.findAll({
      Request: Schema.Void,
      Result: CandidateRow,
      execute: () => sql`
        select e.id, e.name, e.type, e.aliases, e.canonical_id, e.created_at,
               (select count(*)::int from edges d where d.source_id = e.id or d.target_id = e.id) as edge_count
        from entities e`
    })
    const proposedPairs = SqlSchema.findAll({
      Request: Schema.Void,
      Result: Schema.Struct({ pair: Schema.String }),
      execute: () => sql`select payload->>'pair' as pair from curation_suggestions where kind = 'alias-merge'`
    })

    const decide = (
      id: string,
      status: "accepted" | "rejected",
      merge: (id: string, proposal: Payload) => Effect.Effect<void, SuggestionDecided>
    ) =>
      rls.current(
        Effect.gen(function* () {
          const found = yield* find(id)
          if (Option.isNone(found)) return yield* SuggestionNotFound.of(id)
          const row = found.value
          if (row.status !== "pending") return yield* SuggestionDecided.already(id, row.status)
          if (status === "accepted") yield* merge(id, row.payload)
          const updated = yield* setStatus({ id, status }).pipe(Effect.orDie)
          return yield* toSuggestion(updated)
        })
      )

    const merge = (id: string, proposal: Payload) =>
      Effect.gen(function* () {
        const rows = yield* mergedEntities(proposal)
        const canonical = rows.find((row) => row.id === proposal.canonicalId)
        const alias = rows.find((row) => row.id === proposal.aliasId)
        if (canonical === undefined || alias === undefined) {
          return yield* Effect.fail(SuggestionDecided.entityMissing(id))
        }
        if (canonical.canonicalId === alias.id) {
          return yield* Effect.fail(SuggestionDecided.mergeReversed(id, canonical.name, alias.name))
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
      }).pipe(Effect.catchTags({ SqlError: Effect.die, ParseError: Effect.die }))

    return {
      propose: rls.current(
        Effect.gen(function* () {
          const entities = yield* candidateRows(undefined)
          const known = new Set((yield* proposedPairs(undefined)).map((row) => row.pair))
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
        rls.current(listSuggestions(status).pipe(Effect.orDie, Effect.flatMap(Effect.forEach(toSuggestion)))),
      accept: (id) =>
        decide(id, "accepted", merge).pipe(Effect.tap(() => live.publish({ type: "entity", action: "updated" }))),
      reject: (id) => decide(id, "rejected", () => Effect.void)
    } satisfies CurationShape
  })
).pipe(Layer.provide(liveUpdatesLayer))
