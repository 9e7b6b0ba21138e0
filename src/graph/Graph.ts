// The graph service (placeholder until implemented).
import { Context, Layer } from "effect"

export interface GraphShape {}

export class Graph extends Context.Tag("carabase/Graph")<Graph, GraphShape>() {}

export const layer = Layer.succeed(Graph, {})
