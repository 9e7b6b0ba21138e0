// SQL of model_routes (one row per workspace and role, in the `purpose` column). Callers run it inside RlsScope;
// `list` and `find`, single statements, run as the current workspace by themselves.
import { Effect, Option } from "effect"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import type { ModelProvider, ModelRole } from "./ModelRoutesApi"

export interface RouteRow {
  readonly id: string
  readonly purpose: string
  readonly provider: ModelProvider
  readonly model: string
  readonly baseUrl: string | null
  readonly apiKeySealed: Uint8Array | null
  readonly apiKeyLast4: string | null
  readonly updatedAt: Date
}

export interface SealedKeyRow {
  readonly id: string
  readonly provider: ModelProvider
  readonly baseUrl: string | null
  readonly apiKeySealed: Uint8Array
}

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
  return {
    list: rls.rows(sql<RouteRow>`select ${columns} from model_routes order by purpose`),
    /**
     * The role's route. Every search, chat turn and index write asks, so it is one round trip (RlsScope.rows) rather
     * than a transaction of three statements; inside an open scope it reads on that transaction.
     */
    find: (role: ModelRole) =>
      rls
        .rows(sql<RouteRow>`select ${columns} from model_routes where purpose = ${role}`)
        .pipe(Effect.map((rows) => Option.fromNullable(rows[0]))),
    /** Creates the row if missing and locks it, so its id (which a sealed key is bound to) is known before writing. */
    lockOrCreate: (role: ModelRole, id: string, provider: ModelProvider, model: string) =>
      sql`
        insert into model_routes (id, purpose, provider, model) values (${id}, ${role}, ${provider}, ${model})
        on conflict (workspace_id, purpose) do nothing
      `.pipe(
        Effect.zipRight(sql<RouteRow>`select ${columns} from model_routes where purpose = ${role} for update`),
        Effect.orDie,
        Effect.flatMap((rows) =>
          rows[0] === undefined
            ? Effect.dieMessage("model route vanished while being written")
            : Effect.succeed(rows[0])
        )
      ),
    update: (id: string, write: RouteWrite) =>
      sql<RouteRow>`
        update model_routes
        set provider = ${write.provider}, model = ${write.model}, base_url = ${write.baseUrl},
            api_key_sealed = ${write.apiKeySealed === null ? null : Buffer.from(write.apiKeySealed)},
            api_key_last4 = ${write.apiKeyLast4}, updated_at = now()
        where id = ${id}
        returning ${columns}
      `.pipe(
        Effect.orDie,
        Effect.flatMap((rows) =>
          rows[0] === undefined
            ? Effect.dieMessage("model route vanished while being written")
            : Effect.succeed(rows[0])
        )
      ),
    /** The workspace's routes that hold a key, locked for re-sealing. */
    sealedKeysForUpdate: sql<SealedKeyRow>`
      select id, provider, base_url, api_key_sealed from model_routes where api_key_sealed is not null for update
    `.pipe(Effect.orDie),
    setSealedKey: (id: string, sealed: Uint8Array) =>
      sql`update model_routes set api_key_sealed = ${Buffer.from(sealed)} where id = ${id}`.pipe(
        Effect.orDie,
        Effect.asVoid
      ),
    remove: (role: ModelRole) =>
      sql<{ id: string }>`delete from model_routes where purpose = ${role} returning id`.pipe(
        Effect.orDie,
        Effect.map((rows) => rows.length > 0)
      )
  }
})

export type ModelRoutesRepo = Effect.Effect.Success<typeof make>
