// SQL of oauth_apps, oauth_states and connections. Workspace statements run inside the caller's RLS scope; the
// state lookup runs in its own transaction, reading the one row its hash names (policy oauth_state_lookup).
import { SqlSchema } from "@effect/sql"
import { Effect, Option, Schema } from "effect"
import { WorkspaceId } from "../platform/CurrentWorkspace"
import { AppDb } from "../platform/Db"
import { Provider, TokenStatus } from "./ConnectorsApi"

const OAuthAppRow = Schema.Struct({
  id: Schema.UUID,
  provider: Provider,
  clientId: Schema.String,
  createdAt: Schema.DateTimeUtcFromDate
})

const SealedAppRow = Schema.Struct({
  id: Schema.UUID,
  clientId: Schema.String,
  clientSecretSealed: Schema.Uint8ArrayFromSelf
})
export type SealedAppRow = typeof SealedAppRow.Type

export const ConnectionRow = Schema.Struct({
  id: Schema.UUID,
  provider: Provider,
  accountId: Schema.String,
  accountLabel: Schema.String,
  scopes: Schema.Array(Schema.String),
  tokenStatus: TokenStatus,
  expiresAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  syncedUntil: Schema.NullOr(Schema.DateTimeUtcFromDate),
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
})
export type ConnectionRow = typeof ConnectionRow.Type

const SealedConnectionRow = Schema.Struct({
  ...ConnectionRow.fields,
  accessTokenSealed: Schema.NullOr(Schema.Uint8ArrayFromSelf),
  refreshTokenSealed: Schema.NullOr(Schema.Uint8ArrayFromSelf)
})
export type SealedConnectionRow = typeof SealedConnectionRow.Type

const StateRow = Schema.Struct({
  id: Schema.UUID,
  workspaceId: WorkspaceId,
  provider: Provider,
  codeVerifierSealed: Schema.Uint8ArrayFromSelf,
  redirectUri: Schema.String,
  /** The scopes the attempt asked for (null for attempts made before the host recorded them). */
  scopes: Schema.NullOr(Schema.Array(Schema.String)),
  live: Schema.Boolean
})
export type StateRow = typeof StateRow.Type

const CONNECTION_COLUMNS =
  "id, provider, account_id, account_label, scopes, token_status, expires_at, synced_until, created_at, updated_at"

export interface NewState {
  readonly id: string
  readonly provider: Provider
  readonly stateHash: Uint8Array
  readonly codeVerifierSealed: Uint8Array
  readonly redirectUri: string
  readonly scopes: ReadonlyArray<string>
  readonly ttlSeconds: number
}

export interface StoredTokens {
  readonly id: string
  readonly accessTokenSealed: Uint8Array
  /** null keeps the stored refresh token (a refresh answer need not carry a new one). */
  readonly refreshTokenSealed: Uint8Array | null
  readonly expiresAt: Date | null
  readonly scopes: ReadonlyArray<string> | null
}

const orDie = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.orDie(effect)

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const connectionColumns = sql.unsafe(CONNECTION_COLUMNS)

  const insertApp = SqlSchema.findAll({
    Request: Schema.Struct({
      id: Schema.UUID,
      provider: Provider,
      clientId: Schema.String,
      sealed: Schema.Uint8ArrayFromSelf
    }),
    Result: OAuthAppRow,
    execute: (app) => sql`
      insert into oauth_apps (id, provider, client_id, client_secret_sealed)
      values (${app.id}, ${app.provider}, ${app.clientId}, ${app.sealed})
      on conflict (workspace_id, provider) do nothing
      returning id, provider, client_id, created_at`
  })

  const listApps = SqlSchema.findAll({
    Request: Schema.Void,
    Result: OAuthAppRow,
    execute: () => sql`select id, provider, client_id, created_at from oauth_apps order by provider`
  })

  const removeApp = SqlSchema.findAll({
    Request: Schema.UUID,
    Result: Schema.Struct({ id: Schema.UUID }),
    execute: (id) => sql`delete from oauth_apps where id = ${id} returning id`
  })

  const sealedApp = SqlSchema.findOne({
    Request: Provider,
    Result: SealedAppRow,
    execute: (provider) => sql`select id, client_id, client_secret_sealed from oauth_apps where provider = ${provider}`
  })

  const findState = SqlSchema.findOne({
    Request: Schema.String,
    Result: StateRow,
    execute: (hashHex) => sql`
      select id, workspace_id, provider, code_verifier_sealed, redirect_uri, scopes, expires_at > now() as live
      from oauth_states where state_hash = decode(${hashHex}, 'hex')`
  })

  const listConnections = SqlSchema.findAll({
    Request: Schema.Void,
    Result: ConnectionRow,
    execute: () => sql`select ${connectionColumns} from connections order by provider, account_label, id`
  })

  const sealedConnection = SqlSchema.findOne({
    Request: Schema.UUID,
    Result: SealedConnectionRow,
    execute: (id) => sql`
      select ${connectionColumns}, access_token_sealed, refresh_token_sealed
      from connections where id = ${id} for update`
  })

  const connectionByAccount = SqlSchema.findOne({
    Request: Schema.Struct({ provider: Provider, account: Schema.String }),
    Result: ConnectionRow,
    execute: ({ account, provider }) => sql`
      select ${connectionColumns} from connections
      where provider = ${provider}
        and (id::text = ${account.toLowerCase()} or account_id = ${account} or lower(account_label) = lower(${account}))
      order by (id::text = ${account.toLowerCase()}) desc, (account_id = ${account}) desc limit 1`
  })

  const IdRow = Schema.Struct({ id: Schema.UUID })
  const deleteState = SqlSchema.findAll({
    Request: Schema.String,
    Result: IdRow,
    execute: (id) => sql`delete from oauth_states where id = ${id} returning id`
  })
  const connectionIdFor = SqlSchema.findOne({
    Request: Schema.Struct({ provider: Provider, accountId: Schema.String }),
    Result: IdRow,
    execute: ({ accountId, provider }) => sql`
      select id from connections where provider = ${provider} and account_id = ${accountId} for update`
  })

  return {
    insertApp: (app: { id: string; provider: Provider; clientId: string; sealed: Uint8Array }) =>
      Effect.map(orDie(insertApp(app)), (rows) => Option.fromNullable(rows[0])),
    listApps: orDie(listApps(undefined)),
    removeApp: (id: string) => Effect.map(orDie(removeApp(id)), (rows) => rows.length > 0),
    sealedApp: (provider: Provider) => orDie(sealedApp(provider)),

    /** Drops the workspace's expired attempts, then stores a new one. */
    insertState: (state: NewState) =>
      orDie(
        Effect.zipRight(
          sql`delete from oauth_states where expires_at <= now()`,
          sql`
            insert into oauth_states (id, provider, state_hash, code_verifier_sealed, redirect_uri, scopes, expires_at)
            values (${state.id}, ${state.provider}, ${state.stateHash}, ${state.codeVerifierSealed},
                    ${state.redirectUri}, ${state.scopes}::text[], now() + make_interval(secs => ${state.ttlSeconds}))`
        )
      ),

    /**
     * Consumes an attempt by its state hash: reads the one row the hash names, switches the transaction to its
     * workspace and deletes it. None when unknown or already consumed (by this or a concurrent callback).
     */
    consumeState: (hashHex: string) =>
      sql
        .withTransaction(
          Effect.gen(function* () {
            yield* sql`select set_config('app.oauth_state_hash', ${hashHex}, true)`
            const row = yield* findState(hashHex)
            if (Option.isNone(row)) return Option.none<StateRow>()
            yield* sql`select set_config('app.workspace_id', ${row.value.workspaceId}, true)`
            const deleted = yield* deleteState(row.value.id)
            return deleted.length === 0 ? Option.none<StateRow>() : row
          })
        )
        .pipe(orDie),

    listConnections: orDie(listConnections(undefined)),
    sealedConnection: (id: string) => orDie(sealedConnection(id)),
    connectionByAccount: (provider: Provider, account: string) => orDie(connectionByAccount({ provider, account })),

    /** The id of the workspace's connection to this account, locked, if there is one. */
    connectionIdFor: (provider: Provider, accountId: string) =>
      connectionIdFor({ provider, accountId }).pipe(
        orDie,
        Effect.map((row) => Option.map(row, (found) => found.id))
      ),

    upsertConnection: (row: {
      id: string
      provider: Provider
      accountId: string
      accountLabel: string
      scopes: ReadonlyArray<string>
      accessTokenSealed: Uint8Array
      refreshTokenSealed: Uint8Array | null
      expiresAt: Date | null
    }) =>
      sql`
        insert into connections (id, provider, account_id, account_label, scopes, access_token_sealed,
                                 refresh_token_sealed, expires_at, token_status)
        values (${row.id}, ${row.provider}, ${row.accountId}, ${row.accountLabel}, ${row.scopes}::text[],
                ${row.accessTokenSealed}, ${row.refreshTokenSealed}, ${row.expiresAt}, 'active')
        on conflict (id) do update set
          account_label = excluded.account_label, scopes = excluded.scopes,
          access_token_sealed = excluded.access_token_sealed, refresh_token_sealed = excluded.refresh_token_sealed,
          expires_at = excluded.expires_at, token_status = 'active', updated_at = now()`.pipe(orDie, Effect.asVoid),

    storeTokens: (tokens: StoredTokens) =>
      sql`
        update connections set
          access_token_sealed = ${tokens.accessTokenSealed},
          refresh_token_sealed = coalesce(${tokens.refreshTokenSealed}, refresh_token_sealed),
          expires_at = ${tokens.expiresAt},
          scopes = coalesce(${tokens.scopes}::text[], scopes),
          token_status = 'active', updated_at = now()
        where id = ${tokens.id}`.pipe(orDie, Effect.asVoid),

    /** The provider refused the refresh token: the tokens are useless, so they are erased too. */
    markRevoked: (id: string) =>
      sql`
        update connections set token_status = 'revoked', access_token_sealed = null, refresh_token_sealed = null,
          updated_at = now()
        where id = ${id}`.pipe(orDie, Effect.asVoid),

    markExpired: (id: string) =>
      sql`update connections set token_status = 'expired', updated_at = now() where id = ${id}`.pipe(
        orDie,
        Effect.asVoid
      ),

    setSyncedUntil: (id: string, until: Date) =>
      sql`update connections set synced_until = ${until} where id = ${id}`.pipe(orDie, Effect.asVoid),

    deleteConnection: (id: string) => sql`delete from connections where id = ${id}`.pipe(orDie, Effect.asVoid),

    getConnection: (id: string) =>
      sql`select ${connectionColumns} from connections where id = ${id}`.pipe(
        Effect.flatMap((rows) => Schema.decodeUnknown(Schema.Array(ConnectionRow))(rows)),
        orDie,
        Effect.map((rows) => Option.fromNullable(rows[0]))
      )
  }
})

export type ConnectorsRepo = Effect.Effect.Success<typeof make>
