// The backup commands: `backup`, `backup:prune`, `backup:status` and `backup:verify <file>`. Backups are sealed
// under the env's HOST_MASTER_KEY; verify also takes an older key from a file for backups made before a rotation.
import { Config, Effect } from "effect"
import { backupDirConfig, createBackup, verifyBackup } from "../backups/Backups"
import { pruneBackups } from "../backups/Prune"
import { backupStatus, describeAge, PASS_UNDER_HOURS, WARN_UNDER_HOURS } from "../backups/Status"
import { BootError } from "../platform/HostEnv"
import { parseOrHelp } from "./Args"
import { loadCliEnvironment, withCrypto } from "./CliEnv"
import { runCliEffect } from "./RunEffect"

export const backupHelp = `usage: carabase backup

Dumps the env's database (DATABASE_URL, owner connection) with pg_dump, compresses it and seals it with AES-256-GCM
under HOST_MASTER_KEY into $CARABASE_BACKUP_DIR/<env>/<YYYY-MM-DD>/<timestamp>.sql.gz.enc (directories 0700, files
0600). The file is verified before it gets its final name. Keep the master key: a backup opens only with the key
it was made with.`

export const pruneHelp = `usage: carabase backup:prune

Deletes the env's old backups, keeping every backup of the last 7 days, the newest of each of the 4 weeks before
(ages 7-14, 14-21, 21-28, 28-35 days), the newest of each of the 3 thirty-day months before (35-65, 65-95, 95-125
days), and always the newest backup of all. Also clears unfinished files older than a day. Needs no key.`

export const statusHelp = `usage: carabase backup:status

Shows, per env, the newest backup in $CARABASE_BACKUP_DIR and its age: PASS under ${PASS_UNDER_HOURS} h, WARN up to ${WARN_UNDER_HOURS} h,
FAIL beyond or when there is none. Exits 1 when any env FAILs. Needs no key.`

export const verifyHelp = `usage: carabase backup:verify <file> [--key-file <file>]

Decrypts and decompresses the whole backup and checks that the dump inside is complete, without touching any
database. Any changed, truncated or appended byte, or another key, fails with exit code 1.

  --key-file <file>   open with the key in this file (64 hex characters, or an old env file's HOST_MASTER_KEY
                      line) instead of the env's HOST_MASTER_KEY: for backups made before \`carabase rotate-key\``

export const runBackup = (argv: ReadonlyArray<string>): Promise<number> => {
  if (parseOrHelp(argv, { help: backupHelp }) === null) return Promise.resolve(0)
  return runCliEffect(
    withCrypto((crypto, loaded) =>
      Effect.gen(function* () {
        const databaseUrl = yield* Config.redacted("DATABASE_URL").pipe(
          Effect.mapError(() => new BootError({ message: "DATABASE_URL is not set: run `pnpm bootstrap`" }))
        )
        const dir = yield* backupDirConfig
        const result = yield* createBackup({ crypto, databaseUrl, dir, env: loaded.hostEnv.name })
        process.stdout.write(`backup written and verified: ${result.file} (${result.bytes} bytes)\n`)
      })
    )
  )
}

export const runPrune = (argv: ReadonlyArray<string>): Promise<number> => {
  if (parseOrHelp(argv, { help: pruneHelp }) === null) return Promise.resolve(0)
  return runCliEffect(
    Effect.gen(function* () {
      const loaded = yield* loadCliEnvironment
      const dir = yield* Effect.withConfigProvider(backupDirConfig, loaded.provider)
      const report = yield* pruneBackups({ dir, env: loaded.hostEnv.name })
      for (const removed of report.removed) process.stdout.write(`removed ${removed.file}\n`)
      for (const partial of report.partialsRemoved) process.stdout.write(`removed unfinished ${partial}\n`)
      process.stdout.write(
        `${loaded.hostEnv.name}: kept ${report.kept.length} backup(s), removed ${report.removed.length}` +
          (report.partialsRemoved.length > 0 ? ` and ${report.partialsRemoved.length} unfinished file(s)` : "") +
          "\n"
      )
    })
  )
}

export const runStatus = async (argv: ReadonlyArray<string>): Promise<number> => {
  if (parseOrHelp(argv, { help: statusHelp }) === null) return 0
  let failed = false
  const code = await runCliEffect(
    Effect.gen(function* () {
      const loaded = yield* loadCliEnvironment
      const dir = yield* Effect.withConfigProvider(backupDirConfig, loaded.provider)
      for (const status of backupStatus(dir, loaded.hostEnv.name, new Date())) {
        const line =
          status.newest === null
            ? `${status.verdict}  ${status.env}: no backup in ${dir}`
            : `${status.verdict}  ${status.env}: newest ${describeAge(status.ageHours!)} old, ${status.count} backup(s), ${status.newest.file}`
        process.stdout.write(`${line}\n`)
        failed ||= status.verdict === "FAIL"
      }
    })
  )
  return code !== 0 ? code : failed ? 1 : 0
}

export const runVerify = (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, {
    help: verifyHelp,
    values: ["key-file"],
    positionals: [{ name: "file", missing: "name the backup file to verify" }]
  })
  if (args === null) return Promise.resolve(0)
  const [file] = args.positionals
  return runCliEffect(
    withCrypto(
      (crypto) =>
        Effect.map(verifyBackup(crypto, file), ({ bytes }) => {
          process.stdout.write(`${file} verifies: a complete dump of ${bytes} bytes\n`)
        }),
      { keyFile: args.value("key-file") }
    )
  )
}
