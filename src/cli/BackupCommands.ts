// `carabase backup` and `carabase backup:verify <file>`: an encrypted backup of the env's database, and a full
// check of one backup file without touching any database. Both need the env's HOST_MASTER_KEY.
import { Config, Effect, Layer } from "effect"
import { backupDirConfig, createBackup, verifyBackup } from "../backups/Backups"
import * as Crypto from "../platform/Crypto"
import { BootError, HostEnv, loadEnvironment } from "../platform/HostEnv"
import * as MasterKey from "../platform/MasterKey"
import { parseArgs, UsageError } from "./Args"
import { runCliEffect } from "./RunEffect"

export const backupHelp = `usage: carabase backup

Dumps the env's database (DATABASE_URL, owner connection) with pg_dump, compresses it and seals it with AES-256-GCM
under HOST_MASTER_KEY into $CARABASE_BACKUP_DIR/<env>/<YYYY-MM-DD>/<timestamp>.sql.gz.enc (directories 0700, files
0600). The file is verified before it gets its final name. Keep the master key: a backup opens only with the key
it was made with.`

export const verifyHelp = `usage: carabase backup:verify <file>

Decrypts and decompresses the whole backup and checks that the dump inside is complete, without touching any
database. Any changed, truncated or appended byte, or another env's key, fails with exit code 1.`

/** Runs `use` with the env's Crypto layer (a missing or malformed key fails like the host does). */
const withCrypto = <A>(use: (crypto: Crypto.CryptoShape, env: string) => Effect.Effect<A, unknown>) =>
  Effect.gen(function* () {
    const loaded = yield* loadEnvironment({ cwd: process.cwd(), processEnv: process.env })
    return yield* Effect.flatMap(Crypto.Crypto, (crypto) => use(crypto, loaded.hostEnv.name)).pipe(
      Effect.provide(
        Crypto.layer.pipe(Layer.provide(MasterKey.layer), Layer.provide(Layer.succeed(HostEnv, loaded.hostEnv)))
      ),
      Effect.withConfigProvider(loaded.provider)
    )
  })

export const runBackup = (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseArgs(argv, { flags: ["help"], values: [] })
  if (args.options.has("help")) {
    process.stdout.write(`${backupHelp}\n`)
    return Promise.resolve(0)
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`)
  return runCliEffect(
    withCrypto((crypto, env) =>
      Effect.gen(function* () {
        const databaseUrl = yield* Config.redacted("DATABASE_URL").pipe(
          Effect.mapError(() => new BootError({ message: "DATABASE_URL is not set: run `pnpm bootstrap`" }))
        )
        const dir = yield* backupDirConfig
        const result = yield* createBackup({ crypto, databaseUrl, dir, env })
        process.stdout.write(`backup written and verified: ${result.file} (${result.bytes} bytes)\n`)
      })
    )
  )
}

export const runVerify = (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseArgs(argv, { flags: ["help"], values: [] })
  if (args.options.has("help")) {
    process.stdout.write(`${verifyHelp}\n`)
    return Promise.resolve(0)
  }
  const [file, ...rest] = args.positionals
  if (file === undefined) throw new UsageError("name the backup file to verify")
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`)
  return runCliEffect(
    withCrypto((crypto) =>
      Effect.map(verifyBackup(crypto, file), ({ bytes }) => {
        process.stdout.write(`${file} verifies: a complete dump of ${bytes} bytes\n`)
      })
    )
  )
}
