// The knowledge graph: entities (search, filter by type, create) and an entity's page: edit or delete it (with its
// edges), its edges (edit relation and confidence, delete; deletes go to the trash with an undo toast) and a form for a
// new edge.
import { useEffect, useState } from "preact/hooks"
import { call, validate } from "../api"
import { Neighbourhood } from "../components/Neighbourhood"
import { offerUndo } from "../components/Undo"
import { ErrorMessage, Field, Form, Loading, Page, Select, errorText, splitList, useLoad } from "../components/ui"
import { href, navigate } from "../router"
import {
  EdgeChanges,
  EntityChanges,
  EntityType,
  NewEdge,
  NewEntity,
  type EntityDetail as Detail,
  type EntityEdge,
  type EntityId
} from "../../graph/GraphApi"

const TYPES = EntityType.literals
const ANY = "any"
const ENTITY_PAGE = 50
const ENTITY_MAX = 500

const EntityList = () => {
  const [search, setSearch] = useState("")
  const [type, setType] = useState<EntityType | typeof ANY>(ANY)
  const [query, setQuery] = useState({ search: "", type: ANY as EntityType | typeof ANY })
  // Pages of ENTITY_PAGE: "Show more entities" asks for the next page too (the route answers up to 500 at once).
  const [limit, setLimit] = useState(ENTITY_PAGE)
  const [name, setName] = useState("")
  const [newType, setNewType] = useState<EntityType>("person")
  const [aliases, setAliases] = useState("")
  const entities = useLoad(
    () =>
      call((api) =>
        api.graph.listEntities({
          urlParams: {
            ...(query.search === "" ? {} : { search: query.search }),
            ...(query.type === ANY ? {} : { type: query.type }),
            limit
          }
        })
      ),
    [query, limit]
  )
  const shown = entities.data?.entities.length ?? 0
  return (
    <Page title="Graph">
      <form
        class="card"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          setQuery({ search: search.trim(), type })
          setLimit(ENTITY_PAGE)
        }}
      >
        <div class="row">
          <Field label="Name contains" type="search" value={search} onValue={setSearch} />
          <Select label="Type" value={type} options={[ANY, ...TYPES]} onValue={setType} />
        </div>
        <button type="submit">Find entities</button>
      </form>
      <Loading when={entities.loading && entities.data === undefined} />
      <ErrorMessage message={entities.error} />
      <ul class="list" aria-label="entities">
        {entities.data?.entities.map((entity) => (
          <li key={entity.id}>
            <a href={href(`graph/${entity.id}`)}>{entity.name}</a> <span class="chip">{entity.type}</span>
            {entity.aliases.length === 0 ? null : <small class="muted">aka {entity.aliases.join(", ")}</small>}
          </li>
        ))}
      </ul>
      {shown < limit ? null : limit >= ENTITY_MAX ? (
        <p class="muted">The first {ENTITY_MAX} are shown: narrow them with a name or a type.</p>
      ) : (
        <button type="button" class="secondary" onClick={() => setLimit(Math.min(ENTITY_MAX, limit + ENTITY_PAGE))}>
          Show more entities
        </button>
      )}
      <Form
        label="Create an entity"
        submitLabel="Create entity"
        submit={async () => {
          const input = validate(NewEntity, {
            name,
            type: newType,
            ...(aliases.trim() === "" ? {} : { aliases: splitList(aliases) })
          })
          if (!input.ok) return input.message
          await call((api) => api.graph.createEntity({ payload: input.value }))
          setName("")
          setAliases("")
          entities.reload()
        }}
      >
        <div class="row">
          <Field label="Entity name" value={name} onValue={setName} />
          <Select label="Entity type" value={newType} options={TYPES} onValue={setNewType} />
        </div>
        <Field label="Aliases (comma-separated)" value={aliases} onValue={setAliases} />
      </Form>
    </Page>
  )
}

const EdgeItem = ({ edge, onChanged }: { edge: EntityEdge; onChanged: () => void }) => {
  const [editing, setEditing] = useState(false)
  const [type, setType] = useState(edge.type)
  const [confidence, setConfidence] = useState(String(edge.confidence))
  const [error, setError] = useState<string>()
  const name = `${edge.type} ${edge.direction === "outgoing" ? "to" : "from"} ${edge.targetName}`

  const remove = async () => {
    setError(undefined)
    try {
      const { trashId } = await call((api) => api.graph.deleteEdge({ path: { id: edge.id } }))
      offerUndo(`Edge deleted: ${name}`, trashId, onChanged)
      onChanged()
    } catch (failure) {
      setError(errorText(failure))
    }
  }

  return (
    <li>
      {edge.direction === "outgoing" ? "→" : "←"} <strong>{edge.type}</strong>{" "}
      <a href={href(`graph/${edge.direction === "outgoing" ? edge.targetId : edge.sourceId}`)}>{edge.targetName}</a>{" "}
      <small class="muted">
        {edge.sourceKind}, confidence {edge.confidence}
      </small>
      {editing ? (
        <Form
          label={`Edit edge: ${name}`}
          submitLabel="Save edge"
          submit={async () => {
            const input = validate(EdgeChanges, { type, confidence: Number(confidence) })
            if (!input.ok) return input.message
            await call((api) => api.graph.updateEdge({ path: { id: edge.id }, payload: input.value }))
            setEditing(false)
            onChanged()
          }}
        >
          <div class="row">
            <Field label="Relation" value={type} onValue={setType} />
            <Field label="Confidence (0 to 1)" value={confidence} onValue={setConfidence} />
          </div>
          <button type="button" class="secondary" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </Form>
      ) : (
        <span class="item-actions">
          <button
            type="button"
            class="secondary small"
            aria-label={`Edit edge: ${name}`}
            onClick={() => setEditing(true)}
          >
            Edit
          </button>
          <button
            type="button"
            class="secondary small"
            aria-label={`Delete edge: ${name}`}
            onClick={() => void remove()}
          >
            Delete
          </button>
        </span>
      )}
      <ErrorMessage message={error} />
    </li>
  )
}

/** Rename, retype or re-alias an entity; delete it, with its edges when it has any (all to one trash entry). */
const EntityEdit = ({ detail, onChanged }: { detail: Detail; onChanged: () => void }) => {
  const [name, setName] = useState(detail.name)
  const [type, setType] = useState<EntityType>(detail.type)
  const [aliases, setAliases] = useState(detail.aliases.join(", "))
  const [error, setError] = useState<string>()
  useEffect(() => {
    setName(detail.name)
    setType(detail.type)
    setAliases(detail.aliases.join(", "))
  }, [detail])
  const edges = detail.edges.length

  const remove = async () => {
    setError(undefined)
    try {
      const { trashId } = await call((api) =>
        api.graph.deleteEntity({ path: { id: detail.id }, urlParams: edges === 0 ? {} : { cascade: "true" } })
      )
      offerUndo(`Entity deleted: ${detail.name}`, trashId, () => navigate(`graph/${detail.id}`))
      navigate("graph")
    } catch (failure) {
      setError(errorText(failure))
    }
  }

  return (
    <>
      <Form
        label="Edit the entity"
        submitLabel="Save entity"
        submit={async () => {
          const input = validate(EntityChanges, { name, type, aliases: splitList(aliases) })
          if (!input.ok) return input.message
          await call((api) => api.graph.updateEntity({ path: { id: detail.id }, payload: input.value }))
          onChanged()
        }}
      >
        <div class="row">
          <Field label="Name" value={name} onValue={setName} />
          <Select label="Type" value={type} options={TYPES} onValue={setType} />
        </div>
        <Field label="Aliases" value={aliases} onValue={setAliases} />
      </Form>
      <p>
        <button type="button" class="danger" onClick={() => void remove()}>
          {edges === 0 ? "Delete entity" : `Delete entity and its ${edges} edge${edges === 1 ? "" : "s"}`}
        </button>
      </p>
      <ErrorMessage message={error} />
    </>
  )
}

/** Where entity extraction read the entity: each note block (linked to its day) or other source, newest first. */
const Mentions = ({ id, generation }: { id: EntityId; generation: number }) => {
  const mentions = useLoad(() => call((api) => api.graph.entityMentions({ path: { id } })), [id, generation])
  return (
    <>
      <Loading when={mentions.loading && mentions.data === undefined} />
      <ErrorMessage message={mentions.error} />
      {mentions.data?.mentions.length === 0 ? <p class="muted">No note mentions it yet.</p> : null}
      <ul class="list" aria-label="mentions">
        {mentions.data?.mentions.map((mention) => (
          <li key={mention.id}>
            {mention.noteDate === null ? (
              <span>
                {mention.sourceKind.replace("_", " ")} <small class="muted">part {mention.chunkOrdinal}</small>
              </span>
            ) : (
              <>
                <a href={href(`today/${mention.noteDate}`)}>{mention.noteDate}</a>{" "}
                <small class="muted">entry {mention.blockIndex}</small>
              </>
            )}{" "}
            “{mention.surface}” <span class="chip">{mention.tier === "model" ? "model" : mention.how}</span>
          </li>
        ))}
      </ul>
    </>
  )
}

const EntityDetail = ({ id }: { id: EntityId }) => {
  const entity = useLoad(() => call((api) => api.graph.getEntity({ path: { id } })), [id])
  const others = useLoad(() => call((api) => api.graph.listEntities({ urlParams: {} })), [])
  const [target, setTarget] = useState("")
  const [type, setType] = useState("")
  const detail = entity.data?.entity
  // The picture and the mentions are read again with the entity, after an edit here.
  const [generation, setGeneration] = useState(0)
  const reload = () => {
    entity.reload()
    setGeneration((n) => n + 1)
  }
  const candidates = (others.data?.entities ?? []).filter((e) => e.id !== id)
  return (
    <Page title={detail?.name ?? "Entity"}>
      <p>
        <a href={href("graph")}>All entities</a>
      </p>
      <Loading when={entity.loading && detail === undefined} />
      <ErrorMessage message={entity.error} />
      {detail === undefined ? null : (
        <>
          <p>
            <span class="chip">{detail.type}</span>
            {detail.aliases.length === 0 ? null : <span class="muted"> aka {detail.aliases.join(", ")}</span>}
          </p>
          <h2>Neighbourhood</h2>
          <Neighbourhood id={id} generation={generation} />
          <h2>Mentioned in</h2>
          <Mentions id={id} generation={generation} />
          <EntityEdit detail={detail} onChanged={reload} />
          <h2>Edges</h2>
          {detail.edges.length === 0 ? <p class="muted">No edges yet.</p> : null}
          <ul class="list" aria-label="edges">
            {detail.edges.map((edge) => (
              <EdgeItem key={edge.id} edge={edge} onChanged={reload} />
            ))}
          </ul>
          <Form
            label="Add an edge"
            submitLabel="Add edge"
            submit={async () => {
              const input = validate(NewEdge, { sourceId: id, targetId: target, type })
              if (!input.ok) return target === "" ? "pick the entity the edge points to" : input.message
              await call((api) => api.graph.createEdge({ payload: input.value }))
              setType("")
              reload()
            }}
          >
            <div class="field">
              <label for="edge-target">Points to</label>
              <select id="edge-target" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
                <option value="">Choose an entity</option>
                {candidates.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name} ({e.type})
                  </option>
                ))}
              </select>
            </div>
            <Field label="Relation (e.g. works_on)" value={type} onValue={setType} />
          </Form>
        </>
      )}
    </Page>
  )
}

export const GraphPage = ({ entityId }: { entityId: string | undefined }) =>
  // The id from the address bar as typed: the API client refuses one that is not a UUID, as the server would.
  entityId === undefined ? <EntityList /> : <EntityDetail id={entityId as EntityId} />
