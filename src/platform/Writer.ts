// Who is writing: the route, MCP tool, job, channel or agent on whose behalf a write happens, recorded with the note
// versions it makes. A reference with a default, so a write path needs no parameter for it: the faces that start work
// (HTTP handlers, the MCP session, the job runner, the reply worker, agent tasks) say who they are with `Writer.as`.
// Declaration only, importing only effect: the API declarations use its schema.
import { Context, Effect, Schema } from "effect"

export const WriterKind = Schema.Literal("route", "mcp", "job", "channel", "agent")
export type WriterKind = typeof WriterKind.Type

export const WriterInfo = Schema.Struct({ kind: WriterKind, name: Schema.String })
export type WriterInfo = typeof WriterInfo.Type

export class Writer extends Context.Reference<Writer>()("carabase/Writer", {
  defaultValue: (): WriterInfo => ({ kind: "route", name: "unknown" })
}) {
  /** Runs `effect` as this writer. */
  static as =
    (kind: WriterKind, name: string) =>
    <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.provideService(effect, Writer, { kind, name })
}
