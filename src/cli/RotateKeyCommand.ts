// `carabase rotate-key`: re-seals every stored secret under a new master key in one transaction, checks that each
// opens under it, rewrites the database's master-key check for it, and says exactly which line of which env file to
// change. The current key may be a placeholder (rotating is how it is replaced); the new one may not. Backups are not touched: each stays
// sealed under the key it was made with (`backup:verify --key-file` and `restore --key-file` open them).
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import { Config, Data, Effect, Option, Redacted } from "effect"
import { otherHostSessions, rotateSecrets } from "../keys/KeyRotation"
import * as Crypto from "../platform/Crypto"
import * as Db from "../platform/Db"
import { parseMasterKey, weakKeyReason } from "../platform/MasterKey"
import { parseOrHelp } from "./Args"
import { withCrypto } from "./CliEnv"
import { runCliEffect } from "./RunEffect"

export const rotateKeyHelp = `usage: carabase rotate-key [--force]

Re-seals every stored secret (OAuth tokens and client secrets, model-route API keys, webhook secrets) from the
env's HOST_MASTER_KEY to a new key, in one transaction on DATABASE_URL, verifies each opens under the new key, and
rewrites the database's master-key check in the same transaction (so the host then boots with the new key only).
The new key comes from NEW_HOST_MASTER_KEY (environment or env file); without it one is generated and printed
once. Stop the host first: a running host still holds the old key. Then put the new key in the env file as told.

Backups stay sealed under the key they were made with: keep the old key (e.g. in a 0600 file) for as long as you
keep those backups, and open them with \`carabase backup:verify --key-file <file>\` or \`restore --key-file <file>\`.

  --force   rotate even though host sessions are connected to the database`

class RotationRefused extends Data.TaggedError("RotationRefused")<{ readonly message: string }> {}

/** `line N of <file>` for the HOST_MASTER_KEY line, so the operator edits exactly that. */
const keyLineOf = (file: string | null): string => {
  if (file === null) return "wherever HOST_MASTER_KEY is set in the host's environment (there is no env file)"
  const index = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .findIndex((line) => /^\s*(export\s+)?HOST_MASTER_KEY\s*=/.test(line))
  return index === -1 ? `a new HOST_MASTER_KEY= line in ${file}` : `line ${index + 1} of ${file} (HOST_MASTER_KEY=...)`
}

export const runRotateKey = (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, { help: rotateKeyHelp, flags: ["force"] })
  if (args === null) return Promise.resolve(0)
  return runCliEffect(
    withCrypto(
      (current, loaded) =>
        Effect.gen(function* () {
          const given = yield* Config.option(Config.redacted("NEW_HOST_MASTER_KEY")).pipe(
            Effect.orElseSucceed(() => Option.none())
          )
          const generated = Option.isNone(given)
          const newKeyText = Option.getOrElse(given, () => Redacted.make(crypto.randomBytes(32).toString("hex")))
          const newKey = yield* Option.match(parseMasterKey(newKeyText), {
            onNone: () =>
              Effect.fail(
                new RotationRefused({ message: "NEW_HOST_MASTER_KEY is malformed: it must be 64 hex characters" })
              ),
            onSome: Effect.succeed
          })
          const weak = weakKeyReason(newKey)
          if (weak !== null) {
            return yield* new RotationRefused({
              message: `NEW_HOST_MASTER_KEY is not a random key: ${weak}; generate one with \`./scripts/gen-secret.sh 32\` (or leave NEW_HOST_MASTER_KEY unset to have one generated)`
            })
          }
          const oldKey = yield* Config.redacted("HOST_MASTER_KEY")
          if (Redacted.value(oldKey).trim().toLowerCase() === Redacted.value(newKeyText).trim().toLowerCase()) {
            return yield* new RotationRefused({ message: "NEW_HOST_MASTER_KEY is the current key: nothing to rotate" })
          }
          const report = yield* Effect.gen(function* () {
            const sql = yield* Db.singleConnection("DATABASE_URL")
            const sessions = yield* otherHostSessions(sql)
            if (sessions > 0 && !args.flag("force")) {
              return yield* new RotationRefused({
                message: `${sessions} host session(s) are connected to this database: stop the host first (or pass --force); nothing was changed`
              })
            }
            return yield* rotateSecrets(sql, current, Crypto.make(newKey))
          }).pipe(Effect.scoped)
          for (const column of report.columns) {
            process.stdout.write(`  ${column.table}.${column.column}: ${column.values} re-sealed\n`)
          }
          if (report.keyCheck) process.stdout.write("  master_key_check: rewritten for the new key\n")
          process.stdout.write(
            `Re-sealed ${report.total} secret(s) under the new key and verified each opens with it.\n\n` +
              `Now replace ${keyLineOf(loaded.hostEnv.file)} with:\n` +
              (generated
                ? `  HOST_MASTER_KEY=${Redacted.value(newKeyText)}\n(this is the only time the new key is shown)\n`
                : `  HOST_MASTER_KEY=<the value of NEW_HOST_MASTER_KEY>\nand then remove NEW_HOST_MASTER_KEY.\n`) +
              `Keep the old key for as long as you keep backups made with it, then start the host.\n`
          )
        }),
      { allowWeakKey: true }
    )
  )
}
