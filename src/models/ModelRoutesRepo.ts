// SQL of model_routes (one row per workspace and role, in the `purpose` column). Callers run it inside RlsScope;
// `list` and `find`, single statements, run as the current workspace by themselves.
import { SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import { ModelProvider, ModelRole } from "./ModelRoutesApi"

export const RouteRow = Schema.Struct({
  id: Schema.String,
  purpose: Schema.String,
  provider: ModelProvider,
  model: Schema.String,
  baseUrl: Schema.NullOr(Schema.String),
  apiKeySealed: Schema.NullOr(Schema.Uint8ArrayFromSelf),
  apiKeyLast4: Schema.NullOr(Schema.String),
  updatedAt: Schema.DateFromSelf
})
export interface RouteRow extends Schema.Schema.Type<typeof RouteRow> {}

export const SealedKeyRow = Schema.Struct({
  id: Schema.String,
  provider: ModelProvider,
  baseUrl: Schema.NullOr(Schema.String),
  apiKeySealed: Schema.Uint8ArrayFromSelf
})
export interface SealedKeyRow extends Schema.Schema.Type<typeof SealedKeyRow> {}

export interface RouteWrite {
  readonly provider: ModelProvider
  readonly model: string
  readonly baseUrl: string | null
  readonly apiKeySealed: Uint8Array | null
  readonly apiKeyLast4: string | null
}

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const columns = sql`id, purpose, provider, model, base_url, api_key_sealed, api_key_last4, updated_at`
  const list = SqlSchema.findAll({
    Request: Schema.Void,
    Result: RouteRow,
    execute: () => rls.rows(sql`select ${columns} from model_routes order by purpose`)
  })
  const find = SqlSchema.findOne({
    Request: ModelRole,
    Result: RouteRow,
    execute: (role) => rls.rows(sql`select ${columns} from model_routes where purpose = ${role}`)
  })
  const lockOrCreate = SqlSchema.single({
    Request: Schema.Struct({ role: ModelRole, id: Schema.String, provider: ModelProvider, model: Schema.String }),
    Result: RouteRow,
    execute: ({ id, model, provider, role }) =>
      sql`
        insert into model_routes (id, purpose, provider, model) values (${id}, ${role}, ${provider}, ${model})
        on conflict (workspace_id, purpose) do nothing
      `.pipe(Effect.zipRight(sql`select ${columns} from model_routes where purpose = ${role} for update`))
  })
  const update = SqlSchema.single({
    Request: Schema.Struct({
      id: Schema.String,
      provider: ModelProvider,
      model: Schema.String,
      baseUrl: Schema.NullOr(Schema.String),
      apiKeySealed: Schema.NullOr(Schema.Uint8ArrayFromSelf),
      apiKeyLast4: Schema.NullOr(Schema.String)
    }),
    Result: RouteRow,
    execute: (write) => sql`
      update model_routes
      set provider = ${write.provider}, model = ${write.model}, base_url = ${write.baseUrl},
          api_key_sealed = ${write.apiKeySealed === null ? null : Buffer.from(write.apiKeySealed)},
          api_key_last4 = ${write.apiKeyLast4}, updated_at = now()
      where id = ${write.id}
      returning ${columns}
    `
  })
  const sealedKeysForUpdate = SqlSchema.findAll({
    Request: Schema.Void,
    Result: SealedKeyRow,
    execute: () => sql`
      select id, provider, base_url, api_key_sealed from model_routes where api_key_sealed is not null for update
    `
  })
  const remove = SqlSchema.findAll({
    Request: ModelRole,
    Result: Schema.Struct({ id: Schema.String }),
    execute: (role) => sql`delete from model_routes where purpose = ${role} returning id`
  })

  return {
    list: list(undefined).pipe(Effect.orDie),
    /**
     * The role's route. Every search, chat turn and index write asks, so it is one round trip (RlsScope.rows) rather
     * than a transaction of three statements; inside an open scope it reads on that transaction.
     */
    find: (role: ModelRole) => find(role).pipe(Effect.orDie),
    /** Creates the row if missing and locks it, so its id (which a sealed key is bound to) is known before writing. */
    lockOrCreate: (role: ModelRole, id: string, provider: ModelProvider, model: string) =>
      lockOrCreate({ role, id, provider, model }).pipe(Effect.orDie),
    update: (id: string, write: RouteWrite) => update({ id, ...write }).pipe(Effect.orDie),
    /** The workspace's routes that hold a key, locked for re-sealing. */
    sealedKeysForUpdate: sealedKeysForUpdate(undefined).pipe(Effect.orDie),
    setSealedKey: (id: string, sealed: Uint8Array) =>
      sql`update model_routes set api_key_sealed = ${Buffer.from(sealed)} where id = ${id}`.pipe(
        Effect.orDie,
        Effect.asVoid
      ),
    remove: (role: ModelRole) =>
      remove(role).pipe(
        Effect.orDie,
        Effect.map((rows) => rows.length > 0)
      )
  }
})

export type ModelRoutesRepo = Effect.Effect.Success<typeof make>
