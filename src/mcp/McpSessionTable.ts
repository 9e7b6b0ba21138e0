// The MCP sessions the host holds open, each an SDK server and its transport bound to one workspace: at most
// CARABASE_MCP_MAX_SESSIONS in all and CARABASE_MCP_MAX_SESSIONS_PER_WORKSPACE per workspace (a new session evicts
// the least recently used one), and none idle longer than CARABASE_MCP_SESSION_IDLE_SECONDS. Closing a session closes
// its server, which closes its transport and ends any stream it holds; a transport that closes by itself (DELETE,
// the client hanging up an SSE stream) leaves the table through its server's onclose.
import type { Server } from "@modelcontextprotocol/sdk/server/index.js"
import type { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js"
import type { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js"
import { Config, Duration, Effect, Schedule } from "effect"
import type { WorkspaceId } from "../platform/CurrentWorkspace"

export interface McpSessionLimits {
  readonly maxSessions: number
  readonly maxPerWorkspace: number
  readonly idle: Duration.Duration
}

const atLeastOne = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.withDefault(fallback),
    Config.validate({ message: `${name} must be a whole number of at least 1`, validation: (n) => n >= 1 })
  )

export const mcpSessionLimitsConfig: Config.Config<McpSessionLimits> = Config.all({
  maxSessions: atLeastOne("CARABASE_MCP_MAX_SESSIONS", 256),
  maxPerWorkspace: atLeastOne("CARABASE_MCP_MAX_SESSIONS_PER_WORKSPACE", 64),
  idle: Config.map(atLeastOne("CARABASE_MCP_SESSION_IDLE_SECONDS", 15 * 60), Duration.seconds)
})

export interface McpSession {
  readonly workspaceId: WorkspaceId
  readonly server: Server
  readonly streamable?: WebStandardStreamableHTTPServerTransport
  readonly sse?: SSEServerTransport
}

interface Entry {
  readonly session: McpSession
  lastSeen: number
  /** Streams of the session the client holds open: a session listening for messages is not idle. */
  streams: number
}

const quietly = (server: Server) => Effect.promise(() => server.close().catch(() => undefined))

/** The table, with its idle sweep (every minute at most) on the caller's scope; every session closes with the scope. */
export const make = (limits: McpSessionLimits) =>
  Effect.gen(function* () {
    // Oldest use first: a session used again moves to the end, so the first one of a workspace is its least recent.
    const entries = new Map<string, Entry>()
    const perWorkspace = new Map<WorkspaceId, number>()

    const forget = (id: string) => {
      const entry = entries.get(id)
      if (entry === undefined) return undefined
      entries.delete(id)
      const left = (perWorkspace.get(entry.session.workspaceId) ?? 1) - 1
      if (left === 0) perWorkspace.delete(entry.session.workspaceId)
      else perWorkspace.set(entry.session.workspaceId, left)
      return entry.session
    }

    const close = (id: string) =>
      Effect.suspend(() => {
        const session = forget(id)
        return session === undefined ? Effect.void : quietly(session.server)
      })

    const leastRecent = (workspaceId?: WorkspaceId) => {
      for (const [id, entry] of entries)
        if (workspaceId === undefined || entry.session.workspaceId === workspaceId) return id
      return undefined
    }

    /** The session to evict while a cap is exceeded: its workspace's least recent first, then the host's. */
    const overCap = (workspaceId: WorkspaceId) => {
      if ((perWorkspace.get(workspaceId) ?? 0) > limits.maxPerWorkspace) {
        const reason = `its workspace reached CARABASE_MCP_MAX_SESSIONS_PER_WORKSPACE (${limits.maxPerWorkspace})`
        return { id: leastRecent(workspaceId), reason }
      }
      if (entries.size > limits.maxSessions) {
        return { id: leastRecent(), reason: `the host reached CARABASE_MCP_MAX_SESSIONS (${limits.maxSessions})` }
      }
      return undefined
    }

    const evict = (id: string, reason: string) =>
      Effect.zipRight(
        Effect.logInfo(`MCP session evicted: ${reason}`).pipe(Effect.annotateLogs("service", "McpSessionTable")),
        close(id)
      )

    const closeAll = Effect.suspend(() => Effect.forEach([...entries.keys()], close, { discard: true }))

    yield* Effect.addFinalizer(() => closeAll)
    const sweepEvery = Duration.min(limits.idle, Duration.minutes(1))
    yield* Effect.forkScoped(
      Effect.repeat(
        Effect.suspend(() => {
          const now = Date.now()
          const idle = [...entries].filter(
            ([, entry]) => entry.streams === 0 && now - entry.lastSeen > Duration.toMillis(limits.idle)
          )
          return Effect.forEach(idle, ([id]) => close(id), { discard: true })
        }),
        Schedule.spaced(sweepEvery)
      )
    )

    return {
      /** The session, marked as just used; undefined when it never existed, was closed, evicted or expired. */
      get: (id: string): McpSession | undefined => {
        const entry = entries.get(id)
        if (entry === undefined) return undefined
        entries.delete(id)
        entries.set(id, entry)
        entry.lastSeen = Date.now()
        return entry.session
      },
      /** Adds a session, then evicts the least recently used ones over either cap (its own workspace's first). */
      add: (id: string, session: McpSession) =>
        Effect.gen(function* () {
          forget(id)
          entries.set(id, { session, lastSeen: Date.now(), streams: 0 })
          perWorkspace.set(session.workspaceId, (perWorkspace.get(session.workspaceId) ?? 0) + 1)
          session.server.onclose = () => void forget(id)
          for (let over = overCap(session.workspaceId); over?.id !== undefined; over = overCap(session.workspaceId)) {
            yield* evict(over.id, over.reason)
          }
        }),
      /** A stream of the session opened; the returned function marks it closed. */
      streamOpened: (id: string): (() => void) => {
        const entry = entries.get(id)
        if (entry === undefined) return () => undefined
        entry.streams++
        return () => {
          entry.streams--
          entry.lastSeen = Date.now()
        }
      },
      close,
      closeAll
    }
  })

export type McpSessionTable = Effect.Effect.Success<ReturnType<typeof make>>
