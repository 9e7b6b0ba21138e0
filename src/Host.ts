// Composition of the host's layers, in boot order: env and master key first (a bad key stops the process before any
// port is bound or connection opened), then the owner pool, migrations and the master-key check (a key the database
// was not initialised with stops it too), then the app pool, domain services, and finally the HTTP server.
// Each feature's layer provides the features it needs in its own file; what they leave open is the platform below.
import { Effect, Layer } from "effect"
import * as AgentTasks from "./agent/AgentTasks"
import * as ApiKeys from "./apikeys/ApiKeys"
import * as Artifacts from "./artifacts/Artifacts"
import * as Channels from "./channels/Channels"
import * as Chat from "./chat/Chat"
import * as Connections from "./connectors/Connections"
import * as OAuthApps from "./connectors/OAuthApps"
import * as SyncRouting from "./connectors/SyncRouting"
import * as Curation from "./curation/Curation"
import * as Extraction from "./graph/Extraction"
import * as ExtractionTrigger from "./jobs/ExtractionTrigger"
import * as Folios from "./folios/Folios"
import * as Gateway from "./gateway/Gateway"
import * as GatewayProbe from "./gateway/GatewayProbe"
import * as Graph from "./graph/Graph"
import * as HarvesterDevices from "./harvester/HarvesterDevices"
import * as HttpListener from "./platform/HttpListener"
import { ServerLive } from "./Server"
import { HttpAppLive } from "./HttpApp"
import * as JobBodies from "./jobs/Bodies"
import * as KeyCheck from "./keys/KeyCheck"
import * as JobRuns from "./jobs/JobRuns"
import * as LiveUpdates from "./live/LiveUpdates"
import * as McpToolCatalog from "./mcp/ToolCatalog"
import * as Memories from "./memories/Memories"
import * as ModelRoutes from "./models/ModelRoutes"
import * as DatabaseProbe from "./meta/DatabaseProbe"
import * as NoteHistory from "./notes/NoteHistory"
import * as Notes from "./notes/Notes"
import * as Exports from "./portability/Exports"
import * as Imports from "./portability/Imports"
import * as Crypto from "./platform/Crypto"
import * as Db from "./platform/Db"
import * as EnvFileMode from "./platform/EnvFileMode"
import * as HostEnv from "./platform/HostEnv"
import * as Logging from "./platform/Logging"
import * as MasterKey from "./platform/MasterKey"
import { migrate } from "./platform/Migrator"
import * as RlsScope from "./platform/RlsScope"
import * as Search from "./search/Search"
import * as Settings from "./settings/Settings"
import * as Tasks from "./tasks/Tasks"
import * as ReplyWorker from "./webhooks/ReplyWorker"
import * as Trash from "./trash/Trash"
import * as Workspaces from "./workspaces/Workspaces"

/**
 * Log level and format, and no tracing: the host exports no traces, and every span (one per request, one per SQL
 * statement) costs allocations and attribute work on the request path (measured in test/bench/RESULTS.md).
 */
export const LoggingLive = Layer.merge(Logging.layer, Layer.setTracerEnabled(false))

/**
 * Checked before anything connects: the master key, and the gateway URL (a remote one is refused from the URL alone);
 * an env file open to group or others is reported.
 */
export const PlatformLive = (hostEnv: HostEnv.HostEnvShape) =>
  Layer.merge(Crypto.layer, Gateway.layer).pipe(
    Layer.provideMerge(Layer.merge(MasterKey.layer, EnvFileMode.warnLayer)),
    Layer.provideMerge(Layer.succeed(HostEnv.HostEnv, hostEnv))
  )

const MigrationsLive = Layer.effectDiscard(Effect.flatMap(Db.OwnerDb, (sql) => migrate(sql)))

/**
 * Owner pool, migrations applied, the master key checked against the database, then the app pool (its role is created
 * by the first migration) and the workspace scope over it.
 */
export const DatabaseLive = RlsScope.layer.pipe(
  Layer.provideMerge(Db.appLayer),
  Layer.provideMerge(KeyCheck.layer),
  Layer.provideMerge(MigrationsLive),
  Layer.provideMerge(Db.ownerLayer)
)

/** What a feature's layer may leave to the root: the platform, built above in boot order. */
type Platform = HostEnv.HostEnv | Gateway.Gateway | Crypto.Crypto | Db.OwnerDb | Db.AppDb | RlsScope.RlsScope

/**
 * Every feature the server and the background work use. A layer provided in several features' files (LiveUpdates,
 * Harvest, Notes, …) is one value, and Effect builds a value once per boot: every feature shares one instance.
 */
export const DomainLive = Layer.mergeAll(
  Workspaces.layer,
  LiveUpdates.layer,
  Notes.layer,
  Folios.layer,
  Graph.layer,
  Extraction.layer,
  Memories.layer,
  Artifacts.layer,
  Tasks.layer,
  NoteHistory.layer,
  Search.layer,
  Settings.layer,
  Curation.layer,
  ModelRoutes.layer,
  Chat.layer,
  AgentTasks.layer,
  Channels.layer,
  ReplyWorker.layer,
  OAuthApps.layer,
  Connections.layer,
  SyncRouting.layer,
  HarvesterDevices.layer,
  ApiKeys.layer,
  JobRuns.layer,
  JobBodies.schedulerLayer,
  ExtractionTrigger.layer.pipe(Layer.provide(JobBodies.schedulerLayer)),
  McpToolCatalog.layer,
  Trash.layer,
  Imports.layer,
  Exports.layer
) satisfies Layer.Layer<never, unknown, Platform>

export const HostLive = (hostEnv: HostEnv.HostEnvShape) =>
  ServerLive.pipe(
    Layer.provide([GatewayProbe.layer, DatabaseProbe.layer]),
    Layer.provide(DomainLive),
    Layer.provideMerge(HttpListener.layer),
    Layer.provideMerge(DatabaseLive),
    Layer.provideMerge(PlatformLive(hostEnv))
  )

/**
 * HostLive without the Node listener: the same app and services, served on whichever HttpServer and HttpListener
 * are provided (tests serve it in-process on the listener's own socket settings).
 */
export const HostAppLive = (hostEnv: HostEnv.HostEnvShape) =>
  HttpAppLive.pipe(
    Layer.provide([GatewayProbe.layer, DatabaseProbe.layer]),
    Layer.provide(DomainLive),
    Layer.provideMerge(DatabaseLive),
    Layer.provideMerge(PlatformLive(hostEnv))
  )
