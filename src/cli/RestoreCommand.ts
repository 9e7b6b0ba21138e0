// `carabase restore <file> --database-url <url> [--yes] [--i-know] [--key-file <file>]`: verifies the backup, asks
// for confirmation, and restores it into an empty database in one transaction. In the prod env it also wants
// --i-know, so a restore there is never one reflex away. Interrupted (Ctrl-C, SIGTERM), it stops psql, waits for it,
// and then says what the database holds.
import * as readline from "node:readline"
import { SqlSchema } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Reactivity } from "@effect/experimental"
import { Data, Effect, Redacted, Schema } from "effect"
import { restoreBackup } from "../backups/Restore"
import { describeUrl, nameTransforms } from "../platform/Db"
import { parseOrHelp, UsageError } from "./Args"
import { loadCliEnvironment, withCrypto } from "./CliEnv"
import { runCliEffect } from "./RunEffect"

export const restoreHelp = `usage: carabase restore <file> --database-url <url> [--yes] [--i-know] [--key-file <file>]

Verifies the backup completely, then restores it into the database --database-url names, in one transaction that
stops at the first error (a failed or interrupted restore changes nothing). The database must be empty: create it first
(\`createdb carabase_restored\`) on a server where \`pnpm bootstrap\` has created the carabase_app role.
The decrypted dump exists only as a 0600 file in a private temporary folder while psql reads it.

  --database-url <url>  the database to restore into (its password, if any, is passed to psql privately)
  --yes                 do not ask for confirmation
  --i-know              required as well when CARABASE_ENV is prod
  --key-file <file>     open the backup with an older master key kept in this file`

class RestoreRefused extends Data.TaggedError("RestoreRefused")<{ readonly message: string }> {}

/** Reads one line from stdin (a terminal or a pipe); anything but "yes" declines, and so does an abort. */
const askYes = (question: string, signal: AbortSignal) =>
  new Promise<boolean>((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY })
    signal.addEventListener("abort", () => rl.close(), { once: true })
    let answered = false
    rl.question(question, (answer) => {
      answered = true
      rl.close()
      resolve(answer.trim().toLowerCase() === "yes")
    })
    rl.once("close", () => {
      if (!answered) resolve(false)
    })
  })

const tablesIn = (url: Redacted.Redacted<string>) =>
  Effect.gen(function* () {
    const sql = yield* PgClient.make({ url, maxConnections: 1, connectTimeout: "5 seconds", ...nameTransforms })
    const row = yield* SqlSchema.single({
      Request: Schema.Void,
      Result: Schema.Struct({ count: Schema.Int }),
      execute: () => sql`
        select count(*)::int as count from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
      `
    })(undefined).pipe(Effect.catchTags({ ParseError: Effect.die, NoSuchElementException: Effect.die }))
    return row.count
  }).pipe(
    Effect.scoped,
    Effect.provide(Reactivity.layer),
    Effect.mapError(
      (error) => new RestoreRefused({ message: `cannot connect to ${describeUrl(url)}: ${messageOf(error)}` })
    )
  )

/** After an interruption (psql stopped and waited for): what the target database now holds, as found there. */
const reportInterrupted = (url: Redacted.Redacted<string>) =>
  tablesIn(url).pipe(
    Effect.match({
      onFailure: (error) =>
        `restore interrupted; ${describeUrl(url)} could not be checked afterwards: ${error.message}`,
      onSuccess: (tables) =>
        tables === 0
          ? `restore interrupted: psql was stopped before it committed, so nothing was restored into ${describeUrl(url)}`
          : `restore interrupted after psql committed: ${describeUrl(url)} holds the restored backup (${tables} tables)`
    }),
    Effect.flatMap((line) => Effect.sync(() => process.stderr.write(`carabase: ${line}\n`)))
  )

const messageOf = (error: { readonly cause?: unknown; readonly message: string }) =>
  error.cause instanceof Error && error.cause.message !== "" ? error.cause.message : error.message

export const runRestore = async (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, {
    help: restoreHelp,
    flags: ["yes", "i-know"],
    values: ["database-url", "key-file"],
    positionals: [{ name: "file", missing: "name the backup file to restore" }]
  })
  if (args === null) return 0
  const [file] = args.positionals
  const rawUrl = args.value("database-url")
  if (rawUrl === undefined) throw new UsageError("--database-url is required: the database to restore into")
  if (!/^postgres(ql)?:\/\//.test(rawUrl)) throw new UsageError("--database-url must be a postgres:// URL")
  const databaseUrl = Redacted.make(rawUrl)
  const env = await Effect.runPromise(Effect.either(loadCliEnvironment))
  if (env._tag === "Right" && env.right.hostEnv.name === "prod" && !args.flag("i-know")) {
    throw new UsageError("this is the prod env: restoring here also needs --i-know")
  }
  return runCliEffect(
    withCrypto(
      (crypto, loaded) =>
        Effect.gen(function* () {
          const tables = yield* tablesIn(databaseUrl)
          if (tables > 0) {
            return yield* new RestoreRefused({
              message: `${describeUrl(databaseUrl)} is not empty (${tables} tables): restore into a new, empty database; nothing was changed`
            })
          }
          const target = describeUrl(databaseUrl)
          const result = yield* restoreBackup({
            crypto,
            file,
            databaseUrl,
            confirm: args.flag("yes")
              ? undefined
              : (signal) =>
                  askYes(
                    `${file} verifies. Restore it into ${target} (env ${loaded.hostEnv.name})? Type "yes": `,
                    signal
                  )
          }).pipe(Effect.onInterrupt(() => reportInterrupted(databaseUrl)))
          if (!result.applied) return yield* new RestoreRefused({ message: "not confirmed: nothing was restored" })
          process.stdout.write(`restored ${file} into ${target}\n`)
        }),
      { keyFile: args.value("key-file") }
    )
  )
}
