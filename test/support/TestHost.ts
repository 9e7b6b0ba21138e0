// The real host, in-process, for one test file: its own fresh database, the whole layer graph the host process builds
// (src/Host.ts HostAppLive) with its settings read from a ConfigProvider built for the test (never the runner's
// process.env), and the HTTP app served on the listener's own Node server bound to a free port.
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Context, Effect, Layer } from "effect"
import { CarabaseApi } from "../../src/Api"
import { HostAppLive, LoggingLive } from "../../src/Host"
import { listenHost } from "../../src/http/ListenAddress"
import * as HostEnv from "../../src/platform/HostEnv"
import * as HttpListener from "../../src/platform/HttpListener"
import { createDatabase, type TestDatabase } from "./database"
import { TEST_MASTER_KEY } from "./keys"
import { scratchDir } from "./hostProcess"

export interface TestHostShape {
  /** `http://127.0.0.1:<port>`, for fetch and the typed client. */
  readonly base: string
  readonly db: TestDatabase
}

export class TestHost extends Context.Tag("test/TestHost")<TestHost, TestHostShape>() {}

/**
 * The environment a spawned host would get from hostProcess.hostEnv, minus PORT (the server takes a free one).
 * Logs below error stay quiet: a spawned host's output is never shown either.
 */
const testSettings = (db: TestDatabase, env: Record<string, string> = {}): Record<string, string> => ({
  HOST_MASTER_KEY: TEST_MASTER_KEY,
  DATABASE_URL: db.ownerUrl,
  APP_DATABASE_URL: db.appUrl,
  LOG_LEVEL: "error",
  ...env
})

/** The app on the HttpListener's Node server (its timeouts and connection tracking), on HOST and a free port. */
const InProcessServer = Layer.unwrapEffect(
  Effect.gen(function* () {
    const listener = yield* HttpListener.HttpListener
    const host = yield* listenHost
    return NodeHttpServer.layer(() => listener.server, { host, port: 0 })
  })
)

const database = (label: string) =>
  Effect.acquireRelease(
    Effect.promise(() => createDatabase(label)),
    (db) => Effect.promise(() => db.drop())
  )

/**
 * The host on a fresh database named after `label`, with `env` added to its settings, released (server closed,
 * database dropped) with the layer. Provides TestHost, the HttpClient pointed at it, and every service of the host.
 */
export const layer = (label: string, env: Record<string, string> = {}) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      if (env.TZ !== undefined) {
        return yield* Effect.dieMessage(
          "TZ sets the process's own time zone: run this suite as a process (processHostSuite)"
        )
      }
      const db = yield* database(label)
      // Read the way main.ts reads it, from a scratch directory (no env file) and this map instead of process.env.
      const loaded = yield* HostEnv.loadEnvironment({ cwd: scratchDir(), processEnv: testSettings(db, env) })
      const served = HostAppLive(loaded.hostEnv).pipe(
        Layer.provideMerge(InProcessServer),
        Layer.provideMerge(HttpListener.layer),
        Layer.provide(LoggingLive),
        Layer.provide(HostEnv.layer(loaded))
      )
      const testHost = Layer.effect(
        TestHost,
        Effect.map(HttpServer.HttpServer, (server) => {
          const { port } = server.address as HttpServer.TcpAddress
          return { base: `http://127.0.0.1:${port}`, db }
        })
      )
      const client = Layer.unwrapEffect(Effect.map(TestHost, ({ base }) => clientFor(base)))
      return client.pipe(Layer.provideMerge(testHost), Layer.provideMerge(served))
    })
  )

/**
 * For `it.layer(TestHost.layer(...), TestHost.layerOptions)`: the host runs on the live clock (a TestClock would stop
 * its timers and schedules), and builds within the hook timeout.
 */
export const layerOptions = { excludeTestServices: true, timeout: "2 minutes" } as const

/** The typed client (as the web UI derives it) on the HttpClient in context, with `x-workspace-id` when given. */
export const apiClient = (workspaceId?: string) =>
  HttpApiClient.make(CarabaseApi, {
    ...(workspaceId === undefined
      ? {}
      : { transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-workspace-id", workspaceId)) })
  })

/** A new workspace's id. */
export const createWorkspace = (name: string) =>
  Effect.flatMap(apiClient(), (api) => api.workspaces.create({ payload: { name } })).pipe(
    Effect.map((result) => result.workspace.id)
  )

/** The HttpClient (fetch, as browsers and the web UI send requests) with relative URLs resolved against `base`. */
export const clientFor = (base: string) =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, HttpClient.mapRequest(HttpClientRequest.prependUrl(base)))
  ).pipe(Layer.provide(FetchHttpClient.layer))
