// Composition of the host's layers, in boot order: env and master key first (a bad key stops the process before any
// port is bound or connection opened), then the owner pool, migrations and the master-key check (a key the database
// was not initialised with stops it too), then the app pool, domain services, and finally the HTTP server.
import { Effect, Layer } from "effect"
import * as Agent from "./agent/AgentLayer"
import * as ApiKeys from "./apikeys/ApiKeys"
import * as Artifacts from "./artifacts/Artifacts"
import * as Connections from "./connectors/Connections"
import * as OAuthApps from "./connectors/OAuthApps"
import * as SyncRouting from "./connectors/SyncRouting"
import * as Curation from "./curation/Curation"
import * as EmbedderLive from "./embeddings/EmbedderLive"
import * as Folios from "./folios/Folios"
import * as Gateway from "./gateway/Gateway"
import * as GatewayProbe from "./gateway/GatewayProbe"
import * as Harvest from "./harvest/Harvest"
import * as Graph from "./graph/Graph"
import * as HarvesterDevices from "./harvester/HarvesterDevices"
import * as HttpListener from "./platform/HttpListener"
import { ServerLive } from "./Server"
import { HttpAppLive } from "./HttpApp"
import * as JobBodies from "./jobs/Bodies"
import * as KeyCheck from "./keys/KeyCheck"
import * as JobRuns from "./jobs/JobRuns"
import * as Scheduler from "./jobs/Scheduler"
import * as LiveUpdates from "./live/LiveUpdates"
import * as McpToolCatalog from "./mcp/ToolCatalog"
import * as Memories from "./memories/Memories"
import * as ModelRouteKeys from "./models/ModelRouteKeys"
import * as RoutedEmbedder from "./models/RoutedEmbedder"
import * as DatabaseProbe from "./meta/DatabaseProbe"
import * as Notes from "./notes/Notes"
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
import * as Webhooks from "./webhooks/WebhooksLayer"
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
 * by the first migration).
 */
export const DatabaseLive = Db.appLayer.pipe(
  Layer.provideMerge(KeyCheck.layer),
  Layer.provideMerge(MigrationsLive),
  Layer.provideMerge(Db.ownerLayer)
)

/** Shared infrastructure every domain service may use, including the gateway and model routes (embeddings follow a
 * workspace's `embeddings` route); model-route keys sealed before they named their base URL are bound to it first. */
export const InfraLive = Harvest.layer.pipe(
  Layer.provideMerge(RoutedEmbedder.layer),
  Layer.provideMerge(Agent.routingLayer),
  Layer.provideMerge(ModelRouteKeys.bindLegacyKeysLayer),
  Layer.provideMerge(Layer.mergeAll(Workspaces.layer, RlsScope.layer, LiveUpdates.layer, EmbedderLive.layer))
)

/** The knowledge services; each may use InfraLive. */
export const KnowledgeLive = Layer.mergeAll(Notes.layer, Folios.layer, Graph.layer, Memories.layer, Artifacts.layer)

/** Services built on the knowledge services: tasks live in notes, search reads them all, agent tasks write notes. */
export const DerivedLive = Layer.mergeAll(
  Tasks.layer,
  Search.layer,
  Settings.layer,
  Curation.layer,
  Agent.layer,
  Webhooks.layer,
  Connections.layer.pipe(Layer.provideMerge(OAuthApps.layer)),
  HarvesterDevices.layer.pipe(Layer.provideMerge(SyncRouting.layer)),
  ApiKeys.layer
)

/** Background work: pg-boss queues fed by node-cron, with the job bodies; built once the services exist. */
export const JobsLive = Scheduler.layer.pipe(Layer.provideMerge(JobRuns.layer), Layer.provide(JobBodies.layer))

export const DomainLive = Layer.mergeAll(JobsLive, McpToolCatalog.layer).pipe(
  Layer.provideMerge(DerivedLive),
  Layer.provideMerge(KnowledgeLive),
  Layer.provideMerge(InfraLive)
)

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
