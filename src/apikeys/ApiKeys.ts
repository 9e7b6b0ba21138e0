// Host API keys, an opt-in defence beyond the threat model's default (CARABASE_API_KEYS_REQUIRED=true): a key is
// `cbk_` and 43 base64url characters, shown once when the operator CLI creates it; only its SHA-256 is stored. The
// CLI writes keys with the owner connection; the host only reads them (carabase_app may SELECT api_keys, nothing
// else) to check a request's `Authorization: Bearer <key>`.
import * as crypto from "node:crypto"
import { type SqlClient, SqlSchema } from "@effect/sql"
import { Config, Context, Effect, Layer, Redacted, Schema } from "effect"
import { AppDb } from "../platform/Db"

const KEY_FORMAT = /^cbk_[A-Za-z0-9_-]{43}$/

export const apiKeysRequired = Config.boolean("CARABASE_API_KEYS_REQUIRED").pipe(Config.withDefault(false))

const hashOf = (key: string) => crypto.createHash("sha256").update(key, "utf8").digest()

const ApiKeyInfo = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  createdAt: Schema.DateFromSelf,
  revokedAt: Schema.NullOr(Schema.DateFromSelf)
})
export interface ApiKeyInfo extends Schema.Schema.Type<typeof ApiKeyInfo> {}

const IdRow = Schema.Struct({ id: Schema.String })

/** Creates a key; the returned Redacted is the only copy of the key there will ever be. */
export const createKey = (sql: SqlClient.SqlClient, name: string) =>
  Effect.gen(function* () {
    const key = `cbk_${crypto.randomBytes(32).toString("base64url")}`
    const row = yield* SqlSchema.single({
      Request: Schema.Struct({ name: Schema.String, keyHash: Schema.Uint8ArrayFromSelf }),
      Result: IdRow,
      execute: ({ keyHash, name }) =>
        sql`insert into api_keys (name, key_hash) values (${name}, ${keyHash}) returning id`
    })({ name, keyHash: hashOf(key) }).pipe(
      Effect.catchTags({ ParseError: Effect.die, NoSuchElementException: Effect.die })
    )
    return { id: row.id, key: Redacted.make(key) }
  })

export const listKeys = (sql: SqlClient.SqlClient) =>
  SqlSchema.findAll({
    Request: Schema.Void,
    Result: ApiKeyInfo,
    execute: () => sql`select id, name, created_at, revoked_at from api_keys order by created_at, id`
  })(undefined).pipe(Effect.catchTag("ParseError", Effect.die))

/** Answers false when there is no such key. Revoking twice keeps the first revocation time. */
export const revokeKey = (sql: SqlClient.SqlClient, id: string) =>
  SqlSchema.findAll({
    Request: Schema.String,
    Result: IdRow,
    execute: (id) => sql`update api_keys set revoked_at = coalesce(revoked_at, now()) where id = ${id} returning id`
  })(id).pipe(
    Effect.map((rows) => rows.length > 0),
    Effect.catchTag("ParseError", Effect.die)
  )

export interface ApiKeysShape {
  /** Whether an `Authorization` header carries a live key. */
  readonly verify: (authorization: string | undefined) => Effect.Effect<boolean>
}

export class ApiKeys extends Context.Tag("carabase/ApiKeys")<ApiKeys, ApiKeysShape>() {}

export const layer = Layer.effect(
  ApiKeys,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const liveHashes = SqlSchema.findAll({
      Request: Schema.Uint8ArrayFromSelf,
      Result: Schema.Struct({ keyHash: Schema.Uint8ArrayFromSelf }),
      execute: (hash) => sql`select key_hash from api_keys where key_hash = ${hash} and revoked_at is null`
    })
    return {
      verify: (authorization) =>
        Effect.gen(function* () {
          const match = /^Bearer (\S+)$/i.exec(authorization?.trim() ?? "")
          if (match === null || !KEY_FORMAT.test(match[1]!)) return false
          const presented = hashOf(match[1]!)
          const rows = yield* liveHashes(presented).pipe(Effect.orDie)
          return rows.some((row) => row.keyHash.length === 32 && crypto.timingSafeEqual(row.keyHash, presented))
        })
    } satisfies ApiKeysShape
  })
)
