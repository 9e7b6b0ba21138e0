// Corpus curation: proposes alias merges between entities (AliasMatching) as curation suggestions, and carries out
// the owner's decision. Accepting links the alias to its canonical entity, adds its names to the canonical's aliases
// and moves its edges (Graph.mergeAlias: the graph's tables are Graph's), in one transaction with marking the
// suggestion decided; nothing is ever merged without that decision.
import { SqlSchema } from "@effect/sql"
import { Context, DateTime, Effect, Layer, Option, Schema } from "effect"
import { enqueueExtraction } from "../graph/ExtractionQueue"
import { Graph, layer as graphLayer } from "../graph/Graph"
import type { EntityId } from "../graph/GraphApi"
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
  /** Absent for a new-name suggestion: the name has no entity. */
  aliasId: Schema.optional(Schema.String),
  canonicalName: Schema.String,
  aliasName: Schema.String,
  reason: Schema.String,
  score: Schema.Number,
  source: Schema.optional(
    Schema.Struct({
      kind: Schema.Literal("note", "memory", "folio_commit", "artifact"),
      id: Schema.String,
      noteDate: Schema.optional(Schema.String),
      place: Schema.Int
    })
  )
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

const decodeSuggestion = Schema.decodeUnknown(Suggestion)

const toSuggestion = (row: SuggestionRow) =>
  decodeSuggestion({
    id: row.id,
    kind: row.kind,
    status: row.status,
    canonicalId: row.payload.canonicalId,
    aliasId: row.payload.aliasId ?? null,
    canonicalName: row.payload.canonicalName,
    aliasName: row.payload.aliasName,
    reason: row.payload.reason,
    score: row.payload.score,
    ...(row.payload.source === undefined ? {} : { source: row.payload.source }),
    createdAt: DateTime.formatIso(DateTime.unsafeMake(row.createdAt)),
    decidedAt: row.decidedAt === null ? null : DateTime.formatIso(DateTime.unsafeMake(row.decidedAt))
  }).pipe(Effect.orDie)

export const layer = Layer.effect(
  Curation,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope
    const live = yield* LiveUpdates
    const graph = yield* Graph

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
    const proposedPairs = SqlSchema.findAll({
      Request: Schema.Void,
      Result: Schema.Struct({ pair: Schema.String }),
      execute: () => sql`select payload->>'pair' as pair from curation_suggestions where kind = 'alias-merge'`
    })

    const decide = (
      id: string,
      status: "accepted" | "rejected",
      merge: (id: string, kind: string, proposal: Payload) => Effect.Effect<void, SuggestionDecided, CurrentWorkspace>
    ) =>
      rls.current(
        Effect.gen(function* () {
          const found = yield* find(id)
          if (Option.isNone(found)) return yield* SuggestionNotFound.of(id)
          const row = found.value
          if (row.status !== "pending") return yield* SuggestionDecided.already(id, row.status)
          yield* merge(id, row.kind, row.payload)
          const updated = yield* setStatus({ id, status }).pipe(Effect.orDie)
          return yield* toSuggestion(updated)
        })
      )

    const mergeAlias = (id: string, proposal: Payload, aliasId: string) =>
      Effect.flatMap(graph.mergeAlias(proposal.canonicalId, aliasId), (outcome) => {
        switch (outcome._tag) {
          case "Merged":
            return Effect.void
          case "Missing":
            return Effect.fail(SuggestionDecided.entityMissing(id))
          case "Reversed":
            return Effect.fail(SuggestionDecided.mergeReversed(id, outcome.canonicalName, outcome.aliasName))
        }
      })

    /** A new name the owner says is the entity: it joins the entity's aliases. */
    const addAlias = (id: string, proposal: Payload) =>
      graph.getEntity(proposal.canonicalId as EntityId).pipe(
        Effect.flatMap((entity) => graph.updateEntity(entity.id, { aliases: [...entity.aliases, proposal.aliasName] })),
        Effect.asVoid,
        Effect.catchTags({
          EntityNotFound: () => Effect.fail(SuggestionDecided.entityMissing(id)),
          InvalidCanonicalLink: Effect.die
        })
      )

    /**
     * Accepting carries the suggestion out; either decision on a new name has its source extracted again, so the
     * name now resolves to the entity (accepted) or becomes one of its own (rejected).
     */
    const carryOut = (status: "accepted" | "rejected") => (id: string, kind: string, proposal: Payload) =>
      Effect.gen(function* () {
        if (kind === "new-name") {
          if (status === "accepted") yield* addAlias(id, proposal)
          if (proposal.source !== undefined) {
            yield* enqueueExtraction(sql, proposal.source.kind, [proposal.source.id]).pipe(Effect.orDie)
          }
          return
        }
        if (status === "accepted" && proposal.aliasId !== undefined) yield* mergeAlias(id, proposal, proposal.aliasId)
      })

    return {
      propose: rls.current(
        Effect.gen(function* () {
          const entities = yield* graph.mergeCandidates
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
        decide(id, "accepted", carryOut("accepted")).pipe(
          Effect.tap(() => live.publish({ type: "entity", action: "updated" }))
        ),
      reject: (id) => decide(id, "rejected", carryOut("rejected"))
    } satisfies CurationShape
  })
).pipe(Layer.provide([liveUpdatesLayer, graphLayer]))
