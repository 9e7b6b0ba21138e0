// The master-key check, at boot and in doctor. A database stores a value only its HOST_MASTER_KEY gives
// (master_key_check, owner connection only), so a host started with another key refuses to boot with one line saying
// so, before it binds its port, instead of answering 500 wherever a sealed secret is used. A database from before the
// check gets one on its first boot, once the key has opened a stored secret (or none is stored yet).
import type { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Config, Effect, Layer } from "effect"
import { Crypto, type CryptoShape } from "../platform/Crypto"
import { describeUrl, OwnerDb } from "../platform/Db"
import { BootError, HostEnv, type HostEnvShape } from "../platform/HostEnv"
import { keySource } from "../platform/MasterKey"
import { bindingOf, hasKeyCheckTable, keyCheckRows, openSealed, sealedColumns, sealedRows } from "./KeyRotation"

export type StoredSecrets = "none" | "open" | "do-not-open" | "unreadable"

export type KeyCheckStatus =
  | { readonly _tag: "Matches" }
  | { readonly _tag: "Differs" }
  /** No check recorded yet (a database from before it, or never booted): what the stored secrets say instead. */
  | { readonly _tag: "Unrecorded"; readonly secrets: StoredSecrets }
  | { readonly _tag: "NoTable" }

/** Whether this key opens the secrets already stored; one that opens is enough, since another key opens none. */
const storedSecrets = (sql: SqlClient.SqlClient, crypto: CryptoShape) =>
  sql
    .withTransaction(
      Effect.gen(function* () {
        yield* sql`set local row_security = off`
        let seen = 0
        for (const column of yield* sealedColumns(sql)) {
          for (const row of yield* sealedRows(sql, column)) {
            seen++
            const opened = yield* Effect.either(
              openSealed(crypto, row.value, bindingOf(column.table, column.column, row.id, row.row))
            )
            if (opened._tag === "Right") return "open" as const
          }
        }
        return seen === 0 ? ("none" as const) : ("do-not-open" as const)
      })
    )
    // An owner role that cannot bypass row security cannot read them all: say so rather than guess.
    .pipe(Effect.catchTag("SqlError", () => Effect.succeed("unreadable" as const)))

export const keyCheckStatus = (sql: SqlClient.SqlClient, crypto: CryptoShape) =>
  Effect.gen(function* (): Effect.fn.Return<KeyCheckStatus, SqlError> {
    if (!(yield* hasKeyCheckTable(sql))) return { _tag: "NoTable" }
    const [stored] = yield* keyCheckRows(sql)
    if (stored !== undefined) return { _tag: crypto.matchesKeyCheck(stored.verifier) ? "Matches" : "Differs" }
    return { _tag: "Unrecorded", secrets: yield* storedSecrets(sql, crypto) }
  })

/** The one line a host with the wrong key stops with: what is wrong, and both ways out. */
export const wrongKeyMessage = (env: HostEnvShape, database: string, found: "check" | "secrets") =>
  `HOST_MASTER_KEY in ${keySource(env)} ` +
  (found === "check"
    ? `is not the key this database (${database}) was initialised with`
    : `does not open the secrets stored in this database (${database}), which were sealed with another key`) +
  `: put the original key back in ${env.file ?? env.fileLabel}, or, to change keys, run \`carabase rotate-key\` ` +
  `with the original key as HOST_MASTER_KEY and the new one as NEW_HOST_MASTER_KEY; nothing was changed`

/** Compares the key with the database's check, recording one where there is none yet; refuses a key that differs. */
export const ensureKeyCheck = Effect.gen(function* () {
  const sql = yield* OwnerDb
  const crypto = yield* Crypto
  const env = yield* HostEnv
  // Set and checked by the owner pool already; here only to name the database in the message.
  const database = yield* Config.redacted("DATABASE_URL").pipe(
    Effect.map(describeUrl),
    Effect.orElseSucceed(() => "DATABASE_URL")
  )
  const status = yield* keyCheckStatus(sql, crypto)
  switch (status._tag) {
    case "NoTable":
    case "Matches":
      return
    case "Differs":
      return yield* new BootError({ message: wrongKeyMessage(env, database, "check") })
    case "Unrecorded": {
      if (status.secrets === "do-not-open") {
        return yield* new BootError({
          message: wrongKeyMessage(env, database, "secrets")
        })
      }
      yield* sql`
        insert into master_key_check (singleton, verifier) values (true, ${crypto.keyCheck})
        on conflict (singleton) do nothing
      `
      // Another host may have recorded its own key in the meantime.
      const after = yield* keyCheckStatus(sql, crypto)
      if (after._tag === "Differs") {
        return yield* new BootError({ message: wrongKeyMessage(env, database, "check") })
      }
      yield* Effect.logInfo(
        status.secrets === "unreadable"
          ? "recorded the master-key check for this database (the stored secrets could not be read to confirm the key first): from now on a host with another HOST_MASTER_KEY refuses to boot"
          : "recorded the master-key check for this database: from now on a host with another HOST_MASTER_KEY refuses to boot"
      )
    }
  }
}).pipe(
  Effect.catchTag("SqlError", (error) =>
    Effect.fail(new BootError({ message: `cannot check HOST_MASTER_KEY against the database: ${error.message}` }))
  ),
  Effect.annotateLogs("service", "KeyCheck")
)

export const layer: Layer.Layer<never, BootError, OwnerDb | Crypto | HostEnv> = Layer.effectDiscard(ensureKeyCheck)
