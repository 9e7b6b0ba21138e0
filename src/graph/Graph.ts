// The knowledge-graph service: entities with aliases and canonical links (never a loop), and typed edges whose
// endpoints must exist in the same workspace; entities found by id or name or in a text, and walks over the edges.
// Every call runs in the current workspace's RLS scope; writes announce themselves on LiveUpdates once committed.
// Deleting an entity or an edge moves it to the trash (an entity with the edges touching it, only when asked to).
import type { SqlError } from "@effect/sql"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { fold } from "../curation/AliasMatching"
import { LiveUpdates, layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import type { TrashId } from "../trash/TrashApi"
import { RestoreConflict, restoreConflicts, TrashRepo, layer as trashRepoLayer } from "../trash/TrashRepo"
import {
  EdgeEndpointNotFound,
  EdgeNotFound,
  EntityId,
  EntityHasEdges,
  EntityNotFound,
  InvalidCanonicalLink,
  type Edge,
  type EdgeChanges,
  type EdgeId,
  type Entity,
  type EntityChanges,
  type EntityDetail,
  type EntityQuery,
  type EntityType,
  type GraphWalk,
  type NewEdge,
  type NewEntity,
  type SourceKind
} from "./GraphApi"
import { EXTRACTOR } from "./ExtractionQueue"
import * as GraphRepo from "./GraphRepo"

export interface WalkOptions {
  /** Hops from the start (0: the start alone). */
  readonly depth: number
  /** Only edges at least this sure are followed. */
  readonly minConfidence: number
  /** Only edges of these kinds are followed; undefined: any kind. */
  readonly sourceKinds?: ReadonlyArray<SourceKind> | undefined
}

/**
 * An entity a text names, and how: by its name (`exact`, 1), an alias (`alias`, 0.9), a surname alone (`surname`,
 * 0.5), or the whole text being part of its name or an alias (`substring`, 0.4: "auth" for "Auth Service").
 */
export interface EntityCandidate {
  readonly id: EntityId
  readonly name: string
  readonly type: EntityType
  readonly aliases: ReadonlyArray<string>
  readonly score: number
  readonly strategy: "exact" | "alias" | "surname" | "substring"
}

/** An entity as alias-merge proposals (curation) weigh it: its names, its links and how many edges touch it. */
export interface MergeCandidate {
  readonly id: EntityId
  readonly name: string
  readonly type: string
  readonly aliases: ReadonlyArray<string>
  readonly canonicalId: EntityId | null
  readonly edgeCount: number
  readonly createdAt: Date
}

/** What an alias merge did: merged, or refused because an entity is gone or the canonical is the alias's alias. */
export type MergeOutcome =
  | { readonly _tag: "Merged" }
  | { readonly _tag: "Missing" }
  | { readonly _tag: "Reversed"; readonly canonicalName: string; readonly aliasName: string }

/** A walk stops adding entities at this many, the start included. */
export const MAX_WALK_NODES = 200

export interface GraphShape {
  /** Ordered by name, or by match quality when searching (exact, prefix, substring; names before aliases). */
  readonly listEntities: (query: EntityQuery) => Effect.Effect<ReadonlyArray<Entity>, never, CurrentWorkspace>
  readonly getEntity: (id: EntityId) => Effect.Effect<EntityDetail, EntityNotFound, CurrentWorkspace>
  /**
   * An entity's id from a reference as a person or an agent writes it: its id (taken as given; the read that uses it
   * reports a missing one), or a name or alias (the best match).
   */
  readonly entityIdOf: (reference: string) => Effect.Effect<EntityId, EntityNotFound, CurrentWorkspace>
  /** The entity a reference (id, name or alias) names, with its edges. */
  readonly resolveEntity: (reference: string) => Effect.Effect<EntityDetail, EntityNotFound, CurrentWorkspace>
  /** Breadth-first from an entity over the edges that pass the filters, in one query. */
  readonly walk: (start: EntityId, options: WalkOptions) => Effect.Effect<GraphWalk, EntityNotFound, CurrentWorkspace>
  /** Known entities a text mentions as whole words (or whose name holds the whole text), ignoring case and accents; best first, then by name. */
  readonly candidatesIn: (
    text: string,
    options: { readonly type?: EntityType | undefined; readonly limit: number }
  ) => Effect.Effect<ReadonlyArray<EntityCandidate>, never, CurrentWorkspace>
  readonly createEntity: (input: NewEntity) => Effect.Effect<Entity, never, CurrentWorkspace>
  readonly updateEntity: (
    id: EntityId,
    changes: EntityChanges
  ) => Effect.Effect<Entity, EntityNotFound | InvalidCanonicalLink, CurrentWorkspace>
  readonly createEdge: (input: NewEdge) => Effect.Effect<Edge, EdgeEndpointNotFound, CurrentWorkspace>
  readonly listEdges: Effect.Effect<ReadonlyArray<Edge>, never, CurrentWorkspace>
  /**
   * What an export carries of the graph, up to `limit` entities by id after `after`: all but what entity extraction
   * derived from the notes (the importing host derives it again from them), an extracted entity being kept while an
   * edge of the owner's or a sync's touches it.
   */
  readonly portableEntities: (
    after: EntityId | null,
    limit: number
  ) => Effect.Effect<ReadonlyArray<Entity>, never, CurrentWorkspace>
  /** The edges an export carries (all but those entity extraction made), up to `limit` by id after `after`. */
  readonly portableEdges: (
    after: EdgeId | null,
    limit: number
  ) => Effect.Effect<ReadonlyArray<Edge>, never, CurrentWorkspace>
  readonly updateEdge: (id: EdgeId, changes: EdgeChanges) => Effect.Effect<Edge, EdgeNotFound, CurrentWorkspace>
  /**
   * Moves an entity to the trash; answers the trash entry's id. With edges touching it, refused unless `cascade`, which
   * moves them into the same entry. Entities that were its aliases are unlinked (and linked again on restore).
   */
  readonly deleteEntity: (
    id: EntityId,
    options: { readonly cascade: boolean; readonly deletedBy: string }
  ) => Effect.Effect<TrashId, EntityNotFound | EntityHasEdges, CurrentWorkspace>
  readonly deleteEdge: (id: EdgeId, deletedBy: string) => Effect.Effect<TrashId, EdgeNotFound, CurrentWorkspace>
  /** Put back what deleteEntity or deleteEdge put in the trash, under the same ids. */
  readonly restoreEntity: (data: Record<string, unknown>) => Effect.Effect<string, RestoreConflict, CurrentWorkspace>
  readonly restoreEdge: (data: Record<string, unknown>) => Effect.Effect<string, RestoreConflict, CurrentWorkspace>
  /** For connectors and imports: the entity of this type and name (ignoring case), created with `metadata` (and
   * `aliases`) when missing. */
  readonly ensureEntity: (
    input: Pick<NewEntity, "name" | "type" | "metadata" | "aliases">
  ) => Effect.Effect<{ readonly id: EntityId; readonly created: boolean }, never, CurrentWorkspace>
  /**
   * For a purge: deletes the edges a connection's sync recorded (provenance.connectionId), then the entities that
   * sync created (metadata.source) that no edge of the owner's or of another sync links any more (what entity
   * extraction derived about them, mentions and co-mention edges, goes with them).
   */
  readonly removeHarvested: (
    connectionId: string,
    source: string
  ) => Effect.Effect<{ readonly edges: number; readonly entities: number }, never, CurrentWorkspace>
  /** For curation: every entity, with its edge count. */
  readonly mergeCandidates: Effect.Effect<ReadonlyArray<MergeCandidate>, never, CurrentWorkspace>
  /**
   * For curation: makes `aliasId` an alias of `canonicalId` (its names join the canonical's aliases, its aliases and
   * edges move over) in the caller's transaction, with both entities locked; nothing is written unless Merged.
   */
  readonly mergeAlias: (canonicalId: string, aliasId: string) => Effect.Effect<MergeOutcome, never, CurrentWorkspace>
  /** For connectors: the edge of this type between the two entities, created when missing. */
  readonly ensureEdge: (
    input: Pick<NewEdge, "sourceId" | "targetId" | "type" | "provenance">
  ) => Effect.Effect<{ readonly id: EdgeId; readonly created: boolean }, never, CurrentWorkspace>
  /**
   * For imports: many entities at once, in one statement, safe beside another caller doing the same (see ensureEntity
   * for the rule). A `merge` entry adds its metadata and aliases to an entity that exists. Entries must be distinct by
   * type and name ignoring case; answers each entry's id, in order.
   */
  readonly ensureEntities: (
    entries: ReadonlyArray<EnsureEntry>
  ) => Effect.Effect<ReadonlyArray<{ readonly id: EntityId; readonly created: boolean }>, never, CurrentWorkspace>
  /**
   * For imports: many extracted edges at once (see ensureEdge); an edge from the same provenance file gets the new
   * provenance. Edges whose provenance has `replacing.source` and one of `replacing.files` and that are not among
   * `edges` are removed: what a file read again no longer links. Answers how many were created and removed.
   */
  readonly ensureEdges: (
    edges: ReadonlyArray<
      Pick<NewEdge, "sourceId" | "targetId" | "type"> & { readonly provenance: Record<string, unknown> }
    >,
    replacing: { readonly source: string; readonly files: ReadonlyArray<string> }
  ) => Effect.Effect<{ readonly created: number; readonly removed: number }, never, CurrentWorkspace>
}

export interface EnsureEntry {
  readonly name: string
  readonly type: EntityType
  readonly metadata: Record<string, unknown>
  readonly aliases: ReadonlyArray<string>
  readonly merge: boolean
}

export class Graph extends Context.Tag("carabase/Graph")<Graph, GraphShape>() {}

const orNotFound =
  (id: EntityId, what?: "entity" | "canonical entity") =>
  <A>(row: Option.Option<A>): Effect.Effect<A, EntityNotFound> =>
    Option.match(row, { onNone: () => Effect.fail(EntityNotFound.of(id, what)), onSome: Effect.succeed })

/** Case-insensitively de-duplicated, first spelling kept. */
const distinctNames = (names: ReadonlyArray<string>) => {
  const seen = new Set<string>()
  return names.filter((name) => {
    const key = name.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

const isEntityId = Schema.is(EntityId)

const foreignKeyEnd = (error: SqlError.SqlError): "source" | "target" | undefined => {
  const cause = error.cause as { code?: unknown; constraint?: unknown } | undefined
  if (cause?.code !== "23503") return undefined
  return String(cause.constraint ?? "").includes("target") ? "target" : "source"
}

export const layer = Layer.effect(
  Graph,
  Effect.gen(function* () {
    const repo = yield* GraphRepo.make
    const rls = yield* RlsScope
    const live = yield* LiveUpdates
    const trash = yield* TrashRepo

    const announce = (action: "created" | "updated" | "deleted", id: string) =>
      live.publish({ type: "entity", action, id })
    /** An edge changed: both its ends show it. */
    const announceEnds = (edge: { readonly sourceId: string; readonly targetId: string }) =>
      Effect.zipRight(
        announce("updated", edge.sourceId),
        edge.targetId === edge.sourceId ? Effect.void : announce("updated", edge.targetId)
      )

    const listEntities = Effect.fn("Graph.listEntities")(function* (query: EntityQuery) {
      return yield* repo.search({ search: query.search, type: query.type, limit: query.limit ?? 50 }).pipe(Effect.orDie)
    })

    const getEntity = Effect.fn("Graph.getEntity")(function* (id: EntityId) {
      return yield* rls
        .current(
          Effect.gen(function* () {
            const entity = yield* Effect.flatMap(repo.find(id), orNotFound(id))
            const edges = yield* repo.edgesOf(entity.id)
            return { ...entity, edges } satisfies EntityDetail
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
    })

    const entityIdOf = Effect.fn("Graph.entityIdOf")(function* (reference: string) {
      const id = reference.trim().toLowerCase()
      if (isEntityId(id)) return id
      const [best] = yield* listEntities({ search: reference.trim(), limit: 1 })
      if (best === undefined) return yield* EntityNotFound.noMatch(reference)
      return best.id
    })

    const resolveEntity = (reference: string) => Effect.flatMap(entityIdOf(reference), getEntity)

    const walk = Effect.fn("Graph.walk")(function* (start: EntityId, options: WalkOptions) {
      const found = yield* repo
        .walk({
          start,
          depth: options.depth,
          minConfidence: options.minConfidence,
          sourceKinds: options.sourceKinds ?? null,
          maxNodes: MAX_WALK_NODES
        })
        .pipe(Effect.orDie)
      return yield* orNotFound(start)(found)
    })

    const candidatesIn = Effect.fn("Graph.candidatesIn")(function* (
      text: string,
      options: { readonly type?: EntityType | undefined; readonly limit: number }
    ) {
      const whole = fold(text).trim()
      const haystack = ` ${whole} `
      const contains = (needle: string) => needle !== "" && haystack.includes(` ${fold(needle)} `)
      const within = (name: string) => whole.length >= 2 && fold(name).includes(whole)
      const entities = yield* listEntities({ type: options.type, limit: 500 })
      return entities
        .flatMap((entity): Array<EntityCandidate> => {
          const surname = entity.name.trim().split(/\s+/).length > 1 ? entity.name.trim().split(/\s+/).at(-1)! : ""
          const [score, strategy] = contains(entity.name)
            ? ([1, "exact"] as const)
            : entity.aliases.some(contains)
              ? ([0.9, "alias"] as const)
              : surname.length > 2 && contains(surname)
                ? ([0.5, "surname"] as const)
                : within(entity.name) || entity.aliases.some(within)
                  ? ([0.4, "substring"] as const)
                  : ([0, "exact"] as const)
          if (score === 0) return []
          return [{ id: entity.id, name: entity.name, type: entity.type, aliases: entity.aliases, score, strategy }]
        })
        .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
        .slice(0, options.limit)
    })

    const createEntity = Effect.fn("Graph.createEntity")(function* (input: NewEntity) {
      const entity = yield* rls
        .current(
          repo.insert({
            name: input.name,
            type: input.type,
            metadata: input.metadata ?? {},
            aliases: distinctNames(input.aliases ?? [])
          })
        )
        .pipe(Effect.orDie)
      yield* announce("created", entity.id)
      return entity
    })

    /** Refuses a link to itself or to an entity whose own canonical chain leads back here. */
    const checkCanonical = (id: EntityId, canonicalId: EntityId) =>
      Effect.gen(function* () {
        if (canonicalId.toLowerCase() === id.toLowerCase()) {
          return yield* InvalidCanonicalLink.of("Self", id, canonicalId)
        }
        yield* repo.lockCanonicalLinks
        yield* Effect.flatMap(repo.find(canonicalId), orNotFound(canonicalId, "canonical entity"))
        if (yield* repo.reaches(canonicalId, id)) {
          return yield* InvalidCanonicalLink.of("Loop", id, canonicalId)
        }
      })

    const updateEntity = Effect.fn("Graph.updateEntity")(function* (id: EntityId, changes: EntityChanges) {
      const entity = yield* rls
        .current(
          Effect.gen(function* () {
            yield* Effect.flatMap(repo.find(id), orNotFound(id))
            const canonicalId = changes.canonicalId
            if (canonicalId !== undefined && canonicalId !== null) yield* checkCanonical(id, canonicalId)
            return yield* Effect.flatMap(
              repo.update({
                id,
                name: changes.name ?? null,
                type: changes.type ?? null,
                metadata: changes.metadata === undefined ? null : JSON.stringify(changes.metadata),
                aliases: changes.aliases === undefined ? null : distinctNames(changes.aliases),
                setCanonical: canonicalId !== undefined,
                canonicalId: canonicalId ?? null
              }),
              orNotFound(id)
            )
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* announce("updated", entity.id)
      return entity
    })

    const createEdge = Effect.fn("Graph.createEdge")(function* (input: NewEdge) {
      const edge = yield* rls
        .current(
          Effect.gen(function* () {
            const known = yield* repo.existing([input.sourceId, input.targetId])
            if (!known.has(input.sourceId.toLowerCase()))
              return yield* EdgeEndpointNotFound.of("source", input.sourceId)
            if (!known.has(input.targetId.toLowerCase()))
              return yield* EdgeEndpointNotFound.of("target", input.targetId)
            return yield* repo
              .insertEdge({
                sourceId: input.sourceId,
                targetId: input.targetId,
                type: input.type,
                sourceKind: input.sourceKind ?? "extracted",
                confidence: input.confidence ?? 1,
                provenance: input.provenance ?? {}
              })
              .pipe(
                // An endpoint deleted between the check and the insert: still the client's 404, not a 500. Mapped
                // inside the scope, which turns any SqlError escaping it into a defect.
                Effect.catchTag("SqlError", (error) => {
                  const end = foreignKeyEnd(error)
                  return end === undefined
                    ? Effect.die(error)
                    : Effect.fail(EdgeEndpointNotFound.of(end, end === "source" ? input.sourceId : input.targetId))
                })
              )
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* announce("updated", edge.sourceId)
      if (edge.targetId !== edge.sourceId) yield* announce("updated", edge.targetId)
      return edge
    })

    const listEdges = repo.listEdges.pipe(Effect.orDie, Effect.withSpan("Graph.listEdges"))

    const updateEdge = Effect.fn("Graph.updateEdge")(function* (id: EdgeId, changes: EdgeChanges) {
      const edge = yield* rls
        .current(
          Effect.flatMap(
            repo.updateEdge({
              id,
              type: changes.type ?? null,
              sourceKind: changes.sourceKind ?? null,
              confidence: changes.confidence ?? null,
              provenance: changes.provenance === undefined ? null : JSON.stringify(changes.provenance)
            }),
            Option.match({ onNone: () => Effect.fail(EdgeNotFound.of(id)), onSome: Effect.succeed })
          )
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* announceEnds(edge)
      return edge
    })

    const deleteEntity = Effect.fn("Graph.deleteEntity")(function* (
      id: EntityId,
      options: { readonly cascade: boolean; readonly deletedBy: string }
    ) {
      const trashId = yield* rls
        .current(
          Effect.gen(function* () {
            yield* Effect.flatMap(repo.find(id), orNotFound(id))
            if (!options.cascade) {
              const edges = yield* repo.edgeCount(id)
              if (edges > 0) return yield* EntityHasEdges.of(id, edges)
            }
            const taken = yield* repo.takeEntity(id)
            if (taken === undefined) return yield* EntityNotFound.of(id)
            for (const edge of taken.edges) yield* announceEnds(edge)
            return yield* trash.put({
              kind: "entity",
              originalId: id,
              label: taken.entity.name,
              data: { entity: taken.entity.row, edges: taken.edges.map((edge) => edge.row), aliases: taken.aliases },
              deletedBy: options.deletedBy
            })
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* announce("deleted", id)
      return trashId
    })

    const deleteEdge = Effect.fn("Graph.deleteEdge")(function* (id: EdgeId, deletedBy: string) {
      const trashId = yield* rls
        .current(
          Effect.gen(function* () {
            const taken = yield* repo.takeEdge(id)
            if (taken === undefined) return yield* EdgeNotFound.of(id)
            yield* announceEnds(taken)
            return yield* trash.put({
              kind: "edge",
              originalId: id,
              label: taken.type,
              data: { edge: taken.row },
              deletedBy
            })
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      return trashId
    })

    /** Refuses a restore whose edges would point at an entity that is gone (other than `restoring`). */
    const requireEnds = (
      edges: ReadonlyArray<{ readonly source_id: string; readonly target_id: string }>,
      restoring?: string
    ) =>
      Effect.gen(function* () {
        const ends = edges.flatMap((edge) => [edge.source_id, edge.target_id]).filter((end) => end !== restoring)
        const known = ends.length === 0 ? new Set<string>() : yield* repo.existing(ends)
        const missing = ends.find((end) => !known.has(end.toLowerCase()))
        if (missing !== undefined) {
          return yield* new RestoreConflict({
            conflict: `an edge's end, entity ${missing}, no longer exists: restore that entity first`
          })
        }
      })

    const restoreEntity = Effect.fn("Graph.restoreEntity")(function* (data: Record<string, unknown>) {
      const edges = (data.edges ?? []) as ReadonlyArray<{ source_id: string; target_id: string }>
      const id = yield* rls
        .current(
          restoreConflicts(
            Effect.gen(function* () {
              const restored = yield* repo.putEntity(data.entity)
              yield* requireEnds(edges, restored)
              yield* repo.putEdges(edges)
              yield* repo.lockCanonicalLinks
              yield* repo.relinkAliases(restored, (data.aliases ?? []) as ReadonlyArray<string>)
              return restored
            })
          )
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* announce("created", id)
      for (const edge of edges) yield* announceEnds({ sourceId: edge.source_id, targetId: edge.target_id })
      return id
    })

    const restoreEdge = Effect.fn("Graph.restoreEdge")(function* (data: Record<string, unknown>) {
      const edge = data.edge as { id: string; source_id: string; target_id: string }
      yield* rls
        .current(restoreConflicts(Effect.zipRight(requireEnds([edge]), repo.putEdges([edge]))))
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* announceEnds({ sourceId: edge.source_id, targetId: edge.target_id })
      return edge.id
    })

    const ensureEntity = Effect.fn("Graph.ensureEntity")(function* (
      input: Pick<NewEntity, "name" | "type" | "metadata" | "aliases">
    ) {
      const found = yield* rls.current(repo.findByName(input.name, input.type)).pipe(Effect.orDie)
      if (found !== undefined) return { id: found, created: false }
      const entity = yield* createEntity({
        name: input.name,
        type: input.type,
        metadata: input.metadata ?? {},
        ...(input.aliases === undefined ? {} : { aliases: input.aliases })
      })
      return { id: entity.id, created: true }
    })

    const ensureEdge = Effect.fn("Graph.ensureEdge")(function* (
      input: Pick<NewEdge, "sourceId" | "targetId" | "type" | "provenance">
    ) {
      const found = yield* rls.current(repo.findEdge(input.sourceId, input.targetId, input.type)).pipe(Effect.orDie)
      if (found !== undefined) return { id: found, created: false }
      // Both ends were just ensured in this workspace: a missing one is a host defect.
      const edge = yield* createEdge({ ...input, sourceKind: "extracted", confidence: 1 }).pipe(Effect.orDie)
      return { id: edge.id, created: true }
    })

    const ensureEntities = Effect.fn("Graph.ensureEntities")(function* (entries: ReadonlyArray<EnsureEntry>) {
      if (entries.length === 0) return []
      const rows = yield* rls
        .current(
          Effect.zipRight(
            repo.lockEnsure,
            repo.ensureMany(entries.map((entry) => ({ ...entry, aliases: distinctNames(entry.aliases) })))
          )
        )
        .pipe(Effect.orDie)
      const ids = new Array<{ id: EntityId; created: boolean }>(entries.length)
      for (const row of rows) {
        ids[row.ord] = { id: row.id, created: row.change === "created" }
        if (row.change !== "found") yield* announce(row.change, row.id)
      }
      return ids
    })

    const ensureEdges = Effect.fn("Graph.ensureEdges")(function* (
      edges: ReadonlyArray<
        Pick<NewEdge, "sourceId" | "targetId" | "type"> & { readonly provenance: Record<string, unknown> }
      >,
      replacing: { readonly source: string; readonly files: ReadonlyArray<string> }
    ) {
      if (edges.length === 0 && replacing.files.length === 0) return { created: 0, removed: 0 }
      const seen = new Set<string>()
      const distinct = edges.filter((edge) => {
        const key = `${edge.sourceId}:${edge.targetId}:${edge.type}`.toLowerCase()
        if (seen.has(key)) return false
        seen.add(key)
        return true
      })
      const rows = yield* rls
        .current(
          repo.ensureEdgesMany(
            distinct.map((edge) => ({ ...edge, sourceKind: "extracted", confidence: 1 })),
            replacing
          )
        )
        .pipe(Effect.orDie)
      const touched = new Set<string>()
      for (const row of rows) {
        touched.add(row.sourceId)
        touched.add(row.targetId)
      }
      for (const id of touched) yield* announce("updated", id)
      return {
        created: rows.filter((row) => row.change === "created").length,
        removed: rows.filter((row) => row.change === "removed").length
      }
    })

    const mergeAlias = Effect.fn("Graph.mergeAlias")(function* (canonicalId: string, aliasId: string) {
      return yield* rls
        .current(
          Effect.gen(function* () {
            const rows = yield* repo.lockPair(canonicalId, aliasId)
            const canonical = rows.find((row) => row.id === canonicalId)
            const alias = rows.find((row) => row.id === aliasId)
            if (canonical === undefined || alias === undefined) return { _tag: "Missing" } as const
            if (canonical.canonicalId === alias.id) {
              return { _tag: "Reversed", canonicalName: canonical.name, aliasName: alias.name } as const
            }
            const names = [...new Set([...canonical.aliases, alias.name, ...alias.aliases])].filter(
              (name) => name.toLowerCase() !== canonical.name.toLowerCase()
            )
            yield* repo.mergeAlias(canonical.id, alias.id, names)
            return { _tag: "Merged" } as const
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
    })

    return {
      listEntities,
      getEntity,
      entityIdOf,
      resolveEntity,
      walk,
      candidatesIn,
      createEntity,
      updateEntity,
      createEdge,
      listEdges,
      portableEntities: (after, limit) =>
        repo.portableEntities(after, limit, EXTRACTOR).pipe(Effect.orDie, Effect.withSpan("Graph.portableEntities")),
      portableEdges: (after, limit) =>
        repo.portableEdges(after, limit, EXTRACTOR).pipe(Effect.orDie, Effect.withSpan("Graph.portableEdges")),
      updateEdge,
      deleteEntity,
      deleteEdge,
      restoreEntity,
      restoreEdge,
      ensureEntity,
      ensureEdge,
      ensureEntities,
      ensureEdges,
      mergeCandidates: rls
        .current(repo.mergeCandidates)
        .pipe(Effect.catchTag("SqlError", Effect.die), Effect.withSpan("Graph.mergeCandidates")),
      mergeAlias,
      removeHarvested: (connectionId, source) =>
        rls
          .current(repo.removeHarvested(connectionId, source))
          .pipe(Effect.orDie, Effect.withSpan("Graph.removeHarvested"))
    } satisfies GraphShape
  })
).pipe(Layer.provide([liveUpdatesLayer, trashRepoLayer]))
