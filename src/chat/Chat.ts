// Chat turns through the `chat` model route, else the agent gateway (ModelCalls). The user message is stored before the gateway is called; the gateway's deltas
// are relayed as they arrive; the assistant message is stored complete at the end, or interrupted (with what arrived)
// when the stream breaks or the client goes away, which also cancels the upstream request. OpenClaw keeps the
// conversation's context itself (x-openclaw-session-key = carabase:<workspace>:<session>); a stateless provider named
// by the chat route gets the session's recent history instead. Deleting a session moves it, messages and all, to the
// trash.
import { Context, DateTime, Effect, Exit, Layer, Option, Scope, Stream } from "effect"
import { agentIdOfModel, Gateway, sessionKey } from "../gateway/Gateway"
import type { GatewayError, GatewayUnconfigured } from "../gateway/GatewayErrors"
import type { ChatMessage as GatewayMessage } from "../gateway/OpenAiClient"
import { LiveUpdates, layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { ModelCalls, layer as modelCallsLayer } from "../models/ModelCalls"
import type { ModelRouteUnusable } from "../models/ModelRoutesApi"
import { RlsScope } from "../platform/RlsScope"
import { CurrentWorkspace } from "../platform/CurrentWorkspace"
import type { TrashId } from "../trash/TrashApi"
import { restoreConflicts, TrashRepo, layer as trashRepoLayer, type RestoreConflict } from "../trash/TrashRepo"
import {
  ChatMessage,
  ChatSession,
  ChatSessionNotFound,
  type ChatSessionId,
  ChatSessionSummary,
  type ChatStreamRequest
} from "./ChatApi"
import * as Repo from "./ChatRepo"

const HISTORY_LIMIT = 40

export interface TurnIds {
  readonly sessionId: ChatSessionId
  readonly userMessageId: string
}

export type ChatEvent =
  | ({ readonly _tag: "start" } & TurnIds)
  | { readonly _tag: "delta"; readonly content: string }
  | ({ readonly _tag: "done"; readonly assistantMessageId: string } & TurnIds)
  | ({
      readonly _tag: "error"
      readonly error: { readonly _tag: string; readonly message: string }
      readonly assistantMessageId: string
    } & TurnIds)

export type ChatStartError = ChatSessionNotFound | ModelRouteUnusable | GatewayUnconfigured | GatewayError

export interface ChatShape {
  /** Stores the user message and opens the gateway stream; fails before any event if the gateway refuses. */
  readonly start: (
    request: ChatStreamRequest
  ) => Effect.Effect<Stream.Stream<ChatEvent>, ChatStartError, CurrentWorkspace>
  readonly sessions: Effect.Effect<ReadonlyArray<ChatSessionSummary>, never, CurrentWorkspace>
  readonly session: (id: ChatSessionId) => Effect.Effect<ChatSession, ChatSessionNotFound, CurrentWorkspace>
  /**
   * The ids of up to `limit` sessions after the one `after` (from the first when null), by id: every session a page at
   * a time (`sessions` shows the latest 500).
   */
  readonly sessionIdsAfter: (
    after: ChatSessionId | null,
    limit: number
  ) => Effect.Effect<ReadonlyArray<ChatSessionId>, never, CurrentWorkspace>
  /** Moves the session and its messages to the trash; answers the trash entry's id. */
  readonly removeSession: (
    id: ChatSessionId,
    deletedBy: string
  ) => Effect.Effect<TrashId, ChatSessionNotFound, CurrentWorkspace>
  /** Puts back what removeSession put in the trash, under the same ids. */
  readonly restoreSession: (data: Record<string, unknown>) => Effect.Effect<string, RestoreConflict, CurrentWorkspace>
  readonly rename: (
    id: ChatSessionId,
    title: string
  ) => Effect.Effect<ChatSessionSummary, ChatSessionNotFound, CurrentWorkspace>
}

export class Chat extends Context.Tag("carabase/Chat")<Chat, ChatShape>() {}

export const titleOf = (message: string) => {
  const line = message.replace(/\s+/g, " ").trim()
  return line.length <= 80 ? line : `${line.slice(0, 79)}…`
}

const toMessage = (row: Repo.MessageRow) =>
  new ChatMessage({
    id: row.id,
    role: row.role,
    content: row.content,
    status: row.status,
    createdAt: DateTime.unsafeFromDate(row.createdAt)
  })

const sessionFields = (row: Repo.SessionRow) => ({
  id: row.id,
  title: row.title,
  agentId: row.agentId,
  createdAt: DateTime.unsafeFromDate(row.createdAt),
  updatedAt: DateTime.unsafeFromDate(row.updatedAt)
})

export const layer = Layer.effect(
  Chat,
  Effect.gen(function* () {
    const repo = yield* Repo.make
    const rls = yield* RlsScope
    const gateway = yield* Gateway
    const calls = yield* ModelCalls
    const trash = yield* TrashRepo
    const live = yield* LiveUpdates

    const findSession = (id: ChatSessionId) =>
      repo
        .findSession(id)
        .pipe(
          Effect.flatMap(
            Option.match({ onNone: () => Effect.fail(ChatSessionNotFound.of(id)), onSome: Effect.succeed })
          )
        )

    const start = Effect.fn("Chat.start")(function* (request: ChatStreamRequest) {
      const workspaceId = yield* CurrentWorkspace
      const existing = request.sessionId === undefined ? undefined : yield* findSession(request.sessionId)
      const target = yield* calls.target("chat", { agentId: request.agentId ?? existing?.agentId })
      const agentId = target.provider === "openclaw" ? agentIdOfModel(target.model) : gateway.config.agentId
      const session = existing ?? (yield* rls.current(repo.createSession(titleOf(request.message), agentId)))
      const userMessage = yield* rls.current(repo.insertMessage(session.id, "user", request.message, "complete"))
      const messages: ReadonlyArray<GatewayMessage> =
        target.provider === "openclaw"
          ? [{ role: "user", content: request.message }]
          : (yield* rls.current(repo.history(session.id, HISTORY_LIMIT))).map((row) => ({
              role: row.role === "assistant" ? ("assistant" as const) : ("user" as const),
              content: row.content
            }))

      // A turn the gateway refuses before it starts leaves nothing behind: not its message, and not the session it
      // opened (which would list as a conversation of "1 messages" with no reply).
      const undoTurn = (
        existing === undefined
          ? Effect.asVoid(rls.current(repo.takeSession(session.id)))
          : rls.current(repo.removeMessage(userMessage.id))
      ).pipe(Effect.catchAllCause((cause) => Effect.logError("could not remove a refused chat turn", cause)))
      const upstream = yield* Scope.make()
      const deltas = yield* calls.streamOn(target, { messages, sessionKey: sessionKey(workspaceId, session.id) }).pipe(
        Scope.extend(upstream),
        Effect.onExit((exit) =>
          Exit.isSuccess(exit) ? Effect.void : Effect.zipRight(Scope.close(upstream, exit), undoTurn)
        )
      )

      const ids: TurnIds = { sessionId: session.id, userMessageId: userMessage.id }
      let content = ""
      let assistantMessageId: string | undefined
      const save = (status: "complete" | "interrupted") =>
        Effect.uninterruptible(
          Effect.suspend(() =>
            assistantMessageId !== undefined
              ? Effect.succeed(assistantMessageId)
              : rls
                  .run(workspaceId, repo.insertMessage(session.id, "assistant", content, status))
                  .pipe(Effect.map((row) => (assistantMessageId = row.id)))
          )
        )

      const startEvent: ChatEvent = { _tag: "start", ...ids }
      return Stream.make(startEvent).pipe(
        Stream.concat(
          deltas.pipe(
            Stream.tap((delta) => Effect.sync(() => (content += delta))),
            Stream.map((delta): ChatEvent => ({ _tag: "delta", content: delta }))
          )
        ),
        Stream.concat(
          Stream.fromEffect(
            Effect.map(save("complete"), (id): ChatEvent => ({ _tag: "done", ...ids, assistantMessageId: id }))
          )
        ),
        Stream.catchAll((error) =>
          Stream.fromEffect(
            Effect.logWarning("chat stream failed").pipe(
              Effect.annotateLogs({ error: error._tag, detail: error.message }),
              Effect.zipRight(save("interrupted")),
              Effect.map((id): ChatEvent => ({
                _tag: "error",
                ...ids,
                error: { _tag: error._tag, message: error.message },
                assistantMessageId: id
              }))
            )
          )
        ),
        // Runs on completion, failure and client disconnect alike: cancel upstream first, then keep what arrived.
        Stream.ensuring(
          Scope.close(upstream, Exit.void).pipe(
            Effect.zipRight(
              Effect.suspend(() =>
                assistantMessageId === undefined
                  ? Effect.logInfo("chat stream cancelled by the client").pipe(Effect.zipRight(save("interrupted")))
                  : Effect.void
              )
            ),
            Effect.catchAllCause((cause) => Effect.logError("could not store an interrupted chat message", cause))
          )
        ),
        Stream.withSpan("Chat.stream")
      )
    })

    const removeSession = Effect.fn("Chat.removeSession")(function* (id: ChatSessionId, deletedBy: string) {
      const trashId = yield* rls
        .current(
          Effect.gen(function* () {
            const taken = yield* repo.takeSession(id)
            if (taken === undefined) return yield* ChatSessionNotFound.of(id)
            return yield* trash.put({
              kind: "chat_session",
              originalId: id,
              label: taken.session.title,
              data: { session: taken.session.row, messages: taken.messages },
              deletedBy
            })
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* live.publish({ type: "chat", action: "deleted", id })
      return trashId
    })

    const restoreSession = Effect.fn("Chat.restoreSession")(function* (data: Record<string, unknown>) {
      const id = yield* rls
        .current(restoreConflicts(repo.putSession(data.session, data.messages)))
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* live.publish({ type: "chat", action: "created", id })
      return id
    })

    return {
      start,
      removeSession,
      restoreSession,
      sessions: repo.listSessions.pipe(
        Effect.map((rows) =>
          rows.map((row) => new ChatSessionSummary({ ...sessionFields(row), messageCount: row.messageCount }))
        )
      ),
      sessionIdsAfter: (after, limit) =>
        repo.sessionIdsAfter(after, limit).pipe(Effect.withSpan("Chat.sessionIdsAfter")),
      session: (id) =>
        rls.current(
          Effect.gen(function* () {
            const row = yield* findSession(id)
            const messages = yield* repo.messages(id)
            return new ChatSession({ ...sessionFields(row), messages: messages.map(toMessage) })
          })
        ),
      rename: (id, title) =>
        rls
          .current(
            repo.renameSession(id, title).pipe(
              Effect.flatMap(
                Option.match({ onNone: () => Effect.fail(ChatSessionNotFound.of(id)), onSome: Effect.succeed })
              ),
              Effect.tap(() => live.publish({ type: "chat", action: "updated", id }))
            )
          )
          .pipe(
            Effect.map((row) => new ChatSessionSummary({ ...sessionFields(row), messageCount: row.messageCount })),
            Effect.withSpan("Chat.rename")
          )
    } satisfies ChatShape
  }).pipe(Effect.annotateLogs("service", "Chat"))
).pipe(Layer.provide([modelCallsLayer, liveUpdatesLayer, trashRepoLayer]))
