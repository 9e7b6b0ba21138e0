// The two PostgreSQL pools. OwnerDb (DATABASE_URL) runs migrations, backups and the job queue; AppDb
// (APP_DATABASE_URL, role carabase_app) carries every read and write of workspace data, always inside RlsScope.
// The app pool refuses to start if its role could bypass Row-Level Security.
import { PgClient } from "@effect/sql-pg"
import { Reactivity } from "@effect/experimental"
import { Config, Context, Effect, Layer, Option, Redacted, String as Str } from "effect"
import { BootError, HostEnv } from "./HostEnv"

export class OwnerDb extends Context.Tag("carabase/OwnerDb")<OwnerDb, PgClient.PgClient>() {}
export class AppDb extends Context.Tag("carabase/AppDb")<AppDb, PgClient.PgClient>() {}

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

/** Column names: snake_case in SQL, camelCase in rows. JSON documents (notes, settings) are stored verbatim. */
export const appNameTransforms = {
  transformResultNames: Str.snakeToCamel,
  transformQueryNames: Str.camelToSnake,
  transformJson: false
}

const connect = (name: "DATABASE_URL" | "APP_DATABASE_URL", options: { maxConnections: number; camelCase: boolean }) =>
  Effect.gen(function* () {
    const url = yield* requiredUrl(name)
    return yield* PgClient.make({
      url,
      maxConnections: options.maxConnections,
      connectTimeout: "5 seconds",
      idleTimeout: "60 seconds",
      applicationName: name === "DATABASE_URL" ? "carabase-owner" : "carabase-app",
      ...(options.camelCase ? appNameTransforms : {})
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
  connect("DATABASE_URL", { maxConnections: 4, camelCase: false })
).pipe(Layer.provide(Reactivity.layer))

export const appLayer: Layer.Layer<AppDb, BootError, HostEnv> = Layer.scoped(
  AppDb,
  Effect.gen(function* () {
    const sql = yield* connect("APP_DATABASE_URL", { maxConnections: 10, camelCase: true })
    const [role] = yield* sql<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>`
      select rolname, rolsuper, rolbypassrls from pg_roles where rolname = current_user
    `.pipe(Effect.orDie)
    if (role === undefined || role.rolsuper || role.rolbypassrls) {
      return yield* new BootError({
        message: `APP_DATABASE_URL logs in as ${role?.rolname ?? "an unknown role"}, which bypasses Row-Level Security: it must log in as carabase_app`
      })
    }
    return sql
  })
).pipe(Layer.provide(Reactivity.layer))

/** One plain connection for operator tools (doctor, rotate-key): no pool to speak of, no role check, snake_case rows. */
export const singleConnection = (name: "DATABASE_URL" | "APP_DATABASE_URL") =>
  connect(name, { maxConnections: 1, camelCase: false }).pipe(Effect.provide(Reactivity.layer))
