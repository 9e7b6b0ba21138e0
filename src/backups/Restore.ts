// Restores a backup into the database a URL names. The backup is verified in memory first; after the operator
// confirms, it is decrypted again into a 0600 file in a private (0700) temporary folder, and only when that pass has
// authenticated every chunk and found the end-of-dump marker does psql run it, in one transaction that stops at the
// first error, so a failed restore changes nothing. Interrupting the effect (the CLI turns SIGINT, SIGTERM and SIGHUP
// into an interruption) stops psql and waits for it to exit, so its transaction is rolled back rather than left to
// commit on its own; the temporary folder is removed whatever happens.
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

/** A private temporary folder, removed when the scope closes (success, failure or interruption). */
const scratchFolder = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "carabase-restore-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

export const restoreBackup = (options: {
  readonly crypto: CryptoShape
  readonly file: string
  readonly databaseUrl: Redacted.Redacted<string>
  /** Asked once the backup has verified, before anything is decrypted to disk or written to the database. */
  readonly confirm?: ((signal: AbortSignal) => Promise<boolean>) | undefined
}) =>
  Effect.gen(function* () {
    yield* verifyBackup(options.crypto, options.file)
    if (options.confirm !== undefined && !(yield* Effect.promise(options.confirm))) return { applied: false as const }
    return yield* Effect.scoped(
      Effect.gen(function* () {
        const script = path.join(yield* scratchFolder, "dump.sql")
        yield* Effect.tryPromise({
          try: (signal) =>
            readBackup(
              options.crypto,
              options.file,
              fs.createWriteStream(script, { mode: 0o600, flags: "wx" }),
              signal
            ),
          catch: (error) =>
            new BackupError({ message: `restore failed: ${options.file} does not verify: ${(error as Error).message}` })
        })
        yield* runPsql(options.databaseUrl, script).pipe(
          Effect.mapError((error) => new BackupError({ message: `restore failed: ${error.message}` }))
        )
        return { applied: true as const }
      })
    )
  })
