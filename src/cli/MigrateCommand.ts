// `carabase migrate`: applies pending migrations with the owner connection of the current env, then exits.
import { Effect, Layer } from "effect"
import * as Db from "../platform/Db"
import { HostEnv, loadEnvironment } from "../platform/HostEnv"
import { migrate } from "../platform/Migrator"
import { parseOrHelp } from "./Args"
import { runCliEffect } from "./RunEffect"

export const migrateHelp = `usage: carabase migrate

Applies the pending migrations in sql/ to the database of DATABASE_URL (env file chosen by CARABASE_ENV), each in
its own transaction. Refuses if an applied migration file was changed.`

export const runMigrate = (argv: ReadonlyArray<string>): Promise<number> => {
  if (parseOrHelp(argv, { help: migrateHelp }) === null) return Promise.resolve(0)
  return runCliEffect(
    Effect.gen(function* () {
      const loaded = yield* loadEnvironment({ cwd: process.cwd(), processEnv: process.env })
      const report = yield* Effect.flatMap(Db.OwnerDb, (sql) => migrate(sql)).pipe(
        Effect.provide(Db.ownerLayer.pipe(Layer.provide(Layer.succeed(HostEnv, loaded.hostEnv)))),
        Effect.withConfigProvider(loaded.provider)
      )
      process.stdout.write(
        report.applied.length === 0
          ? `database is current (migration ${report.current})\n`
          : `applied ${report.applied.join(", ")}; database is at migration ${report.current}\n`
      )
    })
  )
}
