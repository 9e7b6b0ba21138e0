// The HTTP server: the declared API with its handlers, the OpenAPI document, JSON errors, bound to HOST:PORT.
import { FileSystem, HttpApiBuilder, HttpMiddleware, HttpPlatform, HttpServer, Path, Etag } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Config, Context, Effect, Layer, Scope } from "effect"
import { AdminHttpLive } from "./admin/AdminHttp"
import { AgentTasksHttpLive } from "./agent/AgentTasksHttp"
import { ArtifactsHttpLive } from "./artifacts/ArtifactsHttp"
import { ChannelsHttpLive } from "./channels/ChannelsHttp"
import { ChatHttpLive } from "./chat/ChatHttp"
import {
  ConnectionsHttpLive,
  OAuthAppsHttpLive,
  OAuthCallbackHttpLive,
  SyncRulesHttpLive
} from "./connectors/ConnectorsHttp"
import { CurationHttpLive } from "./curation/CurationHttp"
import { FoliosHttpLive } from "./folios/FoliosHttp"
import { GraphHttpLive } from "./graph/GraphHttp"
import { HarvesterDeviceSelfHttpLive, HarvesterDevicesHttpLive } from "./harvester/HarvesterHttp"
import { JobsHttpLive } from "./jobs/JobsHttp"
import { LiveHttpLive } from "./live/LiveHttp"
import { McpHttpLive } from "./mcp/McpHttp"
import { MemoriesHttpLive } from "./memories/MemoriesHttp"
import { MetaHttpLive } from "./meta/MetaHttp"
import { ModelRoutesHttpLive } from "./models/ModelRoutesHttp"
import { NotesHttpLive } from "./notes/NotesHttp"
import { SearchHttpLive } from "./search/SearchHttp"
import { TasksHttpLive } from "./tasks/TasksHttp"
import { TrashHttpLive } from "./trash/TrashHttp"
import { WebhooksHttpLive } from "./webhooks/WebhooksHttp"
import { SettingsHttpLive } from "./settings/SettingsHttp"
import { WorkspaceMiddlewareLive, WorkspacesHttpLive } from "./workspaces/WorkspacesHttp"
import { CarabaseApi } from "./Api"
import { ApiKeyGuardLive } from "./apikeys/ApiKeyGuard"
import { jsonErrors } from "./http/ErrorResponses"
import { RequestGuardLive } from "./http/RequestGuard"
import { displayAddress, listenHost } from "./http/ListenAddress"
import { WebhookListenerLive } from "./http/WebhookListener"
import { HttpListener } from "./platform/HttpListener"

export const serverConfig = Config.all({
  host: listenHost,
  port: Config.port("PORT").pipe(Config.withDefault(3000))
})

export const ApiLive = HttpApiBuilder.api(CarabaseApi).pipe(
  Layer.provide([
    MetaHttpLive,
    WorkspacesHttpLive,
    SettingsHttpLive,
    NotesHttpLive,
    TasksHttpLive,
    FoliosHttpLive,
    GraphHttpLive,
    MemoriesHttpLive,
    ArtifactsHttpLive,
    SearchHttpLive,
    LiveHttpLive,
    ChatHttpLive,
    ModelRoutesHttpLive,
    AgentTasksHttpLive,
    JobsHttpLive,
    ChannelsHttpLive,
    CurationHttpLive,
    OAuthAppsHttpLive,
    ConnectionsHttpLive,
    OAuthCallbackHttpLive,
    SyncRulesHttpLive,
    HarvesterDevicesHttpLive,
    HarvesterDeviceSelfHttpLive,
    TrashHttpLive
  ]),
  Layer.provide(WorkspaceMiddlewareLive)
)

const NodeServerLive = Layer.unwrapEffect(
  Effect.gen(function* () {
    const listener = yield* HttpListener
    const { host, port } = yield* serverConfig
    return NodeHttpServer.layer(() => listener.server, { host, port })
  })
)

const LogAddress = Layer.effectDiscard(
  Effect.flatMap(serverConfig, ({ host, port }) => Effect.logInfo(`listening on ${displayAddress(host, port)}`))
)

/**
 * HttpApiBuilder.serve, with the request fibers' context cut down to what the app needs while it runs (the platform
 * services, per HttpApp.Default's type): handlers took their services when they were built, and the whole service
 * graph was copied into a new map several times per request (router, route parameters, each provided service).
 */
const serveTrimmed = Layer.scopedDiscard(
  Effect.gen(function* () {
    const app = yield* HttpApiBuilder.httpApp
    const server = yield* HttpServer.HttpServer
    const scope = yield* Effect.scope
    const platform = yield* Effect.context<
      HttpPlatform.HttpPlatform | Etag.Generator | FileSystem.FileSystem | Path.Path
    >()
    const trimmed = Context.add(
      Context.pick(HttpPlatform.HttpPlatform, Etag.Generator, FileSystem.FileSystem, Path.Path)(platform),
      Scope.Scope,
      scope
    )
    yield* server.serve(app).pipe(Effect.mapInputContext((_: Context.Context<never>) => trimmed))
  })
).pipe(Layer.provide([HttpApiBuilder.Router.Live, HttpApiBuilder.Middleware.layer]))

export const ServerLive = serveTrimmed.pipe(
  Layer.provide([
    HttpApiBuilder.middlewareOpenApi({ path: "/api/openapi.json" }),
    HttpApiBuilder.middleware(jsonErrors),
    ApiKeyGuardLive,
    RequestGuardLive,
    WebhooksHttpLive,
    McpHttpLive,
    AdminHttpLive
  ]),
  Layer.provide(ApiLive),
  Layer.provideMerge(NodeServerLive),
  // No request spans: they parse the URL and copy every header into attributes for a tracer that exports nowhere.
  HttpMiddleware.withTracerDisabledWhen(() => true),
  Layer.merge(LogAddress),
  Layer.merge(WebhookListenerLive)
)
