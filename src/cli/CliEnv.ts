// What operator commands share: the env (file and process variables, like the host reads them) and a Crypto built
// from its HOST_MASTER_KEY, or from an older key kept in a file (`--key-file`) for backups made before a rotation.
import * as fs from "node:fs"
import { Effect, Layer, Option, Redacted } from "effect"
import * as Crypto from "../platform/Crypto"
import { BootError, HostEnv, loadEnvironment, type LoadedEnvironment } from "../platform/HostEnv"
import { parseEnvFile } from "../platform/EnvFile"
import * as MasterKey from "../platform/MasterKey"

export const loadCliEnvironment = loadEnvironment({ cwd: process.cwd(), processEnv: process.env })

/** A key file holds the 64 hex characters alone on a line, or a HOST_MASTER_KEY=... line (an old env file). */
export const readKeyFile = (file: string) =>
  Effect.gen(function* () {
    const text = yield* Effect.try({
      try: () => fs.readFileSync(file, "utf8"),
      catch: (error) =>
        new BootError({ message: `cannot read key file ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}` })
    })
    const fromEnvFile = parseEnvFile(text).get("HOST_MASTER_KEY")
    const candidate = fromEnvFile ?? text.trim()
    return yield* Option.match(MasterKey.parseMasterKey(Redacted.make(candidate)), {
      onNone: () =>
        Effect.fail(
          new BootError({
            message: `key file ${file} holds no master key: it must contain 64 hex characters, alone or as HOST_MASTER_KEY=...`
          })
        ),
      onSome: (key) => Effect.succeed(key)
    })
  })

/**
 * Runs `use` with the env and a Crypto (a missing, malformed or placeholder HOST_MASTER_KEY fails like the host does;
 * `allowWeakKey` lets rotate-key move secrets off a placeholder key).
 */
export const withCrypto = <A, E, R>(
  use: (crypto: Crypto.CryptoShape, loaded: LoadedEnvironment) => Effect.Effect<A, E, R>,
  options: { readonly keyFile?: string | undefined; readonly allowWeakKey?: boolean } = {}
) =>
  Effect.gen(function* () {
    const loaded = yield* loadCliEnvironment
    const crypto =
      options.keyFile === undefined
        ? yield* Crypto.Crypto.pipe(
            Effect.provide(
              Crypto.layer.pipe(
                Layer.provide(options.allowWeakKey === true ? MasterKey.layerAllowingWeak : MasterKey.layer),
                Layer.provide(Layer.succeed(HostEnv, loaded.hostEnv))
              )
            ),
            Effect.withConfigProvider(loaded.provider)
          )
        : Crypto.make(yield* readKeyFile(options.keyFile))
    return yield* use(crypto, loaded).pipe(
      Effect.provideService(HostEnv, loaded.hostEnv),
      Effect.withConfigProvider(loaded.provider)
    )
  })
