// `carabase api-keys:create|list|revoke`: the host API keys required when CARABASE_API_KEYS_REQUIRED=true. Keys are
// written with the owner connection of the current env; a new key is printed once and stored as its SHA-256.
import { Effect, Layer, Redacted } from "effect"
import { createKey, listKeys, revokeKey } from "../apikeys/ApiKeys"
import * as Db from "../platform/Db"
import { HostEnv, loadEnvironment } from "../platform/HostEnv"
import { parseOrHelp, UsageError } from "./Args"
import { runCliEffect } from "./RunEffect"

export const createHelp = `usage: carabase api-keys:create [--name <name>]

Creates a host API key and prints it once (only its SHA-256 is stored). Clients send it as
Authorization: Bearer <key>; the host requires it when CARABASE_API_KEYS_REQUIRED=true.`

export const listHelp = `usage: carabase api-keys:list

Lists the API keys: id, name, when created and when revoked. Keys themselves cannot be shown again.`

export const revokeHelp = `usage: carabase api-keys:revoke <id>

Revokes the API key with this id (see api-keys:list); requests carrying it get 401 from then on.`

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

class KeyNotFound extends Error {}

const withOwnerDb = <A, E>(use: (sql: Db.OwnerDb["Type"]) => Effect.Effect<A, E>) =>
  runCliEffect(
    Effect.gen(function* () {
      const loaded = yield* loadEnvironment({ cwd: process.cwd(), processEnv: process.env })
      yield* Effect.flatMap(Db.OwnerDb, use).pipe(
        Effect.provide(Db.ownerLayer.pipe(Layer.provide(Layer.succeed(HostEnv, loaded.hostEnv)))),
        Effect.withConfigProvider(loaded.provider)
      )
    })
  )

export const runCreate = (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, { help: createHelp, values: ["name"] })
  if (args === null) return Promise.resolve(0)
  const name = (args.value("name") ?? "").trim()
  if (name.length > 200) throw new UsageError("--name must be at most 200 characters")
  return withOwnerDb((sql) =>
    Effect.map(createKey(sql, name), ({ id, key }) => {
      process.stderr.write(`created API key ${id}${name === "" ? "" : ` (${name})`}; it is shown only now:\n`)
      process.stdout.write(`${Redacted.value(key)}\n`)
    })
  )
}

export const runList = (argv: ReadonlyArray<string>): Promise<number> => {
  if (parseOrHelp(argv, { help: listHelp }) === null) return Promise.resolve(0)
  return withOwnerDb((sql) =>
    Effect.map(listKeys(sql), (keys) => {
      if (keys.length === 0) process.stdout.write("no API keys\n")
      for (const key of keys) {
        const state = key.revokedAt === null ? "active" : `revoked ${key.revokedAt.toISOString()}`
        process.stdout.write(`${key.id}  ${key.createdAt.toISOString()}  ${state}  ${key.name}\n`)
      }
    })
  )
}

export const runRevoke = (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, {
    help: revokeHelp,
    positionals: [{ name: "id", missing: "the id of the key to revoke is missing" }]
  })
  if (args === null) return Promise.resolve(0)
  const [id] = args.positionals
  if (!UUID.test(id)) throw new UsageError(`"${id}" is not a key id (a UUID, see api-keys:list)`)
  return withOwnerDb((sql) =>
    Effect.flatMap(revokeKey(sql, id), (found) =>
      found
        ? Effect.sync(() => process.stdout.write(`revoked API key ${id}\n`))
        : Effect.fail(new KeyNotFound(`no API key ${id}: see api-keys:list`))
    )
  )
}
