// Handlers of the chat group: the streamed turn as Server-Sent Events, and the history.
import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { Effect, Stream } from "effect"
import { CarabaseApi } from "../Api"
import { Chat, type ChatEvent } from "./Chat"

const frame = (event: ChatEvent): string => {
  const data =
    event._tag === "error"
      ? {
          _tag: event.error._tag,
          message: event.error.message,
          sessionId: event.sessionId,
          userMessageId: event.userMessageId,
          assistantMessageId: event.assistantMessageId
        }
      : { ...event, _tag: undefined }
  return `event: ${event._tag}\ndata: ${JSON.stringify(data)}\n\n`
}

export const ChatHttpLive = HttpApiBuilder.group(CarabaseApi, "chat", (handlers) =>
  Effect.map(Chat, (chat) =>
    handlers
      .handle("stream", ({ payload }) =>
        Effect.map(chat.start(payload), (events) => {
          const keepAlive = Stream.tick("15 seconds").pipe(
            Stream.drop(1),
            Stream.map(() => ": keep-alive\n\n")
          )
          return HttpServerResponse.stream(
            events.pipe(Stream.map(frame), Stream.merge(keepAlive, { haltStrategy: "left" }), Stream.encodeText),
            { contentType: "text/event-stream", headers: { "cache-control": "no-cache", "x-accel-buffering": "no" } }
          )
        })
      )
      .handle("sessions", () => Effect.map(chat.sessions, (sessions) => ({ sessions })))
      .handle("session", ({ path }) => Effect.map(chat.session(path.id), (session) => ({ session })))
      .handle("removeSession", ({ path }) =>
        Effect.map(chat.removeSession(path.id, "DELETE /api/v1/chat/sessions/:id"), (trashId) => ({ trashId }))
      )
      .handle("rename", ({ path, payload }) =>
        Effect.map(chat.rename(path.id, payload.title), (session) => ({ session }))
      )
  )
)
