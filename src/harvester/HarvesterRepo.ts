// SQL of harvester_pairing_codes and harvester_devices. The owner's statements run inside the caller's RLS scope;
// claim and push run in their own transaction, reading the one row the presented secret's hash names (policies
// pairing_code_lookup and device_token_lookup), then switch to its workspace.
import { SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { WorkspaceId } from "../platform/CurrentWorkspace"
import { AppDb } from "../platform/Db"

export const DeviceRow = Schema.Struct({
  id: Schema.UUID,
  name: Schema.String,
  connector: Schema.String,
  lastSeenAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  revokedAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  createdAt: Schema.DateTimeUtcFromDate
})
export type DeviceRow = typeof DeviceRow.Type

const CodeRow = Schema.Struct({
  id: Schema.UUID,
  workspaceId: WorkspaceId,
  connector: Schema.String,
  deviceName: Schema.String,
  live: Schema.Boolean
})

const TokenRow = Schema.Struct({
  id: Schema.UUID,
  workspaceId: WorkspaceId,
  connector: Schema.String,
  revoked: Schema.Boolean
})
export type TokenRow = typeof TokenRow.Type

export type ClaimOutcome =
  | { readonly _tag: "Unknown" }
  | { readonly _tag: "Expired" }
  | { readonly _tag: "Claimed"; readonly workspaceId: WorkspaceId; readonly device: DeviceRow }

const DEVICE_COLUMNS = "id, name, connector, last_seen_at, revoked_at, created_at"

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const columns = sql.unsafe(DEVICE_COLUMNS)

  const list = SqlSchema.findAll({
    Request: Schema.Void,
    Result: DeviceRow,
    execute: () => sql`select ${columns} from harvester_devices order by created_at, id`
  })

  const findCode = SqlSchema.findOne({
    Request: Schema.String,
    Result: CodeRow,
    execute: (hashHex) => sql`
      select id, workspace_id, connector, device_name, expires_at > now() as live
      from harvester_pairing_codes where code_hash = decode(${hashHex}, 'hex')`
  })

  const insertDevice = SqlSchema.single({
    Request: Schema.Struct({
      name: Schema.String,
      connector: Schema.String,
      tokenHash: Schema.Uint8ArrayFromSelf
    }),
    Result: DeviceRow,
    execute: (d) => sql`
      insert into harvester_devices (name, connector, token_hash)
      values (${d.name}, ${d.connector}, ${d.tokenHash})
      returning ${columns}`
  })

  const findToken = SqlSchema.findOne({
    Request: Schema.String,
    Result: TokenRow,
    execute: (hashHex) => sql`
      select id, workspace_id, connector, revoked_at is not null as revoked
      from harvester_devices where token_hash = decode(${hashHex}, 'hex')`
  })

  const IdRow = Schema.Struct({ id: Schema.UUID })
  const insertCode = SqlSchema.findOne({
    Request: Schema.Struct({
      codeHash: Schema.Uint8ArrayFromSelf,
      connector: Schema.String,
      deviceName: Schema.String,
      ttlSeconds: Schema.Number
    }),
    Result: Schema.Struct({ expiresAt: Schema.DateFromSelf }),
    execute: (code) => sql`
      insert into harvester_pairing_codes (code_hash, connector, device_name, expires_at)
      values (${code.codeHash}, ${code.connector}, ${code.deviceName}, now() + make_interval(secs => ${code.ttlSeconds}))
      on conflict (code_hash) do nothing
      returning expires_at`
  })
  const revoke = SqlSchema.findAll({
    Request: Schema.String,
    Result: IdRow,
    execute: (id) => sql`
      update harvester_devices set revoked_at = coalesce(revoked_at, now()) where id = ${id} returning id`
  })
  const deleteCode = SqlSchema.findAll({
    Request: Schema.String,
    Result: IdRow,
    execute: (id) => sql`delete from harvester_pairing_codes where id = ${id} returning id`
  })

  return {
    /** Drops the workspace's expired codes, then stores a new one; false when its hash is already taken. */
    insertCode: (code: { codeHash: Uint8Array; connector: string; deviceName: string; ttlSeconds: number }) =>
      Effect.gen(function* () {
        yield* sql`delete from harvester_pairing_codes where expires_at <= now()`
        const inserted = yield* insertCode(code)
        return Option.map(inserted, (row) => row.expiresAt)
      }).pipe(Effect.orDie),

    list: Effect.orDie(list(undefined)),

    revoke: (id: string) =>
      revoke(id).pipe(
        Effect.orDie,
        Effect.map((rows) => rows.length > 0)
      ),

    /** Consumes a pairing code by its hash and creates the device in the code's workspace, in one transaction. */
    claim: (codeHashHex: string, tokenHash: Uint8Array) =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            yield* sql`select set_config('app.pairing_code_hash', ${codeHashHex}, true)`
            const found = yield* findCode(codeHashHex)
            if (Option.isNone(found)) return { _tag: "Unknown" } as ClaimOutcome
            const code = found.value
            yield* sql`select set_config('app.workspace_id', ${code.workspaceId}, true)`
            const deleted = yield* deleteCode(code.id)
            if (deleted.length === 0) return { _tag: "Unknown" } as ClaimOutcome
            if (!code.live) return { _tag: "Expired" } as ClaimOutcome
            const device = yield* insertDevice({ name: code.deviceName, connector: code.connector, tokenHash })
            return { _tag: "Claimed", workspaceId: code.workspaceId, device } as ClaimOutcome
          })
        )
        .pipe(Effect.orDie),

    /** The device a token hash belongs to; its last_seen_at is updated when it is not revoked. */
    authenticate: (tokenHashHex: string) =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            yield* sql`select set_config('app.device_token_hash', ${tokenHashHex}, true)`
            const found = yield* findToken(tokenHashHex)
            if (Option.isNone(found) || found.value.revoked) return Option.none<TokenRow>()
            yield* sql`select set_config('app.workspace_id', ${found.value.workspaceId}, true)`
            yield* sql`update harvester_devices set last_seen_at = now() where id = ${found.value.id}`
            return found
          })
        )
        .pipe(Effect.orDie)
  }
})
