// An entity's neighbourhood as a picture: the entities one hop away (GET /entities/:id/neighbourhood) laid out by a
// force simulation (d3-force), run to rest before it is drawn (no motion). Every entity is a link to its page and every
// line a button that lists the notes naming both ends (their mentions in the same note block). Nodes and lines are
// reachable with Tab and Enter; the same neighbourhood follows as a plain list for screen readers and small screens.
import { forceCenter, forceCollide, forceLink, forceManyBody, forceSimulation } from "d3-force"
import type { SimulationLinkDatum, SimulationNodeDatum } from "d3-force"
import { useMemo, useState } from "preact/hooks"
import { call } from "../api"
import { ErrorMessage, Loading, useLoad } from "./ui"
import { href } from "../router"
import type { EntityId, GraphWalk } from "../../graph/GraphApi"

const WIDTH = 640
const HEIGHT = 360
const TICKS = 300

interface Node extends SimulationNodeDatum {
  readonly id: string
  readonly name: string
  readonly type: string
  readonly start: boolean
}

/** One line per pair of entities, however many edges join them. */
interface Link extends SimulationLinkDatum<Node> {
  readonly key: string
  readonly a: string
  readonly b: string
  readonly types: ReadonlyArray<string>
  readonly strongest: number
}

/** Lays the walk out: deterministic (d3-force seeds its own random source), centred, nodes kept inside the frame. */
export const layout = (walk: GraphWalk) => {
  const nodes: Array<Node> = walk.nodes.map((node) => ({
    id: node.id,
    name: node.name,
    type: node.type,
    start: node.id === walk.start.id,
    ...(node.id === walk.start.id ? { fx: WIDTH / 2, fy: HEIGHT / 2 } : {})
  }))
  const known = new Set(nodes.map((node) => node.id))
  const pairs = new Map<string, { a: string; b: string; types: Set<string>; strongest: number }>()
  for (const edge of walk.edges) {
    if (!known.has(edge.sourceId) || !known.has(edge.targetId) || edge.sourceId === edge.targetId) continue
    const [a, b]: [string, string] =
      edge.sourceId < edge.targetId ? [edge.sourceId, edge.targetId] : [edge.targetId, edge.sourceId]
    const pair = pairs.get(`${a}|${b}`) ?? { a, b, types: new Set<string>(), strongest: 0 }
    pair.types.add(edge.type)
    pair.strongest = Math.max(pair.strongest, edge.confidence)
    pairs.set(`${a}|${b}`, pair)
  }
  const links: Array<Link> = [...pairs.entries()].map(([key, pair]) => ({
    key,
    a: pair.a,
    b: pair.b,
    source: pair.a,
    target: pair.b,
    types: [...pair.types].sort(),
    strongest: pair.strongest
  }))
  forceSimulation(nodes)
    .force(
      "link",
      forceLink<Node, Link>(links)
        .id((node) => node.id)
        .distance(110)
    )
    .force("charge", forceManyBody().strength(-320))
    .force("collide", forceCollide(36))
    .force("center", forceCenter(WIDTH / 2, HEIGHT / 2))
    .stop()
    .tick(TICKS)
  for (const node of nodes) {
    node.x = Math.min(WIDTH - 60, Math.max(60, node.x ?? WIDTH / 2))
    node.y = Math.min(HEIGHT - 24, Math.max(24, node.y ?? HEIGHT / 2))
  }
  return { nodes, links }
}

/** The notes where both ends of a line are named in one block. */
const SharedMentions = ({ link, names }: { link: Link; names: ReadonlyMap<string, string> }) => {
  const both = useLoad(
    () =>
      Promise.all(
        [link.a, link.b].map((id) =>
          call((api) => api.graph.entityMentions({ path: { id: id as EntityId } })).then(({ mentions }) => mentions)
        )
      ),
    [link.key]
  )
  const places = useMemo(() => {
    if (both.data === undefined) return []
    const [left, right] = both.data as [(typeof both.data)[0], (typeof both.data)[0]]
    const there = new Set(right.filter((m) => m.noteDate !== null).map((m) => `${m.noteDate}#${m.blockIndex}`))
    const seen = new Set<string>()
    return left.flatMap((m) => {
      const key = `${m.noteDate}#${m.blockIndex}`
      if (m.noteDate === null || !there.has(key) || seen.has(key)) return []
      seen.add(key)
      return [{ key, date: m.noteDate, block: m.blockIndex }]
    })
  }, [both.data])
  const label = `${names.get(link.a)} and ${names.get(link.b)}`
  return (
    <section class="card" aria-label={`Notes naming ${label}`}>
      <h3>
        {label}: {link.types.join(", ")}
      </h3>
      <Loading when={both.loading && both.data === undefined} />
      <ErrorMessage message={both.error} />
      {both.data !== undefined && places.length === 0 ? (
        <p class="muted">No note names both (the link was made by hand or by a sync).</p>
      ) : null}
      <ul class="list" aria-label={`notes naming ${label}`}>
        {places.map((place) => (
          <li key={place.key}>
            <a href={href(`today/${place.date}`)}>{place.date}</a> <small class="muted">entry {place.block}</small>
          </li>
        ))}
      </ul>
    </section>
  )
}

export const Neighbourhood = ({ id, generation }: { id: EntityId; generation: number }) => {
  const walk = useLoad(
    () => call((api) => api.graph.entityNeighbourhood({ path: { id }, urlParams: { depth: 1 } })),
    [id, generation]
  )
  const [chosen, setChosen] = useState<string>()
  const drawn = useMemo(() => (walk.data === undefined ? undefined : layout(walk.data)), [walk.data])
  if (walk.data === undefined || drawn === undefined) {
    return (
      <>
        <Loading when={walk.loading} />
        <ErrorMessage message={walk.error} />
      </>
    )
  }
  const names = new Map(drawn.nodes.map((node) => [node.id, node.name]))
  const at = (end: Link["source"]) => end as Node
  const link = drawn.links.find((each) => each.key === chosen)
  if (drawn.nodes.length <= 1) return <p class="muted">Nothing is linked to {walk.data.start.name} yet.</p>
  return (
    <div class="neighbourhood">
      <svg
        class="graph-picture"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="group"
        aria-label={`Neighbourhood of ${walk.data.start.name}: ${drawn.nodes.length - 1} linked entities`}
      >
        {drawn.links.map((each) => {
          const label = `${names.get(each.a)} and ${names.get(each.b)}: ${each.types.join(", ")}`
          return (
            <g
              key={each.key}
              class={`graph-link${each.key === chosen ? " chosen" : ""}`}
              role="button"
              // Lowercase: on an SVG element the attribute name is case-sensitive.
              tabindex={0}
              aria-label={`Notes naming ${label}`}
              aria-pressed={each.key === chosen}
              onClick={() => setChosen(each.key)}
              onKeyDown={(event) => {
                if (event.key === "Enter" || event.key === " ") {
                  event.preventDefault()
                  setChosen(each.key)
                }
              }}
            >
              <title>{label}</title>
              <line x1={at(each.source).x} y1={at(each.source).y} x2={at(each.target).x} y2={at(each.target).y} />
              <line
                class="hit"
                x1={at(each.source).x}
                y1={at(each.source).y}
                x2={at(each.target).x}
                y2={at(each.target).y}
              />
            </g>
          )
        })}
        {drawn.nodes.map((node) => (
          <a
            key={node.id}
            href={href(`graph/${node.id}`)}
            class={`graph-node type-${node.type}${node.start ? " start" : ""}`}
            aria-label={`${node.name} (${node.type})`}
          >
            <circle cx={node.x} cy={node.y} r={node.start ? 14 : 10} />
            <text x={node.x} y={(node.y ?? 0) + (node.start ? 30 : 24)} text-anchor="middle">
              {node.name}
            </text>
          </a>
        ))}
      </svg>
      {link === undefined ? null : <SharedMentions link={link} names={names} />}
      <h3>Linked entities</h3>
      <ul class="list" aria-label="neighbourhood">
        {drawn.links.map((each) => {
          // One hop: every line has the start at one end.
          const other = each.a === walk.data!.start.id ? each.b : each.a
          return (
            <li key={each.key}>
              <a href={href(`graph/${other}`)}>{names.get(other)}</a>{" "}
              <small class="muted">{each.types.join(", ")}</small>{" "}
              <button type="button" class="secondary small" onClick={() => setChosen(each.key)}>
                Notes naming both
              </button>
            </li>
          )
        })}
      </ul>
    </div>
  )
}
