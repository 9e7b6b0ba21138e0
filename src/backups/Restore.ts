// Restores a backup into the database a URL names. The backup is verified in memory first; after the operator
// confirms, it is decrypted again into a 0600 file in a private (0700) temporary folder, and only when that pass has
// authenticated every chunk and found the end-of-dump marker does psql run it, in one transaction that stops at the
// first error, so a failed restore changes nothing. The temporary folder is removed whatever happens, an interrupt
// included.
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, type Redacted } from "effect"
import type { CryptoShape } from "../platform/Crypto"
import { BackupError, readBackup, verifyBackup } from "./Backups"
import { runPgTool } from "./PgTool"

const runPsql = (databaseUrl: Redacted.Redacted<string>, script: string) =>
  runPgTool({
    tool: "psql",
    databaseUrl,
    args: ["--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1", `--file=${script}`],
    stderrTail: 4000,
    failure: (code, stderr) => {
      const reason = stderr
        .split("\n")
        .filter((line) => /ERROR|FATAL|error:/.test(line))
        .at(0)
      return `psql stopped (${code}) and rolled everything back: ${reason?.trim() ?? stderr.trim()}`
    }
  })

/** Removes `dir` if the process is interrupted while it exists; returns the function that stops watching. */
const removeOnSignal = (dir: string) => {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const
  const handler = (signal: NodeJS.Signals) => {
    fs.rmSync(dir, { recursive: true, force: true })
    process.exit(128 + (os.constants.signals[signal] ?? 1))
  }
  for (const signal of signals) process.once(signal, handler)
  return () => {
    for (const signal of signals) process.off(signal, handler)
  }
}

export const restoreBackup = (options: {
  readonly crypto: CryptoShape
  readonly file: string
  readonly databaseUrl: Redacted.Redacted<string>
  /** Asked once the backup has verified, before anything is decrypted to disk or written to the database. */
  readonly confirm?: (() => Promise<boolean>) | undefined
}) =>
  Effect.gen(function* () {
    yield* verifyBackup(options.crypto, options.file)
    if (options.confirm !== undefined && !(yield* Effect.promise(options.confirm))) return { applied: false as const }
    return yield* Effect.tryPromise({
      try: async () => {
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "carabase-restore-"))
        const stopWatching = removeOnSignal(scratch)
        try {
          const script = path.join(scratch, "dump.sql")
          try {
            await readBackup(options.crypto, options.file, fs.createWriteStream(script, { mode: 0o600, flags: "wx" }))
          } catch (error) {
            throw new Error(`${options.file} does not verify: ${(error as Error).message}`)
          }
          await runPsql(options.databaseUrl, script)
          return { applied: true as const }
        } finally {
          fs.rmSync(scratch, { recursive: true, force: true })
          stopWatching()
        }
      },
      catch: (error) => new BackupError({ message: `restore failed: ${(error as Error).message}` })
    })
  })
