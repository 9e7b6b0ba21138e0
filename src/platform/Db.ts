// The two PostgreSQL pools. OwnerDb (DATABASE_URL) runs migrations, backups and the job queue; AppDb
// (APP_DATABASE_URL, role carabase_app) carries every read and write of workspace data, always inside RlsScope.
// The app pool refuses to start if its role could bypass Row-Level Security.
import { type SqlClient, SqlSchema, Statement } from "@effect/sql"
import { SqlError } from "@effect/sql/SqlError"
import { PgClient } from "@effect/sql-pg"
import { Reactivity } from "@effect/experimental"
import { Config, Context, Duration, Effect, Layer, Option, Redacted, Schema, String as Str } from "effect"
import pg from "pg"
import { BootError, HostEnv } from "./HostEnv"

export class OwnerDb extends Context.Tag("carabase/OwnerDb")<OwnerDb, PgClient.PgClient>() {}
export class AppDb extends Context.Tag("carabase/AppDb")<AppDb, PgClient.PgClient>() {}
/** The pg pool behind AppDb, for RlsScope's one-statement reads (which skip the per-statement Effect machinery). */
export class AppPool extends Context.Tag("carabase/AppPool")<AppPool, pg.Pool>() {}

/** `user@host:port/database` of a connection URL: what messages may show (never the password). */
export const describeUrl = (url: Redacted.Redacted<string>): string => {
  try {
    const parsed = new URL(Redacted.value(url))
    const user = decodeURIComponent(parsed.username) || "(default user)"
    const host = parsed.hostname || parsed.searchParams.get("host") || "localhost"
    return `${user}@${host}:${parsed.port || "5432"}${parsed.pathname}`
  } catch {
    return "(unparseable URL)"
  }
}

const requiredUrl = (name: "DATABASE_URL" | "APP_DATABASE_URL") =>
  Effect.gen(function* () {
    const env = yield* HostEnv
    const value = yield* Config.option(Config.redacted(name)).pipe(Effect.orElseSucceed(() => Option.none()))
    if (Option.isNone(value) || Redacted.value(value.value).trim() === "") {
      return yield* new BootError({
        message: `${name} is not set in ${env.file ?? `the process environment (no env file at ${env.fileLabel})`}: run \`npm run up\` or \`pnpm bootstrap\` to provision the database and write it`
      })
    }
    if (!/^postgres(ql)?:\/\//.test(Redacted.value(value.value))) {
      return yield* new BootError({ message: `${name} must be a postgres:// URL` })
    }
    return value.value
  })

/**
 * Column names: snake_case in SQL, camelCase in rows, on both pools and every operator connection alike. JSON
 * documents (notes, settings, to_jsonb rows) are stored and read verbatim.
 */
export const nameTransforms = {
  transformResultNames: Str.snakeToCamel,
  transformQueryNames: Str.camelToSnake,
  transformJson: false
}

/** A row as `to_jsonb(t)` answers it: its columns under their SQL names (JSON escapes the camelCase transform). */
export const JsonbRow = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** Only SqlError stays in the error channel; rows that do not decode or inserts that return nothing are defects. */
export const rowsOrDie = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.catchIf(effect, (error): error is Exclude<E, SqlError> => error._tag !== "SqlError", Effect.die)

/** What a client does to the rows a statement returns, for rows read from the pool directly. */
export const rowTransform: (rows: ReadonlyArray<object>) => ReadonlyArray<object> = Statement.defaultTransforms(
  nameTransforms.transformResultNames,
  nameTransforms.transformJson
).array

const CONNECT_TIMEOUT = Duration.seconds(5)

/**
 * A pg pool (ended with the scope) and the PgClient over it, after one `SELECT 1` within the connect timeout, as
 * PgClient.make does. The pool is built here so RlsScope can reach it.
 */
export const pooledClient = (options: {
  readonly url: Redacted.Redacted<string>
  readonly maxConnections: number
  readonly applicationName: string
}) =>
  Effect.gen(function* () {
    const pool = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const pool = new pg.Pool({
          connectionString: Redacted.value(options.url),
          max: options.maxConnections,
          connectionTimeoutMillis: Duration.toMillis(CONNECT_TIMEOUT),
          idleTimeoutMillis: 60_000,
          application_name: options.applicationName
        })
        // An idle connection that dies is dropped by the pool; the next checkout opens a new one.
        pool.on("error", () => undefined)
        return pool
      }),
      (pool) => Effect.promise(() => pool.end()).pipe(Effect.interruptible, Effect.timeoutOption(1000))
    )
    yield* Effect.tryPromise({
      try: () => pool.query("SELECT 1"),
      catch: (cause) => new SqlError({ cause, message: "PgClient: Failed to connect" })
    }).pipe(
      Effect.timeoutFail({
        duration: CONNECT_TIMEOUT,
        onTimeout: () => new SqlError({ cause: new Error("Connection timed out"), message: "Connection timed out" })
      })
    )
    const client = yield* PgClient.fromPool({
      acquire: Effect.succeed(pool),
      ...nameTransforms
    })
    return { pool, client }
  })

const connect = (name: "DATABASE_URL" | "APP_DATABASE_URL", options: { maxConnections: number }) =>
  Effect.gen(function* () {
    const url = yield* requiredUrl(name)
    return yield* pooledClient({
      url,
      maxConnections: options.maxConnections,
      applicationName: name === "DATABASE_URL" ? "carabase-owner" : "carabase-app"
    }).pipe(
      Effect.mapError(
        (error) =>
          new BootError({
            message: `cannot connect to PostgreSQL with ${name} (${describeUrl(url)}): ${causeMessage(error.cause)}`
          })
      )
    )
  })

const causeMessage = (cause: unknown): string => {
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code
    if (cause.message !== "") return cause.message
    if (code !== undefined) return code
  }
  if (cause instanceof AggregateError && cause.errors.length > 0) return causeMessage(cause.errors[0])
  return "connection failed"
}

export const ownerLayer: Layer.Layer<OwnerDb, BootError, HostEnv> = Layer.scoped(
  OwnerDb,
  Effect.map(connect("DATABASE_URL", { maxConnections: 4 }), ({ client }) => client)
).pipe(Layer.provide(Reactivity.layer))

/** The role a client logs in as, from the catalog (doctor asks the same of APP_DATABASE_URL). */
export const RoleRow = Schema.Struct({ rolname: Schema.String, rolsuper: Schema.Boolean, rolbypassrls: Schema.Boolean })
export const currentRole = (sql: SqlClient.SqlClient) =>
  SqlSchema.findOne({
    Request: Schema.Void,
    Result: RoleRow,
    execute: () => sql`select rolname, rolsuper, rolbypassrls from pg_roles where rolname = current_user`
  })(undefined)

const appContext = (pool: pg.Pool, client: PgClient.PgClient) =>
  Context.make(AppDb, client).pipe(Context.add(AppPool, pool))

export const appLayer: Layer.Layer<AppDb | AppPool, BootError, HostEnv> = Layer.scopedContext(
  Effect.gen(function* () {
    const { pool, client: sql } = yield* connect("APP_DATABASE_URL", { maxConnections: 10 })
    const role = yield* currentRole(sql).pipe(Effect.orDie, Effect.map(Option.getOrUndefined))
    if (role === undefined || role.rolsuper || role.rolbypassrls) {
      return yield* new BootError({
        message: `APP_DATABASE_URL logs in as ${role?.rolname ?? "an unknown role"}, which bypasses Row-Level Security: it must log in as carabase_app`
      })
    }
    return appContext(pool, sql)
  })
).pipe(Layer.provide(Reactivity.layer))

/** AppDb and AppPool on a given URL, without the role check: for tests and benchmarks that build their own graph. */
export const appLayerFor = (url: string, maxConnections = 10): Layer.Layer<AppDb | AppPool, SqlError> =>
  Layer.scopedContext(
    Effect.map(
      pooledClient({ url: Redacted.make(url), maxConnections, applicationName: "carabase-app" }),
      ({ pool, client }) => appContext(pool, client)
    )
  ).pipe(Layer.provide(Reactivity.layer))

/** One plain connection for operator tools (doctor, rotate-key): no pool to speak of, no role check. */
export const singleConnection = (name: "DATABASE_URL" | "APP_DATABASE_URL") =>
  connect(name, { maxConnections: 1 }).pipe(
    Effect.map(({ client }) => client),
    Effect.provide(Reactivity.layer)
  )
