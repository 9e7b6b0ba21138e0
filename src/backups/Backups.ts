// Encrypted backups: pg_dump (owner connection) | gzip | sealed stream (backup subkey) into
// $CARABASE_BACKUP_DIR/<env>/<YYYY-MM-DD>/<timestamp>.sql.gz.enc, directories 0700 and files 0600. The file is written
// under a temporary name, verified end to end, and only then renamed: a crash or a full disk never leaves a file
// that looks good. Verification reads the whole file back (decrypt, decompress) and checks the dump's own trailer.
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Writable } from "node:stream"
import { pipeline } from "node:stream/promises"
import * as zlib from "node:zlib"
import { Config, Data, Effect, type Redacted } from "effect"
import type { CryptoShape } from "../platform/Crypto"
import { backupFileName } from "./BackupFiles"
import { runPgTool } from "./PgTool"

export class BackupError extends Data.TaggedError("BackupError")<{ readonly message: string }> {}

/** pg_dump's last line of a complete plain-format dump. */
const TRAILER = "-- PostgreSQL database dump complete"

export const backupDirConfig = Config.string("CARABASE_BACKUP_DIR").pipe(
  Config.withDefault("~/.carabase/backups"),
  Config.map((dir) => (dir.startsWith("~/") || dir === "~" ? path.join(os.homedir(), dir.slice(1)) : path.resolve(dir)))
)

/**
 * The trailer, followed only by comments, blank lines or the `\unrestrict <token>` line that recent pg_dump point
 * releases close a plain dump with.
 */
export const isCompleteDump = (tail: string): boolean => {
  const at = tail.lastIndexOf(TRAILER)
  if (at === -1) return false
  return tail
    .slice(at + TRAILER.length)
    .split("\n")
    .every((line) => /^(--.*|\\unrestrict \S+|\s*)$/.test(line))
}

/**
 * Decrypts and decompresses a whole backup, passing the dump on to `out` when given, and fails on any changed, cut or
 * extra byte, another key, or a dump without its end marker. Returns the dump's size. `signal` stops it early.
 */
export const readBackup = async (
  crypto: CryptoShape,
  file: string,
  out?: Writable,
  signal?: AbortSignal
): Promise<number> => {
  let tail = ""
  let bytes = 0
  const piped = pipeline(
    fs.createReadStream(file),
    crypto.openStream("backups"),
    zlib.createGunzip(),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length
        tail = (tail + chunk.toString("utf8")).slice(-1024)
        if (out === undefined || out.write(chunk)) callback()
        else out.once("drain", () => callback())
      },
      final(callback) {
        if (out === undefined) callback()
        else out.end(callback)
      }
    }),
    ...(signal === undefined ? [] : [{ signal }])
  )
  await piped.catch((error: unknown) => {
    out?.destroy()
    throw error
  })
  if (!isCompleteDump(tail)) throw new Error("the dump inside is incomplete (no end-of-dump marker)")
  return bytes
}

/** Decrypts and decompresses a backup without touching any database; fails on any changed, cut or extra byte. */
export const verifyBackup = (crypto: CryptoShape, file: string) =>
  Effect.tryPromise({
    try: async (signal) => ({ bytes: await readBackup(crypto, file, undefined, signal) }),
    catch: (error) => new BackupError({ message: `${file} does not verify: ${(error as Error).message}` })
  })

export const createBackup = (options: {
  readonly crypto: CryptoShape
  readonly databaseUrl: Redacted.Redacted<string>
  readonly dir: string
  readonly env: string
  readonly now?: Date
}) =>
  Effect.gen(function* () {
    const now = options.now ?? new Date()
    const day = path.join(options.dir, options.env, now.toISOString().slice(0, 10))
    yield* Effect.try({
      try: () => {
        fs.mkdirSync(day, { recursive: true, mode: 0o700 })
        for (let dir = day; dir.startsWith(options.dir) && dir !== path.dirname(options.dir); dir = path.dirname(dir)) {
          fs.chmodSync(dir, 0o700)
        }
      },
      catch: (error) => new BackupError({ message: `cannot create ${day}: ${(error as Error).message}` })
    })
    const final = path.join(day, backupFileName(now))
    const temporary = `${final}.partial-${process.pid}`
    const dumped = runPgTool({
      tool: "pg_dump",
      databaseUrl: options.databaseUrl,
      args: ["--format=plain", "--no-owner"],
      stdout: (out) =>
        pipeline(
          out,
          zlib.createGzip(),
          options.crypto.sealStream("backups"),
          fs.createWriteStream(temporary, { mode: 0o600, flags: "wx" })
        ),
      stderrTail: 2000,
      failure: (code, stderr) => `pg_dump failed (${code}): ${stderr.trim().split("\n").at(-1) ?? ""}`
    }).pipe(Effect.mapError((error) => new BackupError({ message: `backup failed: ${error.message}` })))
    yield* dumped.pipe(
      Effect.zipRight(verifyBackup(options.crypto, temporary)),
      Effect.tap(() =>
        Effect.try({
          try: () => fs.renameSync(temporary, final),
          catch: (error) => new BackupError({ message: `cannot finish ${final}: ${(error as Error).message}` })
        })
      ),
      // A failure or an interruption (host shutdown, Ctrl-C) leaves no partial file.
      Effect.onError(() => Effect.sync(() => fs.rmSync(temporary, { force: true })))
    )
    return { file: final, bytes: fs.statSync(final).size }
  })
