// The knowledge-graph SQL: entities (searched case- and accent-insensitively over name and aliases), canonical
// links, and edges. Every statement runs inside the caller's RLS scope; rows are decoded here.
import { SqlSchema } from "@effect/sql"
import type { Fragment } from "@effect/sql/Statement"
import { Effect, Option, Schema } from "effect"
import { AppDb, JsonbRow, rowsOrDie } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import { Edge, EdgeId, Entity, EntityEdge, EntityId, EntityType, GraphWalk, SourceKind } from "./GraphApi"

const EntityRow = Schema.Struct({
  ...Entity.fields,
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
})
const EdgeRow = Schema.Struct({ ...Edge.fields, createdAt: Schema.DateTimeUtcFromDate })
const EntityEdgeRow = Schema.Struct({ ...EntityEdge.fields, createdAt: Schema.DateTimeUtcFromDate })

const entityColumns = "id, name, type, metadata, aliases, canonical_id, created_at, updated_at"
const edgeColumns = "id, source_id, target_id, type, source_kind, confidence, provenance, created_at"

/** Combining marks, stripped after canonical decomposition so "Zoë" and "Zoe" fold alike. */
const combiningMarks = "[\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f]"

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const entityCols = sql.literal(entityColumns)
  const edgeCols = sql.literal(edgeColumns)

  /**
   * Lowercase, accents removed, and the few Latin letters that do not decompose spelt out. Applied to both sides of a
   * comparison in SQL, so they always agree. (Without the unaccent extension; see the recommended migration.)
   */
  const fold = (value: Fragment) => sql`
    translate(
      replace(replace(replace(
        regexp_replace(normalize(lower(${value}), NFD), ${sql.literal(`'${combiningMarks}'`)}, '', 'g'),
      'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'),
      'øłđħı', 'oldhi'
    )`

  const typeFilter = (type: EntityType | undefined) => (type === undefined ? sql`true` : sql`e.type = ${type}`)

  const SearchRequest = Schema.Struct({
    search: Schema.UndefinedOr(Schema.String),
    type: Schema.UndefinedOr(EntityType),
    limit: Schema.Number
  })

  /**
   * Ranked: an exact name, an exact alias, a name prefix, an alias prefix, a name substring, an alias substring;
   * then by name.
   */
  const search = SqlSchema.findAll({
    Request: SearchRequest,
    Result: EntityRow,
    // The list reads below are one statement each, run as the current workspace by itself (one round trip).
    execute: ({ limit, search, type }) =>
      rls.rows(
        search === undefined || search === ""
          ? sql`
            select ${entityCols} from entities e
            where ${typeFilter(type)}
            order by lower(e.name), e.id
            limit ${limit}
          `
          : sql`
            with q as (select ${fold(sql`${search}::text`)} as q)
            select ${entityCols} from (
              select e.*, r.rank
              from entities e
              cross join q
              cross join lateral (
                select min(case when f.k = q.q then 0 when starts_with(f.k, q.q) then 2 else 4 end
                           + case when v.ordinality = 1 then 0 else 1 end) as rank
                from unnest(array_prepend(e.name, e.aliases)) with ordinality as v(value, ordinality)
                cross join lateral (select ${fold(sql`v.value`)} as k) f
                where strpos(f.k, q.q) > 0
              ) r
              where r.rank is not null and ${typeFilter(type)}
            ) e
            order by e.rank, lower(e.name), e.id
            limit ${limit}
          `
      )
  })

  const find = SqlSchema.findOne({
    Request: EntityId,
    Result: EntityRow,
    execute: (id) => sql`select ${entityCols} from entities where id = ${id}`
  })

  const edgesOf = SqlSchema.findAll({
    Request: EntityId,
    Result: EntityEdgeRow,
    execute: (id) => sql`
      select ${sql.literal(edgeColumns.replace(/(\w+)/g, "ed.$1"))},
        case when ed.source_id = ${id}::uuid then 'outgoing' else 'incoming' end as direction,
        other.name as target_name
      from edges ed
      join entities other
        on other.id = case when ed.source_id = ${id}::uuid then ed.target_id else ed.source_id end
      where ed.source_id = ${id}::uuid or ed.target_id = ${id}::uuid
      order by ed.created_at, ed.id
    `
  })

  const insert = SqlSchema.single({
    Request: Schema.Struct({
      name: Schema.String,
      type: EntityType,
      metadata: Schema.Unknown,
      aliases: Schema.Array(Schema.String)
    }),
    Result: EntityRow,
    execute: ({ aliases, metadata, name, type }) => sql`
      insert into entities (name, type, metadata, aliases)
      values (${name}, ${type}, ${JSON.stringify(metadata)}::jsonb, ${aliases}::text[])
      returning ${entityCols}
    `
  })

  const update = SqlSchema.findOne({
    Request: Schema.Struct({
      id: EntityId,
      name: Schema.NullOr(Schema.String),
      type: Schema.NullOr(EntityType),
      metadata: Schema.NullOr(Schema.String),
      aliases: Schema.NullOr(Schema.Array(Schema.String)),
      setCanonical: Schema.Boolean,
      canonicalId: Schema.NullOr(EntityId)
    }),
    Result: EntityRow,
    execute: (changes) => sql`
      update entities set
        name = coalesce(${changes.name}::text, name),
        type = coalesce(${changes.type}::text, type),
        metadata = coalesce(${changes.metadata}::jsonb, metadata),
        aliases = coalesce(${changes.aliases}::text[], aliases),
        canonical_id = case when ${changes.setCanonical}::boolean then ${changes.canonicalId}::uuid else canonical_id end,
        updated_at = now()
      where id = ${changes.id}
      returning ${entityCols}
    `
  })

  /** Serialises canonical-link changes within the workspace, so two concurrent links cannot close a loop. */
  const lockCanonicalLinks = sql`
    select pg_advisory_xact_lock(
      hashtextextended('carabase.entities.canonical:' || current_setting('app.workspace_id'), 0)
    )
  `

  /** Whether following canonical links from `from` reaches `to`. */
  const reaches = SqlSchema.single({
    Request: Schema.Struct({ from: EntityId, to: EntityId }),
    Result: Schema.Struct({ reaches: Schema.Boolean }),
    execute: ({ from, to }) => sql`
      with recursive chain (id, canonical_id) as (
        select id, canonical_id from entities where id = ${from}
        union
        select e.id, e.canonical_id from entities e join chain c on e.id = c.canonical_id
      )
      select exists (select 1 from chain where id = ${to}::uuid) as reaches
    `
  })

  const WalkRequest = Schema.Struct({
    start: EntityId,
    depth: Schema.Int,
    minConfidence: Schema.Number,
    sourceKinds: Schema.NullOr(Schema.Array(SourceKind)),
    maxNodes: Schema.Int
  })

  /**
   * Breadth-first, in one statement. Each level is one row holding its frontier, in the order reached, and every
   * entity seen so far, so an entity is reached once, at its least depth, and a cycle cannot loop. An entity is
   * reached first through the earliest frontier entity, then the oldest edge (an entity's edges in created order);
   * past `maxNodes` no entity is added, though the edges to it still are. Edges come in the order first followed.
   */
  const walk = SqlSchema.findOne({
    Request: WalkRequest,
    Result: GraphWalk,
    execute: ({ depth, maxNodes, minConfidence, sourceKinds, start }) => {
      // Compared as the decimal the client reads (pg prints a real by its shortest form): 0.95 stored as a real is
      // 0.949999988 as a double, and a walk with min_confidence 0.95 must keep it.
      const passes = sql`ed.confidence::text::float8 >= ${minConfidence}
        and (${sourceKinds}::text[] is null or ed.source_kind = any(${sourceKinds}::text[]))`
      return rls.rows(sql`
        with recursive levels (depth, frontier, seen) as (
          select 0, array[s.id], array[s.id] from entities s where s.id = ${start}::uuid
          union all
          select l.depth + 1, step.ids, l.seen || step.ids
          from levels l
          cross join lateral (
            select coalesce(
              (array_agg(found.other order by found.at, found.created_at, found.id))[1:${maxNodes} - cardinality(l.seen)],
              '{}'
            ) as ids
            from (
              select distinct on (o.other) o.other, f.at, ed.created_at, ed.id
              from unnest(l.frontier) with ordinality f(node, at)
              join edges ed on ed.source_id = f.node or ed.target_id = f.node
              cross join lateral (
                select case when ed.source_id = f.node then ed.target_id else ed.source_id end as other
              ) o
              where ${passes} and o.other <> all(l.seen)
              order by o.other, f.at, ed.created_at, ed.id
            ) found
          ) step
          where l.depth < ${depth} and cardinality(l.frontier) > 0
        ),
        reached as (
          select f.node as id, l.depth, row_number() over (order by l.depth, f.at) as rank
          from levels l cross join unnest(l.frontier) with ordinality f(node, at)
        ),
        followed as (
          select ed.id, min(r.rank) as rank
          from reached r join edges ed on ed.source_id = r.id or ed.target_id = r.id
          where r.depth < ${depth} and ${passes}
          group by ed.id
        )
        select
          json_build_object('id', s.id, 'name', s.name, 'type', s.type) as start,
          (
            select coalesce(
              json_agg(json_build_object('id', e.id, 'name', e.name, 'type', e.type, 'depth', r.depth) order by r.rank),
              '[]'
            )
            from reached r join entities e on e.id = r.id
          ) as nodes,
          (
            select coalesce(
              json_agg(
                json_build_object('id', ed.id, 'sourceId', ed.source_id, 'targetId', ed.target_id, 'type', ed.type,
                  'sourceKind', ed.source_kind, 'confidence', ed.confidence)
                order by fo.rank, ed.created_at, ed.id
              ),
              '[]'
            )
            from followed fo join edges ed on ed.id = fo.id
          ) as edges
        from entities s
        where s.id = ${start}::uuid
      `)
    }
  })

  const existing = SqlSchema.findAll({
    Request: Schema.Array(Schema.UUID),
    Result: Schema.Struct({ id: Schema.UUID }),
    execute: (ids) => sql`select id from entities where id = any(${ids}::uuid[])`
  })

  const insertEdge = SqlSchema.single({
    Request: Schema.Struct({
      sourceId: EntityId,
      targetId: EntityId,
      type: Schema.String,
      sourceKind: SourceKind,
      confidence: Schema.Number,
      provenance: Schema.Unknown
    }),
    Result: EdgeRow,
    execute: (edge) => sql`
      insert into edges (source_id, target_id, type, source_kind, confidence, provenance)
      values (${edge.sourceId}, ${edge.targetId}, ${edge.type}, ${edge.sourceKind}, ${edge.confidence},
              ${JSON.stringify(edge.provenance)}::jsonb)
      returning ${edgeCols}
    `
  })

  const updateEdge = SqlSchema.findOne({
    Request: Schema.Struct({
      id: EdgeId,
      type: Schema.NullOr(Schema.String),
      sourceKind: Schema.NullOr(SourceKind),
      confidence: Schema.NullOr(Schema.Number),
      provenance: Schema.NullOr(Schema.String)
    }),
    Result: EdgeRow,
    execute: (changes) => sql`
      update edges set
        type = coalesce(${changes.type}::text, type),
        source_kind = coalesce(${changes.sourceKind}::text, source_kind),
        confidence = coalesce(${changes.confidence}::real, confidence),
        provenance = coalesce(${changes.provenance}::jsonb, provenance)
      where id = ${changes.id}
      returning ${edgeCols}
    `
  })

  /** Entities by id after `after`, but those `extractor` derived that no edge of anyone else's touches. */
  const portableEntities = SqlSchema.findAll({
    Request: Schema.Struct({ after: Schema.NullOr(Schema.String), limit: Schema.Number, extractor: Schema.String }),
    Result: EntityRow,
    execute: ({ after, extractor, limit }) =>
      rls.rows(sql`
      select ${entityCols} from entities e
      where (${after}::uuid is null or e.id > ${after}::uuid)
        and ((e.metadata->>'source') is distinct from ${extractor}
             or exists (select 1 from edges d
                        where (d.source_id = e.id or d.target_id = e.id)
                          and (d.provenance->>'extractor') is distinct from ${extractor}))
      order by e.id
      limit ${limit}
    `)
  })

  /** Edges by id after `after`, but those `extractor` made. */
  const portableEdges = SqlSchema.findAll({
    Request: Schema.Struct({ after: Schema.NullOr(Schema.String), limit: Schema.Number, extractor: Schema.String }),
    Result: EdgeRow,
    execute: ({ after, extractor, limit }) =>
      rls.rows(sql`
      select ${edgeCols} from edges
      where (${after}::uuid is null or id > ${after}::uuid)
        and (provenance->>'extractor') is distinct from ${extractor}
      order by id
      limit ${limit}
    `)
  })

  const listEdges = SqlSchema.findAll({
    Request: Schema.Void,
    Result: EdgeRow,
    execute: () => rls.rows(sql`select ${edgeCols} from edges order by created_at, id`)
  })

  const IdRow = Schema.Struct({ id: Schema.String })
  const EntityIdRow = Schema.Struct({ id: EntityId })
  const findByName = SqlSchema.findOne({
    Request: Schema.Struct({ name: Schema.String, type: Schema.String }),
    Result: EntityIdRow,
    execute: ({ name, type }) => sql`
      select id from entities where type = ${type} and lower(name) = lower(${name})
      order by created_at, id limit 1`
  })
  const removeHarvestedEdges = SqlSchema.findAll({
    Request: Schema.String,
    Result: IdRow,
    execute: (connectionId) => sql`
      delete from edges where provenance->>'connectionId' = ${connectionId} returning id`
  })
  const removeOrphanEntities = SqlSchema.findAll({
    Request: Schema.String,
    Result: IdRow,
    execute: (source) => sql`
      delete from entities e where e.metadata->>'source' = ${source}
        and not exists (
          select 1 from edges x where (x.source_id = e.id or x.target_id = e.id)
            and x.provenance->>'extractor' is distinct from 'entity-extraction'
        )
      returning id`
  })
  const findEdge = SqlSchema.findOne({
    Request: Schema.Struct({ sourceId: EntityId, targetId: EntityId, type: Schema.String }),
    Result: Schema.Struct({ id: EdgeId }),
    execute: ({ sourceId, targetId, type }) => sql`
      select id from edges where source_id = ${sourceId} and target_id = ${targetId} and type = ${type}
      order by created_at, id limit 1`
  })
  const edgeCount = SqlSchema.findOne({
    Request: EntityId,
    Result: Schema.Struct({ n: Schema.Int }),
    execute: (id) => sql`select count(*)::int as n from edges where source_id = ${id} or target_id = ${id}`
  })
  const aliasesOf = SqlSchema.findAll({
    Request: EntityId,
    Result: EntityIdRow,
    execute: (id) => sql`select id from entities where canonical_id = ${id}`
  })
  const TakenEdgeRow = Schema.Struct({ row: JsonbRow, sourceId: EntityId, targetId: EntityId })
  const takeEdgesOf = SqlSchema.findAll({
    Request: EntityId,
    Result: TakenEdgeRow,
    execute: (id) => sql`
      delete from edges ed where source_id = ${id} or target_id = ${id}
      returning to_jsonb(ed) - 'workspace_id' as row, source_id, target_id`
  })
  const takeEntity = SqlSchema.findOne({
    Request: EntityId,
    Result: Schema.Struct({ row: JsonbRow, name: Schema.String }),
    execute: (id) => sql`
      delete from entities e where id = ${id} returning to_jsonb(e) - 'workspace_id' as row, name`
  })
  const takeEdge = SqlSchema.findOne({
    Request: EdgeId,
    Result: Schema.Struct({ ...TakenEdgeRow.fields, type: Schema.String }),
    execute: (id) => sql`
      delete from edges ed where id = ${id}
      returning to_jsonb(ed) - 'workspace_id' as row, source_id, target_id, type`
  })
  /** Every entity with how many edges touch it: what alias-merge proposals (curation) are made from. */
  const mergeCandidates = SqlSchema.findAll({
    Request: Schema.Void,
    Result: Schema.Struct({
      id: EntityId,
      name: Schema.String,
      type: Schema.String,
      aliases: Schema.Array(Schema.String),
      canonicalId: Schema.NullOr(EntityId),
      edgeCount: Schema.Int,
      createdAt: Schema.DateFromSelf
    }),
    execute: () => sql`
      select e.id, e.name, e.type, e.aliases, e.canonical_id, e.created_at,
             (select count(*)::int from edges d where d.source_id = e.id or d.target_id = e.id) as edge_count
      from entities e`
  })
  /** The two entities of a merge, locked until the transaction ends. */
  const lockPair = SqlSchema.findAll({
    Request: Schema.Struct({ canonicalId: Schema.String, aliasId: Schema.String }),
    Result: Schema.Struct({
      id: EntityId,
      name: Schema.String,
      aliases: Schema.Array(Schema.String),
      canonicalId: Schema.NullOr(EntityId)
    }),
    execute: ({ aliasId, canonicalId }) => sql`
      select id, name, aliases, canonical_id from entities
      where id in (${canonicalId}, ${aliasId}) for update`
  })
  const putEntity = SqlSchema.single({
    Request: Schema.Unknown,
    Result: EntityIdRow,
    execute: (row) => sql`
      insert into entities (id, name, type, aliases, canonical_id, metadata, created_at, updated_at)
      select r.id, r.name, r.type, r.aliases,
        case when exists (select 1 from entities c where c.id = r.canonical_id) then r.canonical_id end,
        r.metadata, r.created_at, r.updated_at
      from jsonb_populate_record(null::entities, ${JSON.stringify(row)}::jsonb) r
      returning id`
  })

  const EnsuredRow = Schema.Struct({
    ord: Schema.Int,
    id: EntityId,
    change: Schema.Literal("found", "created", "updated")
  })
  /**
   * Finds or creates many entities in one statement, by type and name ignoring case (the oldest of equals wins, as
   * findByName). A row with `merge` adds its metadata (an existing `source` kept) and its aliases (new spellings only,
   * at most 100) to an entity that exists. Rows must be distinct by type and lowercased name.
   */
  const ensureMany = SqlSchema.findAll({
    Request: Schema.String,
    Result: EnsuredRow,
    execute: (rows) => sql`
      with wanted as (
        select * from jsonb_to_recordset(${rows}::jsonb)
          as w(ord int, name text, type text, metadata jsonb, aliases text[], merge boolean)
      ),
      found as (
        select distinct on (w.ord) w.ord, e.id, e.name, e.metadata, e.aliases, w.merge,
               w.metadata as facts, w.aliases as extra
          from wanted w join entities e on e.type = w.type and lower(e.name) = lower(w.name)
         order by w.ord, e.created_at, e.id
      ),
      merged as (
        select f.ord, f.id, m.metadata, m.aliases, (m.metadata, m.aliases) is distinct from (f.metadata, f.aliases) as changed
          from found f
          cross join lateral (
            select jsonb_strip_nulls(jsonb_build_object('source', f.facts->'source')) || f.metadata || (f.facts - 'source') as metadata,
                   array(
                     select a from (
                       select distinct on (lower(a)) a, o from unnest(f.aliases || f.extra) with ordinality as u(a, o)
                        where lower(a) <> lower(f.name) order by lower(a), o
                     ) d order by o limit 100
                   ) as aliases
          ) m
         where f.merge
      ),
      updated as (
        update entities e set metadata = m.metadata, aliases = m.aliases, updated_at = now()
          from merged m where e.id = m.id and m.changed
        returning e.id
      ),
      made as (
        insert into entities (name, type, metadata, aliases)
        select w.name, w.type, w.metadata, w.aliases from wanted w
         where not exists (select 1 from found f where f.ord = w.ord)
         order by w.ord
        returning id, name, type
      )
      select f.ord, f.id, case when exists (select 1 from updated u where u.id = f.id) then 'updated' else 'found' end as change
        from found f
      union all
      select w.ord, m.id, 'created' from made m join wanted w on w.type = m.type and w.name = m.name`
  })
  const EnsuredEdgeRow = Schema.Struct({
    id: EdgeId,
    sourceId: EntityId,
    targetId: EntityId,
    change: Schema.Literal("created", "updated", "removed")
  })
  /**
   * Many edges in one statement: each made when no edge of its type joins its ends, its provenance refreshed when one
   * does that came from the same file. Edges whose provenance names `replacing.source` and one of `replacing.files`
   * and that are not among `edges` are removed: what a file, read again, no longer says.
   */
  const ensureEdgesMany = SqlSchema.findAll({
    Request: Schema.Struct({ edges: Schema.String, source: Schema.String, files: Schema.Array(Schema.String) }),
    Result: EnsuredEdgeRow,
    execute: ({ edges, files, source }) => sql`
      with wanted as (
        select * from jsonb_to_recordset(${edges}::jsonb)
          as w(source_id uuid, target_id uuid, type text, source_kind text, confidence real, provenance jsonb)
      ),
      removed as (
        delete from edges e
         where e.provenance ? 'file' and e.provenance->>'file' = any(${files}::text[])
           and e.provenance->>'source' = ${source}
           and not exists (
             select 1 from wanted w where w.source_id = e.source_id and w.target_id = e.target_id and w.type = e.type
           )
        returning e.id, e.source_id, e.target_id
      ),
      refreshed as (
        update edges e set provenance = w.provenance from wanted w
         where e.source_id = w.source_id and e.target_id = w.target_id and e.type = w.type
           and e.provenance->>'file' = w.provenance->>'file' and e.provenance <> w.provenance
        returning e.id, e.source_id, e.target_id
      ),
      made as (
        insert into edges (source_id, target_id, type, source_kind, confidence, provenance)
        select w.source_id, w.target_id, w.type, w.source_kind, w.confidence, w.provenance from wanted w
         where not exists (
           select 1 from edges e where e.source_id = w.source_id and e.target_id = w.target_id and e.type = w.type
         )
        returning id, source_id, target_id
      )
      select id, source_id, target_id, 'removed' as change from removed
      union all select id, source_id, target_id, 'updated' from refreshed
      union all select id, source_id, target_id, 'created' from made`
  })

  return {
    search: (query: typeof SearchRequest.Type) => rowsOrDie(search(query)),
    find: (id: EntityId) => rowsOrDie(find(id)),
    edgesOf: (id: EntityId) => rowsOrDie(edgesOf(id)),
    insert: (entity: {
      readonly name: string
      readonly type: EntityType
      readonly metadata: unknown
      readonly aliases: ReadonlyArray<string>
    }) => rowsOrDie(insert(entity)),
    update: (changes: typeof update extends (request: infer I) => unknown ? I : never) => rowsOrDie(update(changes)),
    lockCanonicalLinks: Effect.asVoid(lockCanonicalLinks),
    reaches: (from: EntityId, to: EntityId) => rowsOrDie(reaches({ from, to })).pipe(Effect.map((row) => row.reaches)),
    walk: (request: typeof WalkRequest.Type) => rowsOrDie(walk(request)),
    existing: (ids: ReadonlyArray<string>) =>
      rowsOrDie(existing(ids)).pipe(Effect.map((rows) => new Set(rows.map((row) => row.id.toLowerCase())))),
    insertEdge: (edge: typeof insertEdge extends (request: infer I) => unknown ? I : never) =>
      rowsOrDie(insertEdge(edge)),
    listEdges: rowsOrDie(listEdges(undefined)),
    portableEntities: (after: EntityId | null, limit: number, extractor: string) =>
      rowsOrDie(portableEntities({ after, limit, extractor })),
    portableEdges: (after: EdgeId | null, limit: number, extractor: string) =>
      rowsOrDie(portableEdges({ after, limit, extractor })),
    /** The oldest entity of this type and name (ignoring case), if any. */
    findByName: (name: string, type: EntityType) =>
      rowsOrDie(findByName({ name, type })).pipe(Effect.map((row) => Option.getOrUndefined(row)?.id)),
    /** Edges recorded with this connection in their provenance, then the entities of `source` left without edges. */
    removeHarvested: (connectionId: string, source: string) =>
      Effect.gen(function* () {
        const edges = yield* rowsOrDie(removeHarvestedEdges(connectionId))
        const entities = yield* rowsOrDie(removeOrphanEntities(source))
        return { edges: edges.length, entities: entities.length }
      }),
    updateEdge: (changes: typeof updateEdge extends (request: infer I) => unknown ? I : never) =>
      rowsOrDie(updateEdge(changes)),
    edgeCount: (id: EntityId) => rowsOrDie(edgeCount(id)).pipe(Effect.map((row) => Option.getOrUndefined(row)?.n ?? 0)),
    /** Deletes an entity with the edges touching it; answers their rows and the entities that were its aliases. */
    takeEntity: (id: EntityId) =>
      Effect.gen(function* () {
        const aliases = yield* rowsOrDie(aliasesOf(id))
        const edges = yield* rowsOrDie(takeEdgesOf(id))
        const entity = Option.getOrUndefined(yield* rowsOrDie(takeEntity(id)))
        return entity === undefined ? undefined : { entity, edges, aliases: aliases.map((alias) => alias.id) }
      }),
    /** Deletes one edge; answers its row and its ends. */
    takeEdge: (id: EdgeId) => rowsOrDie(takeEdge(id)).pipe(Effect.map(Option.getOrUndefined)),
    /** An entity as takeEntity answered it, under its id; a canonical entity that is gone meanwhile is left unlinked. */
    putEntity: (row: unknown) => rowsOrDie(putEntity(row)).pipe(Effect.map((inserted) => inserted.id)),
    putEdges: (rows: ReadonlyArray<unknown>) =>
      rows.length === 0
        ? Effect.void
        : Effect.asVoid(sql`
            insert into edges (id, source_id, target_id, type, source_kind, confidence, provenance, created_at)
            select id, source_id, target_id, type, source_kind, confidence, provenance, created_at
            from jsonb_populate_recordset(null::edges, ${JSON.stringify(rows)}::jsonb)`),
    /** Points the former aliases back at `id` where they are still unlinked and doing so makes no loop. */
    relinkAliases: (id: EntityId, aliases: ReadonlyArray<string>) =>
      aliases.length === 0
        ? Effect.void
        : Effect.asVoid(sql`
            with recursive chain (id, canonical_id) as (
              select id, canonical_id from entities where id = ${id}
              union
              select e.id, e.canonical_id from entities e join chain c on e.id = c.canonical_id
            )
            update entities set canonical_id = ${id}, updated_at = now()
            where id = any(${aliases}::uuid[]) and canonical_id is null and id not in (select id from chain)`),
    mergeCandidates: rowsOrDie(mergeCandidates(undefined)),
    lockPair: (canonicalId: string, aliasId: string) => rowsOrDie(lockPair({ canonicalId, aliasId })),
    /**
     * Makes `alias` an alias of `canonical`: `aliases` become the canonical's alias names, the alias and its own
     * aliases point at the canonical, and the alias's edges move to it (an edge between the two, now a loop, goes).
     */
    mergeAlias: (canonical: EntityId, alias: EntityId, aliases: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        yield* sql`update entities set aliases = ${aliases}, updated_at = now() where id = ${canonical}`
        yield* sql`update entities set canonical_id = ${canonical}, updated_at = now() where id = ${alias}`
        yield* sql`update entities set canonical_id = ${canonical} where canonical_id = ${alias}`
        yield* sql`update edges set source_id = ${canonical} where source_id = ${alias}`
        yield* sql`update edges set target_id = ${canonical} where target_id = ${alias}`
        // An edge between the two is now a loop on the canonical entity: it said nothing, drop it.
        yield* sql`delete from edges where source_id = ${canonical} and target_id = ${canonical}`
      }),
    /**
     * Serialises the callers of ensureMany in this workspace until the transaction ends, so two of them at once
     * (two imports, an import and a sync) cannot both create the same name.
     */
    lockEnsure: Effect.asVoid(
      sql`select pg_advisory_xact_lock(hashtextextended('carabase:ensure-entities:' || current_setting('app.workspace_id'), 0))`
    ),
    ensureMany: (
      rows: ReadonlyArray<{
        readonly name: string
        readonly type: EntityType
        readonly metadata: Record<string, unknown>
        readonly aliases: ReadonlyArray<string>
        readonly merge: boolean
      }>
    ) => rowsOrDie(ensureMany(JSON.stringify(rows.map((row, ord) => ({ ord, ...row }))))),
    ensureEdgesMany: (
      edges: ReadonlyArray<{
        readonly sourceId: EntityId
        readonly targetId: EntityId
        readonly type: string
        readonly sourceKind: string
        readonly confidence: number
        readonly provenance: Record<string, unknown>
      }>,
      replacing: { readonly source: string; readonly files: ReadonlyArray<string> }
    ) =>
      rowsOrDie(
        ensureEdgesMany({
          edges: JSON.stringify(
            edges.map((edge) => ({
              source_id: edge.sourceId,
              target_id: edge.targetId,
              type: edge.type,
              source_kind: edge.sourceKind,
              confidence: edge.confidence,
              provenance: edge.provenance
            }))
          ),
          source: replacing.source,
          files: replacing.files
        })
      ),
    findEdge: (sourceId: EntityId, targetId: EntityId, type: string) =>
      rowsOrDie(findEdge({ sourceId, targetId, type })).pipe(Effect.map((row) => Option.getOrUndefined(row)?.id))
  }
})

export type GraphRepo = Effect.Effect.Success<typeof make>
