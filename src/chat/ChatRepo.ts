// SQL of chat sessions and messages. Callers run it inside RlsScope; the one-statement reads (findSession,
// listSessions) run as the current workspace by themselves, in one round trip. takeSession and putSession move a
// session with its messages to and from the trash.
import { Effect, Option } from "effect"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"

export interface SessionRow {
  readonly id: string
  readonly title: string
  readonly agentId: string
  readonly createdAt: Date
  readonly updatedAt: Date
}

export interface SessionSummaryRow extends SessionRow {
  readonly messageCount: number
}

export type MessageRole = "system" | "user" | "assistant" | "tool"
export type MessageStatus = "complete" | "streaming" | "failed" | "interrupted"

export interface MessageRow {
  readonly id: string
  readonly role: MessageRole
  readonly content: string
  readonly status: MessageStatus
  readonly createdAt: Date
}

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const single = <A>(rows: ReadonlyArray<A>) =>
    rows[0] === undefined ? Effect.dieMessage("an insert returned no row") : Effect.succeed(rows[0])
  return {
    createSession: (title: string, agentId: string) =>
      sql<SessionRow>`
        insert into chat_sessions (title, agent_id) values (${title}, ${agentId})
        returning id, title, agent_id, created_at, updated_at
      `.pipe(Effect.orDie, Effect.flatMap(single)),
    findSession: (id: string) =>
      rls
        .rows(sql<SessionRow>`select id, title, agent_id, created_at, updated_at from chat_sessions where id = ${id}`)
        .pipe(Effect.map((rows) => Option.fromNullable(rows[0]))),
    listSessions: rls.rows(sql<SessionSummaryRow>`
      select s.id, s.title, s.agent_id, s.created_at, s.updated_at,
             (select count(*)::int from chat_messages m where m.session_id = s.id) as message_count
      from chat_sessions s
      order by s.updated_at desc, s.id
      limit 500
    `),
    insertMessage: (sessionId: string, role: MessageRole, content: string, status: MessageStatus) =>
      sql<MessageRow>`
        insert into chat_messages (session_id, role, content, status)
        values (${sessionId}, ${role}, ${content}, ${status})
        returning id, role, content, status, created_at
      `.pipe(
        Effect.zipLeft(sql`update chat_sessions set updated_at = now() where id = ${sessionId}`),
        Effect.orDie,
        Effect.flatMap(single)
      ),
    messages: (sessionId: string) =>
      sql<MessageRow>`
        select id, role, content, status, created_at from chat_messages
        where session_id = ${sessionId}
        order by created_at, id
      `.pipe(Effect.orDie),
    /** The last `limit` complete user and assistant messages, oldest first: the context for a stateless provider. */
    history: (sessionId: string, limit: number) =>
      sql<MessageRow>`
        select * from (
          select id, role, content, status, created_at from chat_messages
          where session_id = ${sessionId} and status = 'complete' and role in ('user', 'assistant')
          order by created_at desc, id desc
          limit ${limit}
        ) recent
        order by created_at, id
      `.pipe(Effect.orDie),
    /** Deletes a session with its messages; answers their rows (undefined when there was no session). */
    takeSession: (id: string) =>
      Effect.gen(function* () {
        const messages = yield* sql<{ row: Record<string, unknown> }>`
          delete from chat_messages m where session_id = ${id} returning to_jsonb(m) - 'workspace_id' as row`
        const [session] = yield* sql<{ row: Record<string, unknown>; title: string }>`
          delete from chat_sessions s where id = ${id} returning to_jsonb(s) - 'workspace_id' as row, title`
        return session === undefined ? undefined : { session, messages: messages.map((message) => message.row) }
      }),
    /** Puts back what takeSession answered, under the same ids. */
    putSession: (session: unknown, messages: unknown) =>
      Effect.gen(function* () {
        const [row] = yield* sql<{ id: string }>`
          insert into chat_sessions (id, title, agent_id, created_at, updated_at)
          select id, title, agent_id, created_at, updated_at
          from jsonb_populate_record(null::chat_sessions, ${JSON.stringify(session)}::jsonb)
          returning id`
        yield* sql`
          insert into chat_messages (id, session_id, role, content, status, created_at)
          select id, session_id, role, content, status, created_at
          from jsonb_populate_recordset(null::chat_messages, ${JSON.stringify(messages ?? [])}::jsonb)`
        return row!.id
      })
  }
})

export type ChatRepo = Effect.Effect.Success<typeof make>
