// Handlers of the graph group: translate between the wire shapes and the Graph service.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { Extraction } from "./Extraction"
import { Graph } from "./Graph"

/** Mentions an entity's page lists, newest first. */
const MENTIONS_SHOWN = 200

export const GraphHttpLive = HttpApiBuilder.group(CarabaseApi, "graph", (handlers) =>
  Effect.map(Effect.all([Graph, Extraction]), ([graph, extraction]) =>
    handlers
      .handle("listEntities", ({ urlParams }) =>
        Effect.map(graph.listEntities(urlParams), (entities) => ({ entities }))
      )
      .handle("getEntity", ({ path }) => Effect.map(graph.getEntity(path.id), (entity) => ({ entity })))
      .handle("createEntity", ({ payload }) => Effect.map(graph.createEntity(payload), (entity) => ({ entity })))
      .handle("updateEntity", ({ path, payload }) =>
        Effect.map(graph.updateEntity(path.id, payload), (entity) => ({ entity }))
      )
      .handle("createEdge", ({ payload }) => Effect.map(graph.createEdge(payload), (edge) => ({ edge })))
      .handle("listEdges", () => Effect.map(graph.listEdges, (edges) => ({ edges })))
      .handle("deleteEntity", ({ path, urlParams }) =>
        Effect.map(
          graph.deleteEntity(path.id, {
            cascade: urlParams.cascade !== undefined && urlParams.cascade !== "false",
            deletedBy: "DELETE /api/v1/entities/:id"
          }),
          (trashId) => ({ trashId })
        )
      )
      .handle("updateEdge", ({ path, payload }) => Effect.map(graph.updateEdge(path.id, payload), (edge) => ({ edge })))
      .handle("deleteEdge", ({ path }) =>
        Effect.map(graph.deleteEdge(path.id, "DELETE /api/v1/edges/:id"), (trashId) => ({ trashId }))
      )
      .handle("entityNeighbourhood", ({ path, urlParams }) =>
        graph.walk(path.id, { depth: urlParams.depth ?? 1, minConfidence: 0 })
      )
      .handle("entityMentions", ({ path }) =>
        Effect.zipRight(
          graph.getEntity(path.id),
          Effect.map(extraction.mentionsOf(path.id, MENTIONS_SHOWN), (mentions) => ({ mentions }))
        )
      )
      .handle("extractionRuns", () => Effect.map(extraction.runs(20), (runs) => ({ runs })))
      .handle("rerunExtraction", () => Effect.map(extraction.requeueAll, (queued) => ({ queued })))
  )
)
