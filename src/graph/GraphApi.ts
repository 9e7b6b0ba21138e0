// Declaration of the knowledge-graph routes: entities (with aliases and canonical links) and typed edges between
// them. Imports effect, @effect/platform and the shared text schemas of the notes declaration.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { uuidId } from "../schema/Ids"
import { bounded, storable, storableJson } from "../schema/TextSchemas"
import { Trashed } from "../trash/TrashApi"
import { ExtractionRun, Mention } from "./ExtractionApi"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const EntityId = uuidId("EntityId")
export type EntityId = typeof EntityId.Type

export const EdgeId = uuidId("EdgeId")
export type EdgeId = typeof EdgeId.Type

export const EntityType = Schema.Literal("person", "project", "concept", "organization", "tool", "topic", "event")
export type EntityType = typeof EntityType.Type

export const SourceKind = Schema.Literal("extracted", "inferred", "ambiguous")
export type SourceKind = typeof SourceKind.Type

export const EntityName = bounded("name", 500)

export const Aliases = Schema.Array(bounded("an alias", 500)).pipe(
  Schema.maxItems(100, { message: () => "aliases may hold at most 100 names" })
)

/** A JSON object, at most 64 KiB once encoded, that jsonb can store. */
const jsonObject = (field: string) =>
  Schema.Record({ key: Schema.String, value: Schema.Unknown }).pipe(
    Schema.filter((value) => JSON.stringify(value).length <= 65_536 || `${field} must be at most 64 KiB of JSON`),
    storableJson(field)
  )

export const Metadata = jsonObject("metadata")
export const Provenance = jsonObject("provenance")

export const Entity = Schema.Struct({
  id: EntityId,
  name: Schema.String,
  type: EntityType,
  metadata: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  aliases: Schema.Array(Schema.String),
  /** The entity this one is an alias of; null when it is canonical itself. */
  canonicalId: Schema.NullOr(EntityId),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
})
export type Entity = typeof Entity.Type

export const Edge = Schema.Struct({
  id: EdgeId,
  sourceId: EntityId,
  targetId: EntityId,
  type: Schema.String,
  sourceKind: SourceKind,
  confidence: Schema.Number,
  provenance: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  createdAt: Schema.DateTimeUtc
})
export type Edge = typeof Edge.Type

/**
 * An edge as seen from one entity. `targetName` is the name of the entity at the other end: the target of an
 * outgoing edge, the source of an incoming one (`direction` tells which).
 */
export const EntityEdge = Schema.Struct({
  ...Edge.fields,
  direction: Schema.Literal("outgoing", "incoming"),
  targetName: Schema.String
})
export type EntityEdge = typeof EntityEdge.Type

export const EntityDetail = Schema.Struct({ ...Entity.fields, edges: Schema.Array(EntityEdge) })
export type EntityDetail = typeof EntityDetail.Type

/**
 * A walk from one entity: the entities reached (`depth` hops away, in the order reached) and the edges followed from
 * the entities it went on from.
 */
export const GraphWalk = Schema.Struct({
  start: Schema.Struct({ id: EntityId, name: Schema.String, type: EntityType }),
  nodes: Schema.Array(Schema.Struct({ id: EntityId, name: Schema.String, type: EntityType, depth: Schema.Int })),
  edges: Schema.Array(
    Schema.Struct({
      id: EdgeId,
      sourceId: EntityId,
      targetId: EntityId,
      type: Schema.String,
      sourceKind: SourceKind,
      confidence: Schema.Number
    })
  )
})
export type GraphWalk = typeof GraphWalk.Type

export const NewEntity = Schema.Struct({
  name: EntityName,
  type: EntityType,
  metadata: Schema.optional(Metadata),
  aliases: Schema.optional(Aliases)
})
export type NewEntity = typeof NewEntity.Type

/** Absent fields stay as they are; `metadata` and `aliases` replace the stored value; `canonicalId: null` unlinks. */
export const EntityChanges = Schema.Struct({
  name: Schema.optional(EntityName),
  type: Schema.optional(EntityType),
  metadata: Schema.optional(Metadata),
  aliases: Schema.optional(Aliases),
  canonicalId: Schema.optional(Schema.NullOr(EntityId))
})
export type EntityChanges = typeof EntityChanges.Type

export const NewEdge = Schema.Struct({
  sourceId: EntityId,
  targetId: EntityId,
  type: bounded("type", 200),
  sourceKind: Schema.optional(SourceKind),
  confidence: Schema.optional(
    Schema.Number.pipe(
      Schema.finite(),
      Schema.between(0, 1, { message: () => "confidence must be a number between 0 and 1" })
    )
  ),
  provenance: Schema.optional(Provenance)
})
export type NewEdge = typeof NewEdge.Type

/** Absent fields stay as they are; `provenance` replaces the stored value. An edge's ends are fixed: delete it instead. */
export const EdgeChanges = Schema.Struct({
  type: Schema.optional(bounded("type", 200)),
  sourceKind: Schema.optional(SourceKind),
  confidence: NewEdge.fields.confidence,
  provenance: Schema.optional(Provenance)
})
export type EdgeChanges = typeof EdgeChanges.Type

export const EntityQuery = Schema.Struct({
  search: Schema.optional(Schema.Trim.pipe(Schema.maxLength(500), storable("search"))),
  type: Schema.optional(EntityType),
  limit: Schema.optional(
    Schema.NumberFromString.pipe(
      Schema.int(),
      Schema.between(1, 500, { message: () => "limit must be a whole number from 1 to 500" })
    )
  )
})
export type EntityQuery = typeof EntityQuery.Type

/** Looked up by id (`entityId`), or by a name that matched nothing (`reference`, as the caller wrote it). */
export class EntityNotFound extends Schema.TaggedError<EntityNotFound>()(
  "EntityNotFound",
  { message: Schema.String, entityId: Schema.optional(Schema.String), reference: Schema.optional(Schema.String) },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(entityId: string, what: "entity" | "canonical entity" = "entity") {
    return new EntityNotFound({ entityId, message: `${what} ${entityId} does not exist in this workspace` })
  }

  static noMatch(reference: string) {
    return new EntityNotFound({ reference, message: `no entity matches "${reference}"` })
  }
}

/** A canonical link that would point an entity at itself, directly or around a loop. */
export class InvalidCanonicalLink extends Schema.TaggedError<InvalidCanonicalLink>()(
  "InvalidCanonicalLink",
  {
    message: Schema.String,
    field: Schema.Literal("canonicalId"),
    reason: Schema.Literal("Self", "Loop"),
    entityId: Schema.String,
    canonicalId: Schema.String
  },
  HttpApiSchema.annotations({ status: 400 })
) {
  static of(reason: "Self" | "Loop", entityId: string, canonicalId: string) {
    return new InvalidCanonicalLink({
      field: "canonicalId",
      reason,
      entityId,
      canonicalId,
      message:
        reason === "Self"
          ? "an entity cannot be its own canonical entity: use canonicalId null to make it canonical"
          : `linking to ${canonicalId} would make a loop: that entity is already, directly or through others, an alias of this one`
    })
  }
}

export class EdgeEndpointNotFound extends Schema.TaggedError<EdgeEndpointNotFound>()(
  "EdgeEndpointNotFound",
  { message: Schema.String, end: Schema.Literal("source", "target"), entityId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(end: "source" | "target", entityId: string) {
    return new EdgeEndpointNotFound({
      end,
      entityId,
      message: `${end} entity ${entityId} does not exist in this workspace: create it first or fix ${end}Id`
    })
  }
}

export class EdgeNotFound extends Schema.TaggedError<EdgeNotFound>()(
  "EdgeNotFound",
  { message: Schema.String, edgeId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(edgeId: string) {
    return new EdgeNotFound({ edgeId, message: `edge ${edgeId} does not exist in this workspace` })
  }
}

/** Deleting an entity that edges touch, without `?cascade`: the edges would go with it. */
export class EntityHasEdges extends Schema.TaggedError<EntityHasEdges>()(
  "EntityHasEdges",
  { message: Schema.String, entityId: Schema.String, edges: Schema.Int },
  HttpApiSchema.annotations({ status: 409 })
) {
  static of(entityId: string, edges: number) {
    return new EntityHasEdges({
      entityId,
      edges,
      message: `entity ${entityId} has ${edges} edge(s): delete them first, or pass ?cascade=true to move them to the trash with it`
    })
  }
}

const EntityPath = Schema.Struct({ id: EntityId })
const EdgePath = Schema.Struct({ id: EdgeId.annotations({ message: () => "the edge id must be a UUID" }) })

export class GraphApi extends HttpApiGroup.make("graph")
  .add(
    HttpApiEndpoint.get("listEntities", "/entities")
      .setUrlParams(EntityQuery)
      .addSuccess(Schema.Struct({ entities: Schema.Array(Entity) }))
  )
  .add(
    HttpApiEndpoint.get("getEntity", "/entities/:id")
      .setPath(EntityPath)
      .addSuccess(Schema.Struct({ entity: EntityDetail }))
      .addError(EntityNotFound)
  )
  .add(
    HttpApiEndpoint.post("createEntity", "/entities")
      .setPayload(NewEntity)
      .addSuccess(Schema.Struct({ entity: Entity }), { status: 201 })
  )
  .add(
    HttpApiEndpoint.patch("updateEntity", "/entities/:id")
      .setPath(EntityPath)
      .setPayload(EntityChanges)
      .addSuccess(Schema.Struct({ entity: Entity }))
      .addError(EntityNotFound)
      .addError(InvalidCanonicalLink)
  )
  .add(
    HttpApiEndpoint.post("createEdge", "/edges")
      .setPayload(NewEdge)
      .addSuccess(Schema.Struct({ edge: Edge }), { status: 201 })
      .addError(EdgeEndpointNotFound)
  )
  .add(HttpApiEndpoint.get("listEdges", "/edges").addSuccess(Schema.Struct({ edges: Schema.Array(Edge) })))
  .add(
    HttpApiEndpoint.del("deleteEntity", "/entities/:id")
      .setPath(EntityPath)
      .setUrlParams(
        Schema.Struct({
          /** `?cascade` or `?cascade=true`: the edges touching the entity go to the trash with it. */
          cascade: Schema.optional(
            Schema.Literal("", "true", "false").annotations({ message: () => "cascade must be true or false" })
          )
        })
      )
      .addSuccess(Trashed)
      .addError(EntityNotFound)
      .addError(EntityHasEdges)
  )
  .add(
    HttpApiEndpoint.patch("updateEdge", "/edges/:id")
      .setPath(EdgePath)
      .setPayload(EdgeChanges)
      .addSuccess(Schema.Struct({ edge: Edge }))
      .addError(EdgeNotFound)
  )
  .add(HttpApiEndpoint.del("deleteEdge", "/edges/:id").setPath(EdgePath).addSuccess(Trashed).addError(EdgeNotFound))
  .add(
    HttpApiEndpoint.get("entityNeighbourhood", "/entities/:id/neighbourhood")
      .setPath(EntityPath)
      .setUrlParams(
        Schema.Struct({
          depth: Schema.optional(
            Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 3)).annotations({
              message: () => "depth must be a whole number from 1 to 3"
            })
          )
        })
      )
      .addSuccess(GraphWalk)
      .addError(EntityNotFound)
  )
  .add(
    HttpApiEndpoint.get("entityMentions", "/entities/:id/mentions")
      .setPath(EntityPath)
      .addSuccess(Schema.Struct({ mentions: Schema.Array(Mention) }))
      .addError(EntityNotFound)
  )
  .add(
    HttpApiEndpoint.get("extractionRuns", "/extraction-runs").addSuccess(
      Schema.Struct({ runs: Schema.Array(ExtractionRun) })
    )
  )
  .add(
    HttpApiEndpoint.post("rerunExtraction", "/extraction-runs").addSuccess(Schema.Struct({ queued: Schema.Int }), {
      status: 202
    })
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
