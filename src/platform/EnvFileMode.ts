// How open the env file is. It holds HOST_MASTER_KEY and the database passwords, so any permission for group or
// others is reported: a warning when the host boots, a doctor FAIL.
import * as fs from "node:fs"
import { Effect, Layer } from "effect"
import { HostEnv } from "./HostEnv"

export interface EnvFileExposure {
  /** The permission bits, e.g. "0644". */
  readonly mode: string
  /** Who besides the owner may do what, e.g. "group and others can read it". */
  readonly who: string
}

const verbs = (bits: number, readBit: number, writeBit: number) =>
  [bits & readBit ? "read" : null, bits & writeBit ? "write" : null].filter((verb) => verb !== null).join(" and ")

/** null when only the owner may read or write the file (or it cannot be read at all). */
export const envFileExposure = (file: string): EnvFileExposure | null => {
  let mode: number
  try {
    mode = fs.statSync(file).mode & 0o777
  } catch {
    return null
  }
  if ((mode & 0o077) === 0) return null
  const group = verbs(mode, 0o040, 0o020)
  const others = verbs(mode, 0o004, 0o002)
  const who =
    group !== "" && group === others
      ? `group and others can ${group} it`
      : [group === "" ? null : `group can ${group} it`, others === "" ? null : `others can ${others} it`]
          .filter((part) => part !== null)
          .join(", ")
  return { mode: `0${mode.toString(8)}`, who: who === "" ? "group or others can execute it" : who }
}

/** One warning line at boot when the env file is open to group or others; the host still starts. */
export const warnLayer: Layer.Layer<never, never, HostEnv> = Layer.effectDiscard(
  Effect.gen(function* () {
    const { file } = yield* HostEnv
    const exposure = file === null ? null : envFileExposure(file)
    if (file === null || exposure === null) return
    yield* Effect.logWarning(
      `env file ${file} is mode ${exposure.mode} (${exposure.who}) and holds HOST_MASTER_KEY: run \`chmod 600 ${file}\``
    )
  }).pipe(Effect.annotateLogs("service", "EnvFile"))
)
