// The Graph service's walk in process, on a real database as carabase_app inside RlsScope: a graph with a cycle, a
// self-loop and a real-valued confidence at the threshold, walked to each depth and through each filter, against
// hand-built answers, in one statement sent to the database.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, ManagedRuntime } from "effect"
import pg from "pg"
import * as Graph from "../../src/graph/Graph"
import type { Edge, EntityId, NewEdge } from "../../src/graph/GraphApi"
import * as LiveUpdates from "../../src/live/LiveUpdates"
import { CurrentWorkspace, type WorkspaceId } from "../../src/platform/CurrentWorkspace"
import { appLayerFor } from "../../src/platform/Db"
import * as RlsScope from "../../src/platform/RlsScope"
import * as TrashRepo from "../../src/trash/TrashRepo"
import { connect, createDatabase, type TestDatabase } from "../support/database"

let db: TestDatabase
let runtime: ManagedRuntime.ManagedRuntime<Graph.Graph, unknown>
const A = "4c1e2f60-7b1d-4d5e-9a0b-2c3d4e5f0001" as WorkspaceId
const B = "4c1e2f60-7b1d-4d5e-9a0b-2c3d4e5f0002" as WorkspaceId

const inWorkspace = <X, E>(
  workspace: WorkspaceId,
  use: (graph: Graph.GraphShape) => Effect.Effect<X, E, CurrentWorkspace>
) => runtime.runPromise(Effect.flatMap(Graph.Graph, use).pipe(Effect.provideService(CurrentWorkspace, workspace)))

const names = ["Ada", "Babbage", "Curie", "Darwin", "Euler", "Faraday"] as const
type Name = (typeof names)[number]
const id: Record<string, EntityId> = {}
const edge: Record<string, Edge> = {}

beforeAll(async () => {
  db = await createDatabase("walk")
  const owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
  await owner.end()
  runtime = ManagedRuntime.make(
    Graph.layer.pipe(
      Layer.provide(TrashRepo.layer),
      Layer.provide(Layer.mergeAll(RlsScope.layer, LiveUpdates.layer)),
      Layer.provide(appLayerFor(db.appUrl).pipe(Layer.orDie))
    )
  )
  for (const name of names) {
    id[name] = (await inWorkspace(A, (graph) => graph.createEntity({ name, type: "person" }))).id
  }
  const link = async (label: string, from: Name, to: Name, rest: Omit<NewEdge, "sourceId" | "targetId">) => {
    edge[label] = await inWorkspace(A, (graph) => graph.createEdge({ sourceId: id[from]!, targetId: id[to]!, ...rest }))
  }
  // Created in this order, which is the order an entity's edges are followed in.
  await link("e1", "Ada", "Babbage", { type: "worked_with" })
  await link("e2", "Babbage", "Curie", { type: "knows", sourceKind: "inferred", confidence: 0.95 })
  await link("e3", "Curie", "Ada", { type: "cites", confidence: 0.8 })
  await link("e4", "Darwin", "Ada", { type: "mentions", sourceKind: "ambiguous", confidence: 0.5 })
  await link("e5", "Curie", "Darwin", { type: "links" })
  await link("e6", "Babbage", "Euler", { type: "hires", sourceKind: "inferred", confidence: 0.3 })
  await link("e7", "Euler", "Faraday", { type: "taught" })
  await link("e8", "Ada", "Ada", { type: "notes_to_self" })
})
afterAll(async () => {
  await runtime?.dispose()
  await db?.drop()
})

const walk = (depth: number, minConfidence = 0, sourceKinds?: ReadonlyArray<"extracted" | "inferred" | "ambiguous">) =>
  inWorkspace(A, (graph) => graph.walk(id.Ada!, { depth, minConfidence, sourceKinds }))

/** The walk's answer, written out by hand: entities with their depth in the order reached, edges in order followed. */
const expected = (nodes: ReadonlyArray<[Name, number]>, edges: ReadonlyArray<string>) => ({
  start: { id: id.Ada, name: "Ada", type: "person" },
  nodes: nodes.map(([name, depth]) => ({ id: id[name], name, type: "person", depth })),
  edges: edges.map((label) => {
    const { confidence, id, sourceId, sourceKind, targetId, type } = edge[label]!
    return { id, sourceId, targetId, type, sourceKind, confidence }
  })
})

describe("Graph.walk", () => {
  it("reaches each entity once, at its least depth, around the cycle and the self-loop", async () => {
    expect(await walk(0)).toEqual(expected([["Ada", 0]], []))
    expect(await walk(1)).toEqual(
      expected(
        [
          ["Ada", 0],
          ["Babbage", 1],
          ["Curie", 1],
          ["Darwin", 1]
        ],
        ["e1", "e3", "e4", "e8"]
      )
    )
    expect(await walk(2)).toEqual(
      expected(
        [
          ["Ada", 0],
          ["Babbage", 1],
          ["Curie", 1],
          ["Darwin", 1],
          ["Euler", 2]
        ],
        ["e1", "e3", "e4", "e8", "e2", "e6", "e5"]
      )
    )
    expect(await walk(3)).toEqual(
      expected(
        [
          ["Ada", 0],
          ["Babbage", 1],
          ["Curie", 1],
          ["Darwin", 1],
          ["Euler", 2],
          ["Faraday", 3]
        ],
        ["e1", "e3", "e4", "e8", "e2", "e6", "e5", "e7"]
      )
    )
  })

  it("follows only edges at least as sure as asked (0.95 stored as a real still counts as 0.95) and of the kinds named", async () => {
    expect(await walk(3, 0.95)).toEqual(
      expected(
        [
          ["Ada", 0],
          ["Babbage", 1],
          ["Curie", 2],
          ["Darwin", 3]
        ],
        ["e1", "e8", "e2", "e5"]
      )
    )
    expect(await walk(3, 0.96)).toEqual(
      expected(
        [
          ["Ada", 0],
          ["Babbage", 1]
        ],
        ["e1", "e8"]
      )
    )
    expect(await walk(3, 0, ["extracted"])).toEqual(
      expected(
        [
          ["Ada", 0],
          ["Babbage", 1],
          ["Curie", 1],
          ["Darwin", 2]
        ],
        ["e1", "e3", "e8", "e5"]
      )
    )
    expect(await walk(3, 0, [])).toEqual(expected([["Ada", 0]], []))
  })

  it("sends the whole walk to the database as one statement", async () => {
    await walk(3)
    const sent: Array<string> = []
    const query = pg.Client.prototype.query
    pg.Client.prototype.query = function (this: pg.Client, ...args: Array<any>) {
      sent.push(typeof args[0] === "string" ? args[0] : String(args[0]?.text))
      return (query as (...args: Array<any>) => any).apply(this, args)
    } as typeof query
    try {
      await walk(3)
    } finally {
      pg.Client.prototype.query = query
    }
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatch(/^\s*with recursive levels/)
  })

  it("walks only the current workspace's graph", async () => {
    await expect(inWorkspace(B, (graph) => graph.walk(id.Ada!, { depth: 2, minConfidence: 0 }))).rejects.toThrow(
      `entity ${id.Ada} does not exist in this workspace`
    )
  })
})
