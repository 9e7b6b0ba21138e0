// The HTTP app: the declared API with its handlers, the OpenAPI document, JSON errors, the guards, MCP, inbound
// webhooks and the admin UI, served on whichever HttpServer is provided (the Node listener in src/Server.ts, an
// in-process one in tests).
import { FileSystem, HttpApiBuilder, HttpMiddleware, HttpPlatform, HttpServer, Path, Etag } from "@effect/platform"
import { Context, Effect, Layer, Scope } from "effect"
import { AdminHttpLive } from "./admin/AdminHttp"
import { AgentTasksHttpLive } from "./agent/AgentTasksHttp"
import { ArtifactsHttpLive } from "./artifacts/ArtifactsHttp"
import { BackupsHttpLive } from "./backups/BackupsHttp"
import { ChannelsHttpLive } from "./channels/ChannelsHttp"
import { ChatHttpLive } from "./chat/ChatHttp"
import {
  ConnectionsHttpLive,
  OAuthAppsHttpLive,
  OAuthCallbackHttpLive,
  SyncRulesHttpLive
} from "./connectors/ConnectorsHttp"
import { CurationHttpLive } from "./curation/CurationHttp"
import { DoctorHttpLive } from "./doctor/DoctorHttp"
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
import { PortabilityHttpLive } from "./portability/PortabilityHttp"
import { SearchHttpLive } from "./search/SearchHttp"
import { TasksHttpLive } from "./tasks/TasksHttp"
import { TrashHttpLive } from "./trash/TrashHttp"
import { WebhooksHttpLive } from "./webhooks/WebhooksHttp"
import { SettingsHttpLive } from "./settings/SettingsHttp"
import { WorkspaceMiddlewareLive, WorkspacesHttpLive } from "./workspaces/WorkspacesHttp"
import { CarabaseApi } from "./Api"
import { ApiKeyGuardLive } from "./apikeys/ApiKeyGuard"
import { jsonErrors } from "./http/ErrorResponses"
import { openApiRoute } from "./http/OpenApiRoute"
import { RequestGuardLive } from "./http/RequestGuard"

export const ApiLive = HttpApiBuilder.api(CarabaseApi).pipe(
  Layer.provide([
    MetaHttpLive,
    WorkspacesHttpLive,
    SettingsHttpLive,
    NotesHttpLive,
    TasksHttpLive,
    TrashHttpLive,
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
    PortabilityHttpLive,
    DoctorHttpLive,
    BackupsHttpLive
  ]),
  Layer.provide(WorkspaceMiddlewareLive)
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

export const HttpAppLive = serveTrimmed.pipe(
  Layer.provide([
    openApiRoute("/api/openapi.json"),
    HttpApiBuilder.middleware(jsonErrors),
    ApiKeyGuardLive,
    RequestGuardLive,
    WebhooksHttpLive,
    McpHttpLive,
    AdminHttpLive
  ]),
  Layer.provide(ApiLive),
  // No request spans: they parse the URL and copy every header into attributes for a tracer that exports nowhere.
  HttpMiddleware.withTracerDisabledWhen(() => true)
)
