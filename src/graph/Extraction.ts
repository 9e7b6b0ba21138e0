// Entity extraction: makes the graph grow from what the owner writes. The entity-extraction job drains the workspace's
// extraction queue (filled by Harvest in the transaction of every write it indexes): each queued source is read as
// places (a note's top-level blocks, another source's chunks), run through the offline tier (OfflineExtractor) and,
// when the workspace has a `utility` model route, the model tier (ModelExtractor), and its mentions and extracted
// edges are then made what the source now says, in one transaction: what is still said keeps its row, what is no longer
// said goes, a source that is gone loses them all. A new name that looks like a known entity becomes a curation
// suggestion (kind new-name) instead of an entity. The model is asked outside any transaction; the queue entry is
// cleared only if the source was not queued again meanwhile.
import { SqlSchema } from "@effect/sql"
import { Context, Effect, FiberRef, Layer, Option, Schema } from "effect"
import { fold } from "../curation/AliasMatching"
import { Gateway } from "../gateway/Gateway"
import { ModelRoutes, layer as modelRoutesLayer } from "../models/ModelRoutes"
import type { Document } from "../notes/Document"
import { currentJobRun } from "../platform/CurrentJobRun"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import { CurrentWorkspace, type WorkspaceId } from "../platform/CurrentWorkspace"
import { Graph, layer as graphLayer } from "./Graph"
import type { EntityType } from "./GraphApi"
import { ExtractionRun, Mention } from "./ExtractionApi"
import { enqueueExtraction, EXTRACTOR, type ExtractionSourceKind } from "./ExtractionQueue"
import { askModel, type ModelAnswer } from "./ModelExtractor"
import {
  extractPassage,
  Lexicon,
  pairsOf,
  passageOfBlock,
  type Found,
  type KnownEntity,
  type LookAlikeReason,
  type Passage
} from "./OfflineExtractor"

export { EXTRACTOR }
/** An edge inferred from two entities named in one place. */
export const CO_MENTION = "mentioned_with"
const CO_MENTION_CONFIDENCE = 0.5
const MODEL_CONFIDENCE = 0.7
/** Sources per batch read from the queue. */
const BATCH = 25

export interface DrainResult {
  readonly sources: number
  readonly mentions: number
  readonly edges: number
  readonly entitiesCreated: number
  readonly suggestions: number
  readonly modelAnswers: number
  readonly modelUnparseable: number
}

export interface ExtractionShape {
  /** Extracts every queued source of the workspace; answers what it did (also kept as an extraction run). */
  readonly drain: Effect.Effect<DrainResult, never, CurrentWorkspace>
  /** Queues every note, memory, folio commit and artifact of the workspace again (after a model route is set). */
  readonly requeueAll: Effect.Effect<number, never, CurrentWorkspace>
  /** Where an entity is mentioned, newest first. */
  readonly mentionsOf: (
    entityId: string,
    limit: number
  ) => Effect.Effect<ReadonlyArray<Mention>, never, CurrentWorkspace>
  readonly runs: (limit: number) => Effect.Effect<ReadonlyArray<ExtractionRun>, never, CurrentWorkspace>
  /**
   * Runs `work` (a bulk write such as an import) with the workspace's extraction held back: no run is started for it
   * and a running drain stops after its current batch, so the two do not compete for the host's CPU and the graph's
   * lock; what the work queued is extracted once it ends (the queue keeps it).
   */
  readonly deferWhile: <A, E, R>(work: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R | CurrentWorkspace>
  /** Whether extraction is held back in the workspace now (a bulk write is running there). */
  readonly isDeferred: (workspace: WorkspaceId) => boolean
}

export class Extraction extends Context.Tag("carabase/Extraction")<Extraction, ExtractionShape>() {}

/** `stamp` is queued_at as text: to the microsecond, as a Date would not keep it. */
const Queued = Schema.Struct({ sourceKind: Schema.String, sourceId: Schema.String, stamp: Schema.String })
const KnownRow = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  type: Schema.String,
  aliases: Schema.Array(Schema.String),
  canonicalId: Schema.NullOr(Schema.String)
})
const NoteSource = Schema.Struct({ date: Schema.String, document: Schema.Unknown })
const ChunkSource = Schema.Struct({ ordinal: Schema.Int, title: Schema.String, content: Schema.String })
const MentionKeyRow = Schema.Struct({
  id: Schema.String,
  entityId: Schema.String,
  place: Schema.Int,
  tier: Schema.String
})
const EdgeKeyRow = Schema.Struct({
  id: Schema.String,
  sourceId: Schema.String,
  targetId: Schema.String,
  type: Schema.String,
  sourceKind: Schema.String,
  place: Schema.Int
})
const MentionRow = Schema.Struct({ ...Mention.fields, createdAt: Schema.DateTimeUtcFromDate })
const RunRow = Schema.Struct({ ...ExtractionRun.fields, finishedAt: Schema.DateTimeUtcFromDate })
const SuggestionPair = Schema.Struct({ pair: Schema.String, status: Schema.String })

interface Source {
  readonly kind: ExtractionSourceKind
  readonly id: string
  readonly title: string
  /** A note's date. */
  readonly noteDate: string | null
  readonly passages: ReadonlyArray<Passage>
}

interface WantedMention {
  readonly entityId: string
  readonly place: number
  readonly surface: string
  readonly tier: "offline" | "model"
  readonly how: string
  readonly confidence: number
}

interface WantedEdge {
  readonly sourceId: string
  readonly targetId: string
  readonly type: string
  readonly sourceKind: "extracted" | "inferred"
  readonly confidence: number
  readonly place: number
  readonly tier: "offline" | "model"
}

const mentionKey = (m: { entityId: string; place: number; tier: string }) =>
  `${m.entityId.toLowerCase()}|${m.place}|${m.tier}`
const edgeKey = (e: { sourceId: string; targetId: string; type: string; sourceKind: string; place: number }) =>
  `${e.sourceId.toLowerCase()}|${e.targetId.toLowerCase()}|${e.type}|${e.sourceKind}|${e.place}`

/** The curation pair of a new name and the entity it looks like. */
export const newNamePair = (entityId: string, name: string) => `new-name:${entityId.toLowerCase()}:${fold(name)}`

export const layer = Layer.effect(
  Extraction,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope
    const graph = yield* Graph
    const routes = yield* ModelRoutes
    const gateway = yield* Gateway

    const queued = SqlSchema.findAll({
      Request: Schema.Void,
      Result: Queued,
      execute: () =>
        sql`
          select source_kind, source_id, queued_at::text as stamp from extraction_queue
          order by queued_at, source_kind, source_id limit ${BATCH}`
    })
    const known = SqlSchema.findAll({
      Request: Schema.Void,
      Result: KnownRow,
      execute: () => sql`select id, name, type, aliases, canonical_id from entities order by created_at, id`
    })
    const note = SqlSchema.findOne({
      Request: Schema.String,
      Result: NoteSource,
      execute: (id) => sql`select date::text as date, document from daily_notes where id::text = ${id}`
    })
    const chunks = SqlSchema.findAll({
      Request: Schema.Struct({ kind: Schema.String, id: Schema.String }),
      Result: ChunkSource,
      execute: ({ id, kind }) => sql`
        select ordinal, title, content from search_chunks where source_kind = ${kind} and source_id = ${id}
        order by ordinal`
    })
    const existingMentions = SqlSchema.findAll({
      Request: Schema.Struct({ kind: Schema.String, id: Schema.String }),
      Result: MentionKeyRow,
      execute: ({ id, kind }) => sql`
        select id, entity_id, coalesce(block_index, chunk_ordinal) as place, tier from entity_mentions
        where source_kind = ${kind} and source_id = ${id}`
    })
    const existingEdges = SqlSchema.findAll({
      Request: Schema.Struct({ kind: Schema.String, id: Schema.String }),
      Result: EdgeKeyRow,
      execute: ({ id, kind }) => sql`
        select id, source_id, target_id, type, source_kind,
               coalesce((provenance->>'blockIndex')::int, (provenance->>'chunkOrdinal')::int) as place
        from edges
        where provenance->>'extractor' = ${EXTRACTOR} and provenance->>'sourceKind' = ${kind}
          and provenance->>'sourceId' = ${id}`
    })
    const suggestionPairs = SqlSchema.findAll({
      Request: Schema.Void,
      Result: SuggestionPair,
      execute: () => sql`select payload->>'pair' as pair, status from curation_suggestions where kind = 'new-name'`
    })
    const mentionRows = SqlSchema.findAll({
      Request: Schema.Struct({ entityId: Schema.String, limit: Schema.Int }),
      Result: MentionRow,
      execute: ({ entityId, limit }) => sql`
        select id, entity_id, source_kind, source_id, note_date::text as note_date, block_index, chunk_ordinal,
               surface, tier, how, confidence::text::float8 as confidence, job_run_id, created_at
        from entity_mentions where entity_id = ${entityId}::uuid
        order by note_date desc nulls last, block_index, created_at desc, id limit ${limit}`
    })
    const runRows = SqlSchema.findAll({
      Request: Schema.Int,
      Result: RunRow,
      execute: (limit) => sql`
        select id, job_run_id, sources, mentions, edges, entities_created, suggestions, model_answers,
               model_unparseable, finished_at
        from extraction_runs order by finished_at desc, id limit ${limit}`
    })

    const everySource = SqlSchema.findAll({
      Request: Schema.Void,
      Result: Schema.Struct({ sourceKind: Schema.String, sourceId: Schema.String }),
      execute: () => sql`
        select 'note' as source_kind, id::text as source_id from daily_notes
        union
        select distinct source_kind, source_id from search_chunks where source_kind <> 'note'`
    })

    /** A source as places, or undefined when it is gone (deleted, or no longer indexed). */
    const readSource = (kind: ExtractionSourceKind, id: string) =>
      Effect.gen(function* () {
        if (kind === "note") {
          const found = yield* note(id)
          if (Option.isNone(found)) return undefined
          const document = (Array.isArray(found.value.document) ? found.value.document : []) as Document
          return {
            kind,
            id,
            title: found.value.date,
            noteDate: found.value.date,
            passages: document.map((block, place) => passageOfBlock(block, place))
          } satisfies Source
        }
        const rows = yield* chunks({ kind, id })
        if (rows.length === 0) return undefined
        return {
          kind,
          id,
          title: rows[0]!.title,
          noteDate: null,
          passages: rows.map((row) => ({ place: row.ordinal, text: row.content }))
        } satisfies Source
      })

    const toKnown = (rows: ReadonlyArray<typeof KnownRow.Type>): Array<KnownEntity> =>
      rows.map((row) => ({ ...row, type: row.type as EntityType }))

    /** Extracts one source: the model is asked first, outside the transaction that writes. */
    const extractOne = (
      item: typeof Queued.Type,
      jobRun: string | null,
      totals: { -readonly [K in keyof DrainResult]: number }
    ) =>
      Effect.gen(function* () {
        const kind = item.sourceKind as ExtractionSourceKind
        const source = yield* rls.current(readSource(kind, item.sourceId)).pipe(Effect.orDie)
        let answer: ModelAnswer | undefined
        if (source !== undefined && source.passages.some((passage) => passage.text.trim() !== "")) {
          const target = yield* routes
            .routeTarget("utility")
            .pipe(
              Effect.catchAll((error) =>
                Effect.logWarning(`entity extraction: the utility route cannot be used: ${error.message}`).pipe(
                  Effect.as(Option.none())
                )
              )
            )
          if (Option.isSome(target)) {
            const outcome = yield* askModel(gateway, target.value, source.title, source.passages)
            if (outcome._tag === "Answered") {
              totals.modelAnswers++
              answer = outcome.answer
            } else if (outcome._tag === "Unparseable") {
              totals.modelAnswers++
              totals.modelUnparseable++
              yield* Effect.logWarning(
                `entity extraction: the utility model's answer for ${kind} ${item.sourceId} is not the JSON asked for; skipped`
              )
            } else {
              yield* Effect.logWarning(
                `entity extraction: the utility model failed for ${kind} ${item.sourceId}: ${outcome.error.message}`
              )
            }
          }
        }
        yield* rls.current(write(item, kind, source, answer, jobRun, totals)).pipe(Effect.orDie)
        totals.sources++
      })

    const write = (
      item: typeof Queued.Type,
      kind: ExtractionSourceKind,
      source: Source | undefined,
      answer: ModelAnswer | undefined,
      jobRun: string | null,
      totals: { -readonly [K in keyof DrainResult]: number }
    ) =>
      Effect.gen(function* () {
        const wantedMentions = new Map<string, WantedMention>()
        const wantedEdges = new Map<string, WantedEdge>()
        if (source !== undefined) {
          const lexicon = new Lexicon(toKnown(yield* known(undefined)))
          const pairs = new Map((yield* suggestionPairs(undefined)).map((row) => [row.pair, row.status]))
          const created = new Map<string, string>()

          /** The entity id a found name stands for, creating or suggesting as the rules say; undefined: suggested. */
          const entityFor = (found: Pick<Found, "name" | "type" | "resolution" | "surface" | "place">) =>
            Effect.gen(function* () {
              const resolution = found.resolution
              if (resolution._tag === "Known") return resolution.id
              if (resolution._tag === "LookAlike") {
                const pair = newNamePair(resolution.id, found.name)
                const status = pairs.get(pair)
                if (status !== "rejected") {
                  if (status === undefined) {
                    yield* suggest(pair, resolution, found, source)
                    pairs.set(pair, "pending")
                    totals.suggestions++
                  }
                  return undefined
                }
              }
              const key = `${found.type}:${fold(found.name)}`
              const already = created.get(key)
              if (already !== undefined) return already
              const made = yield* graph.ensureEntity({
                name: found.name,
                type: found.type,
                metadata: { source: EXTRACTOR }
              })
              if (made.created) totals.entitiesCreated++
              created.set(key, made.id)
              return made.id as string
            })

          for (const passage of source.passages) {
            const offline: Array<string> = []
            for (const found of extractPassage(passage, lexicon)) {
              const id = yield* entityFor(found)
              if (id === undefined) continue
              if (!offline.includes(id.toLowerCase())) offline.push(id.toLowerCase())
              const mention: WantedMention = {
                entityId: id,
                place: passage.place,
                surface: found.surface,
                tier: "offline",
                how: found.how,
                confidence: found.confidence
              }
              wantedMentions.set(mentionKey(mention), mention)
            }
            for (const [a, b] of pairsOf(offline)) {
              const edge: WantedEdge = {
                sourceId: a,
                targetId: b,
                type: CO_MENTION,
                sourceKind: "inferred",
                confidence: CO_MENTION_CONFIDENCE,
                place: passage.place,
                tier: "offline"
              }
              wantedEdges.set(edgeKey(edge), edge)
            }
          }

          if (answer !== undefined) {
            const byName = new Map<string, string>()
            for (const entity of answer.entities) {
              const knownEntity = lexicon.find(entity.name)
              const like = knownEntity === undefined ? lexicon.lookAlike(entity.name, entity.type) : undefined
              const id = yield* entityFor({
                name: entity.name,
                type: entity.type,
                surface: entity.name,
                place: entity.place,
                resolution:
                  knownEntity !== undefined
                    ? { _tag: "Known", id: knownEntity.id }
                    : like !== undefined
                      ? {
                          _tag: "LookAlike",
                          id: like.entity.id,
                          entityName: like.entity.name,
                          reason: like.reason,
                          score: like.score
                        }
                      : { _tag: "New" }
              })
              if (id === undefined) continue
              byName.set(`${entity.place}:${fold(entity.name)}`, id)
              const mention: WantedMention = {
                entityId: id,
                place: entity.place,
                surface: entity.name,
                tier: "model",
                how: "model",
                confidence: MODEL_CONFIDENCE
              }
              wantedMentions.set(mentionKey(mention), mention)
            }
            for (const relation of answer.relations) {
              const from = byName.get(`${relation.place}:${fold(relation.source)}`)
              const to = byName.get(`${relation.place}:${fold(relation.target)}`)
              if (from === undefined || to === undefined || from.toLowerCase() === to.toLowerCase()) continue
              const edge: WantedEdge = {
                sourceId: from,
                targetId: to,
                type: relation.type,
                sourceKind: "extracted",
                confidence: relation.confidence,
                place: relation.place,
                tier: "model"
              }
              wantedEdges.set(edgeKey(edge), edge)
            }
          }
        }

        const place = (at: number) =>
          kind === "note"
            ? { note_date: source?.noteDate ?? null, block_index: at, chunk_ordinal: null }
            : { note_date: null, block_index: null, chunk_ordinal: at }

        // Mentions: keep what is still said, drop the rest, add the new.
        const haveMentions = yield* existingMentions({ kind, id: item.sourceId })
        const keepMentions = new Set<string>()
        const dropMentions: Array<string> = []
        for (const row of haveMentions) {
          const key = mentionKey(row)
          if (wantedMentions.has(key) && !keepMentions.has(key)) keepMentions.add(key)
          else dropMentions.push(row.id)
        }
        if (dropMentions.length > 0) yield* sql`delete from entity_mentions where id in ${sql.in(dropMentions)}`
        const newMentions = [...wantedMentions.entries()]
          .filter(([key]) => !keepMentions.has(key))
          .map(([, m]) => ({
            entity_id: m.entityId,
            source_kind: kind,
            source_id: item.sourceId,
            ...place(m.place),
            surface: m.surface,
            tier: m.tier,
            how: m.how,
            confidence: m.confidence,
            job_run_id: jobRun
          }))
        if (newMentions.length > 0) yield* sql`insert into entity_mentions ${sql.insert(newMentions)}`
        totals.mentions += newMentions.length

        // Edges the same way, found again by their provenance.
        const haveEdges = yield* existingEdges({ kind, id: item.sourceId })
        const keepEdges = new Set<string>()
        const dropEdges: Array<string> = []
        for (const row of haveEdges) {
          const key = edgeKey(row)
          if (wantedEdges.has(key) && !keepEdges.has(key)) keepEdges.add(key)
          else dropEdges.push(row.id)
        }
        if (dropEdges.length > 0) yield* sql`delete from edges where id in ${sql.in(dropEdges)}`
        for (const [key, edge] of wantedEdges) {
          if (keepEdges.has(key)) continue
          const at = place(edge.place)
          yield* sql`
            insert into edges (source_id, target_id, type, source_kind, confidence, provenance)
            values (${edge.sourceId}, ${edge.targetId}, ${edge.type}, ${edge.sourceKind}, ${edge.confidence},
                    ${JSON.stringify({
                      extractor: EXTRACTOR,
                      tier: edge.tier,
                      sourceKind: kind,
                      sourceId: item.sourceId,
                      ...(at.note_date === null ? {} : { noteDate: at.note_date }),
                      ...(at.block_index === null ? {} : { blockIndex: at.block_index }),
                      ...(at.chunk_ordinal === null ? {} : { chunkOrdinal: at.chunk_ordinal }),
                      jobRun
                    })}::jsonb)`
          totals.edges++
        }
        // Cleared unless written again while this ran (then the next batch reads it anew).
        yield* sql`
          delete from extraction_queue
          where source_kind = ${kind} and source_id = ${item.sourceId} and queued_at = ${item.stamp}::timestamptz`
      })

    const suggest = (
      pair: string,
      like: {
        readonly id: string
        readonly entityName: string
        readonly reason: LookAlikeReason
        readonly score: number
      },
      found: Pick<Found, "name" | "surface" | "place">,
      source: Source
    ) =>
      sql`
        insert into curation_suggestions (kind, payload) values ('new-name', ${JSON.stringify({
          canonicalId: like.id,
          canonicalName: like.entityName,
          aliasName: found.name,
          reason: like.reason,
          score: like.score,
          pair,
          source: {
            kind: source.kind,
            id: source.id,
            ...(source.noteDate === null ? {} : { noteDate: source.noteDate }),
            place: found.place
          }
        })}::jsonb)`

    /** Entities extraction made that nothing mentions or links any more (their source was edited or deleted). */
    const dropOrphans = sql`
      delete from entities e
      where e.metadata->>'source' = ${EXTRACTOR}
        and not exists (select 1 from entity_mentions m where m.entity_id = e.id)
        and not exists (select 1 from edges x where x.source_id = e.id or x.target_id = e.id)
        and not exists (select 1 from entities a where a.canonical_id = e.id)`

    // Workspaces with a bulk write running, with how many (two imports at once each hold it).
    const holds = new Map<WorkspaceId, number>()
    const isDeferred = (workspace: WorkspaceId) => (holds.get(workspace) ?? 0) > 0
    const hold = (workspace: WorkspaceId, by: 1 | -1) =>
      Effect.sync(() => {
        const count = (holds.get(workspace) ?? 0) + by
        if (count > 0) holds.set(workspace, count)
        else holds.delete(workspace)
      })
    const deferWhile = <A, E, R>(work: Effect.Effect<A, E, R>) =>
      Effect.flatMap(CurrentWorkspace, (workspace) =>
        Effect.acquireUseRelease(
          hold(workspace, 1),
          () => work,
          () => hold(workspace, -1)
        )
      )

    const drain = Effect.gen(function* () {
      const jobRun = yield* FiberRef.get(currentJobRun)
      const totals = {
        sources: 0,
        mentions: 0,
        edges: 0,
        entitiesCreated: 0,
        suggestions: 0,
        modelAnswers: 0,
        modelUnparseable: 0
      }
      const seen = new Set<string>()
      const workspace = yield* CurrentWorkspace
      for (;;) {
        if (isDeferred(workspace)) break
        const batch = (yield* rls.current(queued(undefined)).pipe(Effect.orDie)).filter(
          (item) => !seen.has(`${item.sourceKind}:${item.sourceId}:${item.stamp}`)
        )
        if (batch.length === 0) break
        for (const item of batch) {
          seen.add(`${item.sourceKind}:${item.sourceId}:${item.stamp}`)
          yield* extractOne(item, jobRun, totals)
        }
      }
      if (totals.sources > 0) {
        yield* rls.current(
          Effect.gen(function* () {
            yield* dropOrphans
            yield* sql`
              insert into extraction_runs
                (job_run_id, sources, mentions, edges, entities_created, suggestions, model_answers, model_unparseable)
              values (${jobRun}, ${totals.sources}, ${totals.mentions}, ${totals.edges}, ${totals.entitiesCreated},
                      ${totals.suggestions}, ${totals.modelAnswers}, ${totals.modelUnparseable})`
          }).pipe(Effect.orDie)
        )
      }
      return totals satisfies DrainResult
    }).pipe(Effect.withSpan("Extraction.drain"))

    const requeueAll = rls
      .current(
        Effect.gen(function* () {
          const rows = yield* everySource(undefined)
          for (const kind of ["note", "memory", "folio_commit", "artifact"] as const) {
            yield* enqueueExtraction(
              sql,
              kind,
              rows.filter((row) => row.sourceKind === kind).map((row) => row.sourceId)
            )
          }
          return rows.length
        })
      )
      .pipe(Effect.orDie)

    return {
      drain,
      requeueAll,
      mentionsOf: (entityId, limit) => rls.current(mentionRows({ entityId, limit })).pipe(Effect.orDie),
      runs: (limit) => rls.current(runRows(limit)).pipe(Effect.orDie),
      deferWhile,
      isDeferred
    } satisfies ExtractionShape
  })
).pipe(Layer.provide([graphLayer, modelRoutesLayer]))
