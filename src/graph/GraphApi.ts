// Declaration of the knowledge-graph routes: entities (with aliases and canonical links) and typed edges between
// them. Imports effect, @effect/platform and the shared text schemas of the notes declaration.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { bounded, storable, storableJson } from "../schema/TextSchemas"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

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
  id: Schema.UUID,
  name: Schema.String,
  type: EntityType,
  metadata: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  aliases: Schema.Array(Schema.String),
  /** The entity this one is an alias of; null when it is canonical itself. */
  canonicalId: Schema.NullOr(Schema.UUID),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
})
export type Entity = typeof Entity.Type

export const Edge = Schema.Struct({
  id: Schema.UUID,
  sourceId: Schema.UUID,
  targetId: Schema.UUID,
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
  start: Schema.Struct({ id: Schema.UUID, name: Schema.String, type: EntityType }),
  nodes: Schema.Array(Schema.Struct({ id: Schema.UUID, name: Schema.String, type: EntityType, depth: Schema.Int })),
  edges: Schema.Array(
    Schema.Struct({
      id: Schema.UUID,
      sourceId: Schema.UUID,
      targetId: Schema.UUID,
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
  canonicalId: Schema.optional(Schema.NullOr(Schema.UUID))
})
export type EntityChanges = typeof EntityChanges.Type

export const NewEdge = Schema.Struct({
  sourceId: Schema.UUID,
  targetId: Schema.UUID,
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

const EntityPath = Schema.Struct({ id: Schema.UUID })

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
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
