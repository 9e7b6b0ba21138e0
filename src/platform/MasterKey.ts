// The host master key: 32 bytes given as 64 hex characters in HOST_MASTER_KEY. Without a valid key the host
// refuses to boot; the key stays Redacted and is only unwrapped by the Crypto layer to derive subkeys.
import { Config, Context, Effect, Layer, Option, Redacted } from "effect"
import { BootError, HostEnv } from "./HostEnv"

const KEY_PATTERN = /^[0-9a-fA-F]{64}$/

export class MasterKey extends Context.Tag("carabase/MasterKey")<MasterKey, Redacted.Redacted<Buffer>>() {}

/** Checks the textual form without ever echoing it. */
export const parseMasterKey = (value: Redacted.Redacted<string>): Option.Option<Redacted.Redacted<Buffer>> => {
  const text = Redacted.value(value).trim()
  return KEY_PATTERN.test(text) ? Option.some(Redacted.make(Buffer.from(text, "hex"))) : Option.none()
}

export const layer: Layer.Layer<MasterKey, BootError, HostEnv> = Layer.effect(
  MasterKey,
  Effect.gen(function* () {
    const env = yield* HostEnv
    const source = env.file === null ? `the process environment (no env file at ${env.fileLabel})` : env.file
    const fix = "run `pnpm bootstrap` or `./scripts/gen-secret.sh 32` to generate one"
    const raw = yield* Config.option(Config.redacted("HOST_MASTER_KEY")).pipe(
      Effect.orElseSucceed(() => Option.none<Redacted.Redacted<string>>())
    )
    if (Option.isNone(raw) || Redacted.value(raw.value).trim() === "") {
      return yield* new BootError({ message: `HOST_MASTER_KEY is missing in ${source}: ${fix}` })
    }
    return yield* parseMasterKey(raw.value).pipe(
      Option.match({
        onNone: () =>
          Effect.fail(
            new BootError({
              message: `HOST_MASTER_KEY in ${source} is malformed: it must be exactly 64 hex characters (32 bytes); ${fix}`
            })
          ),
        onSome: Effect.succeed
      })
    )
  })
)
