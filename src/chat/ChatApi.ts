// Declaration of the chat routes: a streamed turn (Server-Sent Events), the stored history and renaming a session. Imports effect,
// @effect/platform and other declarations (gateway and model-route errors, the notes declaration's text schemas).
//
// POST /chat/stream answers `text/event-stream`: `event: start` { sessionId, userMessageId }, then one `event: delta`
// { content } per gateway delta as it arrives, then `event: done` { sessionId, userMessageId, assistantMessageId }.
// If the gateway fails after the stream has begun (the status is already 200), the last event is `event: error`
// { _tag, message, sessionId, userMessageId, assistantMessageId } and the assistant message is stored as interrupted.
// Failures before the stream begins are JSON errors: 503 unreachable or unconfigured, 502 password mismatch, 504.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import {
  GatewayMalformedStream,
  GatewayPasswordMismatch,
  GatewayRequestFailed,
  GatewayTimeout,
  GatewayUnconfigured,
  GatewayUnreachable
} from "../gateway/GatewayErrors"
import { ModelRouteUnusable } from "../models/ModelRoutesApi"
import { uuidId } from "../schema/Ids"
import { bounded } from "../schema/TextSchemas"
import { Trashed } from "../trash/TrashApi"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const ChatRole = Schema.Literal("system", "user", "assistant", "tool")
export const ChatMessageStatus = Schema.Literal("complete", "streaming", "failed", "interrupted")

export const ChatSessionId = uuidId("ChatSessionId")
export type ChatSessionId = typeof ChatSessionId.Type

export class ChatMessage extends Schema.Class<ChatMessage>("ChatMessage")({
  id: Schema.UUID,
  role: ChatRole,
  content: Schema.String,
  status: ChatMessageStatus,
  createdAt: Schema.DateTimeUtc
}) {}

const sessionFields = {
  id: ChatSessionId,
  title: Schema.String,
  agentId: Schema.String,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}

export class ChatSessionSummary extends Schema.Class<ChatSessionSummary>("ChatSessionSummary")({
  ...sessionFields,
  messageCount: Schema.Int
}) {}

export class ChatSession extends Schema.Class<ChatSession>("ChatSession")({
  ...sessionFields,
  messages: Schema.Array(ChatMessage)
}) {}

export const ChatStreamRequest = Schema.Struct({
  /** Continue this session; omitted: start a new one titled after the message. */
  sessionId: Schema.optional(ChatSessionId),
  message: bounded("message", 100_000),
  /** The OpenClaw agent for a new session (default OPENCLAW_AGENT_ID, or the chat route's agent). */
  agentId: Schema.optional(
    Schema.String.pipe(
      Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: () => "agentId must be an OpenClaw agent id" })
    )
  )
})
export type ChatStreamRequest = typeof ChatStreamRequest.Type

export const ChatSessionTitle = bounded("title", 200)

export class ChatSessionNotFound extends Schema.TaggedError<ChatSessionNotFound>()(
  "ChatSessionNotFound",
  { message: Schema.String, sessionId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(sessionId: string) {
    return new ChatSessionNotFound({ sessionId, message: `no chat session ${sessionId} in this workspace` })
  }
}

const SessionPath = Schema.Struct({ id: ChatSessionId })

const EventStream = Schema.String.pipe(HttpApiSchema.withEncoding({ kind: "Text", contentType: "text/event-stream" }))

export class ChatApi extends HttpApiGroup.make("chat")
  .add(
    HttpApiEndpoint.post("stream", "/chat/stream")
      .setPayload(ChatStreamRequest)
      .addSuccess(EventStream)
      .addError(ChatSessionNotFound)
      .addError(ModelRouteUnusable)
      .addError(GatewayUnconfigured)
      .addError(GatewayUnreachable)
      .addError(GatewayPasswordMismatch)
      .addError(GatewayTimeout)
      .addError(GatewayMalformedStream)
      .addError(GatewayRequestFailed)
  )
  .add(
    HttpApiEndpoint.get("sessions", "/chat/sessions").addSuccess(
      Schema.Struct({ sessions: Schema.Array(ChatSessionSummary) })
    )
  )
  .add(
    HttpApiEndpoint.get("session", "/chat/sessions/:id")
      .setPath(SessionPath)
      .addSuccess(Schema.Struct({ session: ChatSession }))
      .addError(ChatSessionNotFound)
  )
  .add(
    HttpApiEndpoint.del("removeSession", "/chat/sessions/:id")
      .setPath(SessionPath)
      .addSuccess(Trashed)
      .addError(ChatSessionNotFound)
  )
  .add(
    /** Renames the session; its place in the list (by last activity) stays. */
    HttpApiEndpoint.patch("rename", "/chat/sessions/:id")
      .setPath(SessionPath)
      .setPayload(Schema.Struct({ title: ChatSessionTitle }))
      .addSuccess(Schema.Struct({ session: ChatSessionSummary }))
      .addError(ChatSessionNotFound)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
