// SQL of chat sessions and messages. Callers run it inside RlsScope; the one-statement reads (findSession,
// listSessions) run as the current workspace by themselves, in one round trip. takeSession and putSession move a
// session with its messages to and from the trash.
import { SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { AppDb, JsonbRow, rowsOrDie } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import { ChatSessionId } from "./ChatApi"

export const SessionRow = Schema.Struct({
  id: ChatSessionId,
  title: Schema.String,
  agentId: Schema.String,
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
})
export interface SessionRow extends Schema.Schema.Type<typeof SessionRow> {}

export const SessionSummaryRow = Schema.Struct({ ...SessionRow.fields, messageCount: Schema.Int })
export interface SessionSummaryRow extends Schema.Schema.Type<typeof SessionSummaryRow> {}

export const MessageRole = Schema.Literal("system", "user", "assistant", "tool")
export type MessageRole = typeof MessageRole.Type
export const MessageStatus = Schema.Literal("complete", "streaming", "failed", "interrupted")
export type MessageStatus = typeof MessageStatus.Type

export const MessageRow = Schema.Struct({
  id: Schema.String,
  role: MessageRole,
  content: Schema.String,
  status: MessageStatus,
  createdAt: Schema.DateFromSelf
})
export interface MessageRow extends Schema.Schema.Type<typeof MessageRow> {}

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const sessionColumns = sql`id, title, agent_id, created_at, updated_at`
  const messageColumns = sql`id, role, content, status, created_at`

  const createSession = SqlSchema.single({
    Request: Schema.Struct({ title: Schema.String, agentId: Schema.String }),
    Result: SessionRow,
    execute: ({ agentId, title }) => sql`
      insert into chat_sessions (title, agent_id) values (${title}, ${agentId})
      returning ${sessionColumns}
    `
  })
  const findSession = SqlSchema.findOne({
    Request: ChatSessionId,
    Result: SessionRow,
    execute: (id) => rls.rows(sql`select ${sessionColumns} from chat_sessions where id = ${id}`)
  })
  const sessionIdsAfter = SqlSchema.findAll({
    Request: Schema.Struct({ after: Schema.NullOr(Schema.String), limit: Schema.Number }),
    Result: Schema.Struct({ id: ChatSessionId }),
    execute: ({ after, limit }) =>
      rls.rows(sql`
      select id from chat_sessions
      where (${after}::uuid is null or id > ${after}::uuid)
      order by id
      limit ${limit}
    `)
  })
  const listSessions = SqlSchema.findAll({
    Request: Schema.Void,
    Result: SessionSummaryRow,
    execute: () =>
      rls.rows(sql`
      select s.id, s.title, s.agent_id, s.created_at, s.updated_at,
             (select count(*)::int from chat_messages m where m.session_id = s.id) as message_count
      from chat_sessions s
      order by s.updated_at desc, s.id
      limit 500
    `)
  })
  /** Renames a session; its updated_at (last activity, the list's order) stays. */
  const renameSession = SqlSchema.findOne({
    Request: Schema.Struct({ id: ChatSessionId, title: Schema.String }),
    Result: SessionSummaryRow,
    execute: ({ id, title }) => sql`
      update chat_sessions s set title = ${title} where s.id = ${id}
      returning s.id, s.title, s.agent_id, s.created_at, s.updated_at,
        (select count(*)::int from chat_messages m where m.session_id = s.id) as message_count
    `
  })
  const insertMessage = SqlSchema.single({
    Request: Schema.Struct({
      sessionId: ChatSessionId,
      role: MessageRole,
      content: Schema.String,
      status: MessageStatus
    }),
    Result: MessageRow,
    execute: ({ content, role, sessionId, status }) => sql`
      insert into chat_messages (session_id, role, content, status)
      values (${sessionId}, ${role}, ${content}, ${status})
      returning ${messageColumns}
    `
  })
  const touchSession = SqlSchema.void({
    Request: ChatSessionId,
    execute: (sessionId) => sql`update chat_sessions set updated_at = now() where id = ${sessionId}`
  })
  const messages = SqlSchema.findAll({
    Request: ChatSessionId,
    Result: MessageRow,
    execute: (sessionId) => sql`
      select ${messageColumns} from chat_messages
      where session_id = ${sessionId}
      order by created_at, id
    `
  })
  const history = SqlSchema.findAll({
    Request: Schema.Struct({ sessionId: ChatSessionId, limit: Schema.Int }),
    Result: MessageRow,
    execute: ({ limit, sessionId }) => sql`
      select * from (
        select ${messageColumns} from chat_messages
        where session_id = ${sessionId} and status = 'complete' and role in ('user', 'assistant')
        order by created_at desc, id desc
        limit ${limit}
      ) recent
      order by created_at, id
    `
  })
  const takeMessages = SqlSchema.findAll({
    Request: ChatSessionId,
    Result: Schema.Struct({ row: JsonbRow }),
    execute: (id) => sql`
      delete from chat_messages m where session_id = ${id} returning to_jsonb(m) - 'workspace_id' as row`
  })
  const takeSession = SqlSchema.findOne({
    Request: ChatSessionId,
    Result: Schema.Struct({ row: JsonbRow, title: Schema.String }),
    execute: (id) => sql`
      delete from chat_sessions s where id = ${id} returning to_jsonb(s) - 'workspace_id' as row, title`
  })
  const putSession = SqlSchema.single({
    Request: Schema.Unknown,
    Result: Schema.Struct({ id: ChatSessionId }),
    execute: (session) => sql`
      insert into chat_sessions (id, title, agent_id, created_at, updated_at)
      select id, title, agent_id, created_at, updated_at
      from jsonb_populate_record(null::chat_sessions, ${JSON.stringify(session)}::jsonb)
      returning id`
  })

  return {
    createSession: (title: string, agentId: string) => createSession({ title, agentId }).pipe(Effect.orDie),
    findSession: (id: ChatSessionId) => findSession(id).pipe(Effect.orDie),
    listSessions: listSessions(undefined).pipe(Effect.orDie),
    sessionIdsAfter: (after: ChatSessionId | null, limit: number) =>
      sessionIdsAfter({ after, limit }).pipe(
        Effect.map((rows) => rows.map((row) => row.id)),
        Effect.orDie
      ),
    renameSession: (id: ChatSessionId, title: string) => renameSession({ id, title }).pipe(Effect.orDie),
    insertMessage: (sessionId: ChatSessionId, role: MessageRole, content: string, status: MessageStatus) =>
      insertMessage({ sessionId, role, content, status }).pipe(Effect.zipLeft(touchSession(sessionId)), Effect.orDie),
    messages: (sessionId: ChatSessionId) => messages(sessionId).pipe(Effect.orDie),
    /** The last `limit` complete user and assistant messages, oldest first: the context for a stateless provider. */
    history: (sessionId: ChatSessionId, limit: number) => history({ sessionId, limit }).pipe(Effect.orDie),
    /** Deletes one message (a turn the gateway refused before it began). */
    removeMessage: (id: string) => sql`delete from chat_messages where id = ${id}`.pipe(Effect.asVoid, Effect.orDie),
    /** Deletes a session with its messages; answers their rows (undefined when there was no session). */
    takeSession: (id: ChatSessionId) =>
      Effect.gen(function* () {
        const messages = yield* takeMessages(id)
        const session = Option.getOrUndefined(yield* takeSession(id))
        return session === undefined ? undefined : { session, messages: messages.map((message) => message.row) }
      }).pipe(rowsOrDie),
    /** Puts back what takeSession answered, under the same ids. */
    putSession: (session: unknown, messages: unknown) =>
      Effect.gen(function* () {
        const row = yield* putSession(session)
        yield* sql`
          insert into chat_messages (id, session_id, role, content, status, created_at)
          select id, session_id, role, content, status, created_at
          from jsonb_populate_recordset(null::chat_messages, ${JSON.stringify(messages ?? [])}::jsonb)`
        return row.id
      }).pipe(rowsOrDie)
  }
})

export type ChatRepo = Effect.Effect.Success<typeof make>
