// The host master key: 32 bytes given as 64 hex characters in HOST_MASTER_KEY. Without a valid key the host
// refuses to boot; the key stays Redacted and is only unwrapped by the Crypto layer to derive subkeys.
import { Config, Context, Effect, Layer, Option, Redacted } from "effect"
import { BootError, HostEnv, type HostEnvShape } from "./HostEnv"

const KEY_PATTERN = /^[0-9a-fA-F]{64}$/
/** 32 random bytes show about 30 distinct values; fewer than 8 happens by chance with odds below 1 in 10^36. */
const MIN_DISTINCT_BYTES = 8

export class MasterKey extends Context.Tag("carabase/MasterKey")<MasterKey, Redacted.Redacted<Buffer>>() {}

/** Checks the textual form without ever echoing it. */
export const parseMasterKey = (value: Redacted.Redacted<string>): Option.Option<Redacted.Redacted<Buffer>> => {
  const text = Redacted.value(value).trim()
  return KEY_PATTERN.test(text) ? Option.some(Redacted.make(Buffer.from(text, "hex"))) : Option.none()
}

/** Why a well-formed key is still a placeholder rather than a random key (all zeros, "ab" × 32, a short pattern). */
export const weakKeyReason = (key: Redacted.Redacted<Buffer>): string | null => {
  const bytes = Redacted.value(key)
  const distinct = new Set(bytes).size
  if (distinct >= MIN_DISTINCT_BYTES) return null
  if (distinct === 1) return bytes[0] === 0 ? "it is all zeros" : "it is one byte repeated 32 times"
  return `it repeats a short pattern (only ${distinct} distinct byte values)`
}

/** Where HOST_MASTER_KEY came from, as boot messages name it. */
export const keySource = (env: HostEnvShape) =>
  env.file === null ? `the process environment (no env file at ${env.fileLabel})` : env.file

export const GENERATE_KEY_FIX = "run `pnpm bootstrap` or `./scripts/gen-secret.sh 32` to generate one"

/** The key from HOST_MASTER_KEY. `allowWeak` is for `carabase rotate-key` alone, which moves secrets off such a key. */
const load = (options: { readonly allowWeak: boolean }) =>
  Effect.gen(function* () {
    const env = yield* HostEnv
    const source = keySource(env)
    const raw = yield* Config.option(Config.redacted("HOST_MASTER_KEY")).pipe(
      Effect.orElseSucceed(() => Option.none<Redacted.Redacted<string>>())
    )
    if (Option.isNone(raw) || Redacted.value(raw.value).trim() === "") {
      return yield* new BootError({ message: `HOST_MASTER_KEY is missing in ${source}: ${GENERATE_KEY_FIX}` })
    }
    const key = parseMasterKey(raw.value)
    if (Option.isNone(key)) {
      return yield* new BootError({
        message: `HOST_MASTER_KEY in ${source} is malformed: it must be exactly 64 hex characters (32 bytes); ${GENERATE_KEY_FIX}`
      })
    }
    const weak = weakKeyReason(key.value)
    if (weak !== null && !options.allowWeak) {
      return yield* new BootError({
        message: `HOST_MASTER_KEY in ${source} is not a random key: ${weak}; generate one with \`./scripts/gen-secret.sh 32\` and move the stored secrets to it with \`carabase rotate-key\` (the new key as NEW_HOST_MASTER_KEY)`
      })
    }
    return key.value
  })

export const layer: Layer.Layer<MasterKey, BootError, HostEnv> = Layer.effect(MasterKey, load({ allowWeak: false }))

/** For `carabase rotate-key`: the current key may be a placeholder, since rotating is how the owner replaces it. */
export const layerAllowingWeak: Layer.Layer<MasterKey, BootError, HostEnv> = Layer.effect(
  MasterKey,
  load({ allowWeak: true })
)
