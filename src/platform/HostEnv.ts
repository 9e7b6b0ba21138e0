// Which environment (dev, staging, prod) this process serves, which env file it read, and the ConfigProvider
// that layers read settings from: the real process environment first, then the env file.
import * as fs from "node:fs"
import * as path from "node:path"
import { ConfigProvider, Context, Data, Effect, Layer } from "effect"
import { parseEnvFile } from "./EnvFile"

export const Environments = ["dev", "staging", "prod"] as const
export type Environment = (typeof Environments)[number]

export class BootError extends Data.TaggedError("BootError")<{ readonly message: string }> {}

export interface HostEnvShape {
  readonly name: Environment
  /** Absolute path of the env file that was read, or null when none existed. */
  readonly file: string | null
  /** How the env file is named in messages: the file read, or the one that would have been. */
  readonly fileLabel: string
}

export class HostEnv extends Context.Tag("carabase/HostEnv")<HostEnv, HostEnvShape>() {}

export interface LoadedEnvironment {
  readonly hostEnv: HostEnvShape
  readonly provider: ConfigProvider.ConfigProvider
  readonly values: ReadonlyMap<string, string>
}

const isEnvironment = (value: string): value is Environment => (Environments as ReadonlyArray<string>).includes(value)

/** Reads CARABASE_ENV and its env file once; process variables win over the file. */
export const loadEnvironment = (options: {
  readonly cwd: string
  readonly processEnv: Readonly<Record<string, string | undefined>>
}): Effect.Effect<LoadedEnvironment, BootError> =>
  Effect.gen(function* () {
    const requested = options.processEnv.CARABASE_ENV ?? ""
    const name = requested === "" ? "dev" : requested
    if (!isEnvironment(name)) {
      return yield* new BootError({
        message: `CARABASE_ENV must be one of dev, staging, prod (got "${requested.slice(0, 32)}")`
      })
    }
    const candidates = [`.env.${name}`, ...(name === "dev" ? [".env"] : [])].map((f) => path.resolve(options.cwd, f))
    const file = candidates.find((candidate) => fs.existsSync(candidate)) ?? null
    const fileValues = file === null ? new Map<string, string>() : yield* readEnvFile(file)
    const values = new Map(fileValues)
    for (const [key, value] of Object.entries(options.processEnv)) {
      if (value !== undefined) values.set(key, value)
    }
    values.set("CARABASE_ENV", name)
    return {
      hostEnv: { name, file, fileLabel: file ?? candidates[0]! },
      provider: ConfigProvider.fromMap(values),
      values
    }
  })

const readEnvFile = (file: string) =>
  Effect.try({
    try: () => parseEnvFile(fs.readFileSync(file, "utf8")),
    catch: (error) =>
      new BootError({ message: `cannot read env file ${file}: ${(error as NodeJS.ErrnoException).code}` })
  })

/** The layer that makes HostEnv available and installs the ConfigProvider for everything built after it. */
export const layer = (loaded: LoadedEnvironment): Layer.Layer<HostEnv> =>
  Layer.merge(Layer.succeed(HostEnv, loaded.hostEnv), Layer.setConfigProvider(loaded.provider))
