// In-process fan-out of change notices (notes, tasks, folios, chat sessions, the workspace itself...) to the
// workspace's open SSE streams, so clients refresh. Notices carry ids and dates, never content: a client re-reads
// through the API.
import { Context, Effect, Layer, PubSub, Queue, Schema, Scope } from "effect"
import { afterCommit } from "../platform/RlsScope"
import { CurrentWorkspace, type WorkspaceId } from "../platform/CurrentWorkspace"

export const ChangeNotice = Schema.Struct({
  type: Schema.Literal("note", "task", "folio", "memory", "entity", "artifact", "chat", "workspace", "import"),
  action: Schema.Literal("created", "updated", "deleted"),
  id: Schema.optional(Schema.String),
  date: Schema.optional(Schema.String)
})
export type ChangeNotice = typeof ChangeNotice.Type

interface Envelope {
  readonly workspaceId: WorkspaceId
  readonly notice: ChangeNotice
}

export interface LiveUpdatesShape {
  /**
   * Announces a change in the current workspace. Never fails; nobody listening is fine. Inside a workspace
   * transaction the notice goes out once it commits, and not at all when it rolls back.
   */
  readonly publish: (notice: ChangeNotice) => Effect.Effect<void, never, CurrentWorkspace>
  /** A queue of the workspace's notices for as long as the scope lives. */
  readonly subscribe: (workspaceId: WorkspaceId) => Effect.Effect<Queue.Dequeue<ChangeNotice>, never, Scope.Scope>
}

export class LiveUpdates extends Context.Tag("carabase/LiveUpdates")<LiveUpdates, LiveUpdatesShape>() {}

export const layer = Layer.scoped(
  LiveUpdates,
  Effect.gen(function* () {
    // Sliding: a slow client drops its oldest notices instead of holding back everyone else.
    const hub = yield* Effect.acquireRelease(PubSub.sliding<Envelope>(1024), PubSub.shutdown)
    return {
      publish: (notice) =>
        Effect.flatMap(CurrentWorkspace, (workspaceId) =>
          afterCommit(Effect.asVoid(PubSub.publish(hub, { workspaceId, notice })))
        ),
      subscribe: (workspaceId) =>
        Effect.gen(function* () {
          const all = yield* PubSub.subscribe(hub)
          const mine = yield* Effect.acquireRelease(Queue.sliding<ChangeNotice>(256), Queue.shutdown)
          yield* Queue.take(all).pipe(
            Effect.flatMap((envelope) =>
              envelope.workspaceId === workspaceId ? Queue.offer(mine, envelope.notice) : Effect.void
            ),
            Effect.forever,
            Effect.forkScoped
          )
          return mine
        })
    } satisfies LiveUpdatesShape
  })
)
