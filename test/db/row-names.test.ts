// Every connection the host opens gives rows one shape: camelCase column names, JSON documents as stored. The owner
// pool, the app pool and the operator CLI's single connection agree, so a row type never depends on the pool.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { SqlClient } from "@effect/sql"
import { ConfigProvider, Effect, Layer } from "effect"
import * as Db from "../../src/platform/Db"
import { HostEnv } from "../../src/platform/HostEnv"
import { createDatabase, type TestDatabase } from "../support/database"

let db: TestDatabase
beforeAll(async () => {
  db = await createDatabase("rownames")
})
afterAll(() => db?.drop())

const env = Layer.succeed(HostEnv, { name: "dev", file: null, fileLabel: ".env.dev" })

const rowOf = (sql: SqlClient.SqlClient) =>
  sql`select 1 as some_column, '{"snake_key": {"inner_key": true}}'::jsonb as json_document`

describe("row names", () => {
  it("owner pool, app pool and the operator connection all answer camelCase columns with JSON as stored", () =>
    Effect.gen(function* () {
      const connections = [
        yield* Db.OwnerDb,
        yield* Db.AppDb,
        yield* Db.singleConnection("DATABASE_URL"),
        yield* Db.singleConnection("APP_DATABASE_URL")
      ]
      for (const sql of connections) {
        expect(yield* rowOf(sql)).toEqual([{ someColumn: 1, jsonDocument: { snake_key: { inner_key: true } } }])
      }
    }).pipe(
      Effect.provide(Layer.mergeAll(Db.ownerLayer, Db.appLayer).pipe(Layer.provideMerge(env))),
      Effect.scoped,
      Effect.withConfigProvider(
        ConfigProvider.fromMap(
          new Map([
            ["DATABASE_URL", db.ownerUrl],
            ["APP_DATABASE_URL", db.appUrl]
          ])
        )
      ),
      Effect.runPromise
    ))
})
