// The MCP endpoints on the host's HTTP server: Streamable HTTP at /mcp, and the older HTTP+SSE transport at
// /mcp/sse (GET opens the stream) with its message endpoint /mcp/messages?sessionId=... Every request passes the
// DNS-rebinding guard; a new session is bound to one workspace (x-workspace-id, ?workspace=, or the only one).
import * as crypto from "node:crypto"
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Effect, Option, Schema } from "effect"
import { HttpListener } from "../platform/HttpListener"
import { Settings } from "../settings/Settings"
import { CurrentWorkspace, WorkspaceId } from "../platform/CurrentWorkspace"
import { Workspaces } from "../workspaces/Workspaces"
import { resolveWorkspace, workspaceQuery } from "../workspaces/ResolveWorkspace"
import { checkRequest, mcpGuardConfig } from "./McpGuard"
import { mcpSdk, type McpSdk } from "./McpSdk"
import * as McpSessionTable from "./McpSessionTable"
import { makeMcpServer, type ToolAvailability } from "./McpSessions"
import { McpTools } from "./McpTools"

const rpcError = (status: number, message: string) =>
  HttpServerResponse.unsafeJson({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }, { status })

class Refused {
  constructor(
    readonly status: number,
    readonly message: string
  ) {}
}

const MCP_TOOLS_SETTING = "mcp_tools"

/**
 * `settings.mcp_tools` maps a tool name to false to turn it off (anything else leaves it on), and an opt-in
 * (destructive) tool to true to turn it on: see Tool.isOn.
 */
const availabilityFrom = (settings: Settings["Type"]): ToolAvailability => ({
  switches: (workspaceId) =>
    settings.get.pipe(
      Effect.provideService(CurrentWorkspace, workspaceId),
      Effect.map((values) => {
        const switches = values[MCP_TOOLS_SETTING]
        return typeof switches !== "object" || switches === null
          ? new Map<string, unknown>()
          : new Map(Object.entries(switches as Record<string, unknown>))
      })
    )
})

const decodeId = Schema.decodeUnknownOption(WorkspaceId)

export const McpHttpLive = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const guard = yield* mcpGuardConfig
    const { resources, runtime, tools } = yield* McpTools
    const workspaces = yield* Workspaces
    const settings = yield* Settings
    const listener = yield* HttpListener
    const availability = availabilityFrom(settings)
    const sessions = yield* McpSessionTable.make(yield* McpSessionTable.mcpSessionLimitsConfig)
    yield* listener.draining.pipe(Effect.zipRight(sessions.closeAll), Effect.forkScoped)

    const guarded = (request: HttpServerRequest.HttpServerRequest) => {
      const verdict = checkRequest(guard, { origin: request.headers["origin"], host: request.headers["host"] })
      return verdict.ok ? Effect.void : Effect.fail(new Refused(403, verdict.message))
    }

    const bindWorkspace = (request: HttpServerRequest.HttpServerRequest) =>
      Effect.gen(function* () {
        const named = request.headers["x-workspace-id"] ?? workspaceQuery(request.url)
        if (named !== undefined) {
          return yield* resolveWorkspace(named).pipe(
            Effect.provideService(Workspaces, workspaces),
            Effect.mapError((error) => new Refused(error._tag === "WorkspaceNotFound" ? 404 : 400, error.message))
          )
        }
        const all = yield* workspaces.list
        if (all.length === 1) return all[0]!.id
        return yield* Effect.fail(
          new Refused(
            400,
            all.length === 0
              ? "this host has no workspace yet: create one with POST /api/v1/workspaces"
              : `this host has ${all.length} workspaces: name one with the x-workspace-id header or ?workspace=<uuid>`
          )
        )
      })

    const newServer = (sdk: McpSdk, workspaceId: WorkspaceId) =>
      makeMcpServer(sdk, { workspaceId, tools, availability, runtime, resources })

    /** A session whose workspace was deleted since it opened is closed: its tools have nothing left to act on. */
    const workspaceGone = (sessionId: string, session: McpSessionTable.McpSession) =>
      Effect.flatMap(workspaces.exists(session.workspaceId), (exists) =>
        exists
          ? Effect.succeed(undefined)
          : Effect.as(
              sessions.close(sessionId),
              rpcError(404, `workspace ${session.workspaceId} was deleted: this MCP session is closed`)
            )
      )

    const refusedToResponse = <R>(effect: Effect.Effect<HttpServerResponse.HttpServerResponse, Refused, R>) =>
      Effect.catchAll(effect, (refused) => Effect.succeed(rpcError(refused.status, refused.message)))

    // Streamable HTTP: POST initialize opens a session; later requests carry mcp-session-id.
    yield* router.all(
      "/mcp",
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        yield* guarded(request)
        const sessionId = request.headers["mcp-session-id"]
        let session: McpSessionTable.McpSession | undefined
        if (sessionId !== undefined) {
          session = sessions.get(sessionId)
          if (session === undefined || session.streamable === undefined) {
            return rpcError(404, "unknown or expired MCP session: initialize a new one")
          }
          const named = request.headers["x-workspace-id"]
          if (named !== undefined && Option.getOrUndefined(decodeId(named.toLowerCase())) !== session.workspaceId) {
            return rpcError(403, "this MCP session is bound to another workspace")
          }
          const gone = yield* workspaceGone(sessionId, session)
          if (gone !== undefined) return gone
          // The GET stream a client keeps open to listen: the session is in use as long as it is.
          if (request.method === "GET") {
            NodeHttpServerRequest.toServerResponse(request).once("close", sessions.streamOpened(sessionId))
          }
        } else {
          if (request.method !== "POST")
            return rpcError(400, "missing mcp-session-id header: initialize a session first")
          const workspaceId = yield* bindWorkspace(request)
          const sdk = yield* mcpSdk
          const server = newServer(sdk, workspaceId)
          const transport = new sdk.WebStandardStreamableHTTPServerTransport({
            sessionIdGenerator: () => crypto.randomUUID()
          })
          yield* Effect.promise(() => server.connect(transport))
          session = { workspaceId, server, streamable: transport }
        }
        const transport = session.streamable!
        const webRequest = yield* HttpServerRequest.toWeb(request).pipe(Effect.orDie)
        const response = yield* Effect.promise(() => transport.handleRequest(webRequest))
        // A new session is kept once its initialize succeeded; a request that initialized nothing leaves nothing.
        if (sessionId === undefined) {
          if (transport.sessionId === undefined) yield* Effect.promise(() => session.server.close())
          else yield* sessions.add(transport.sessionId, session)
        }
        return HttpServerResponse.fromWeb(response)
      }).pipe(refusedToResponse)
    )

    // HTTP+SSE (protocol 2024-11-05): the GET holds the event stream open for the life of the session.
    yield* router.get(
      "/mcp/sse",
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        yield* guarded(request)
        const workspaceId = yield* bindWorkspace(request)
        const sdk = yield* mcpSdk
        const response = NodeHttpServerRequest.toServerResponse(request)
        const transport = new sdk.SSEServerTransport("/mcp/messages", response)
        const server = newServer(sdk, workspaceId)
        // Held before the stream tells the client its endpoint, and for its whole life: it ends with its stream.
        yield* sessions.add(transport.sessionId, { workspaceId, server, sse: transport })
        sessions.streamOpened(transport.sessionId)
        yield* Effect.promise(() => server.connect(transport)).pipe(
          Effect.zipRight(
            Effect.async<void>((resume) => {
              if (response.writableEnded || response.destroyed) return resume(Effect.void)
              response.once("close", () => resume(Effect.void))
            })
          ),
          Effect.ensuring(sessions.close(transport.sessionId))
        )
        return HttpServerResponse.empty()
      }).pipe(refusedToResponse)
    )

    yield* router.post(
      "/mcp/messages",
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        yield* guarded(request)
        const sessionId = new URLSearchParams(request.url.split("?")[1] ?? "").get("sessionId") ?? ""
        const session = sessions.get(sessionId)
        if (session === undefined || session.sse === undefined) {
          return rpcError(404, "unknown or expired MCP session: open /mcp/sse again")
        }
        const gone = yield* workspaceGone(sessionId, session)
        if (gone !== undefined) return gone
        // The request guard has read and checked the body already; the transport takes it parsed.
        const body = yield* Effect.orElseSucceed(request.json, () => undefined)
        yield* Effect.promise(() =>
          session.sse!.handlePostMessage(
            NodeHttpServerRequest.toIncomingMessage(request),
            NodeHttpServerRequest.toServerResponse(request),
            body
          )
        )
        return HttpServerResponse.empty()
      }).pipe(refusedToResponse)
    )
  })
)
