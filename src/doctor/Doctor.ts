// `carabase doctor`: checks a live install against the threat model. Each check says PASS, WARN or FAIL in one line
// with a fix. FAIL means a promise is broken (a readable key file, RLS off, a superuser app role); conditions that
// break none (gateway not running, settings from the environment instead of a file) are WARN.
import * as fs from "node:fs"
import { Cause, Config, Effect, Option } from "effect"
import { backupDirConfig } from "../backups/Backups"
import { envBackupStatus, describeAge, PASS_UNDER_HOURS, WARN_UNDER_HOURS } from "../backups/Status"
import * as Crypto from "../platform/Crypto"
import * as Db from "../platform/Db"
import { envFileExposure } from "../platform/EnvFileMode"
import { HostEnv, type LoadedEnvironment } from "../platform/HostEnv"
import { parseMasterKey, weakKeyReason } from "../platform/MasterKey"
import { fail, pass, warn, type CheckResult } from "./Check"
import { appRoleCheck, databaseKeyCheck, migrationsCheck, rlsCheck, searchIndexCheck } from "./DatabaseChecks"
import { gatewayCheck, hostAnswers, listeningCheck, machineAddresses } from "./NetworkChecks"

/** The env's HOST_MASTER_KEY, when it is one the host would boot with. */
const masterKey = Effect.map(
  Config.option(Config.redacted("HOST_MASTER_KEY")).pipe(Effect.orElseSucceed(() => Option.none())),
  Option.flatMap(parseMasterKey)
)

const masterKeyCheck = Effect.gen(function* () {
  const name = "master key"
  const value = yield* Config.option(Config.redacted("HOST_MASTER_KEY")).pipe(Effect.orElseSucceed(() => Option.none()))
  if (Option.isNone(value)) {
    return fail(name, "HOST_MASTER_KEY is not set: the host refuses to boot", "run `pnpm bootstrap` to generate one")
  }
  const key = parseMasterKey(value.value)
  if (Option.isNone(key)) {
    return fail(name, "HOST_MASTER_KEY is malformed: it must be 64 hex characters", "run `./scripts/gen-secret.sh 32`")
  }
  const weak = weakKeyReason(key.value)
  return weak === null
    ? pass(name, "HOST_MASTER_KEY is set and well formed (32 bytes)")
    : fail(
        name,
        `HOST_MASTER_KEY is not a random key (${weak}): the host refuses to boot`,
        "generate one with `./scripts/gen-secret.sh 32` and move the secrets to it with `carabase rotate-key` (NEW_HOST_MASTER_KEY=<new key>)"
      )
})

const envFileCheck = Effect.map(HostEnv, ({ file, fileLabel }): CheckResult => {
  const name = "env file"
  if (file === null) {
    return warn(
      name,
      `no env file at ${fileLabel}: settings come from the process environment`,
      "keep the variables' source as private as a 0600 file"
    )
  }
  const exposure = envFileExposure(file)
  return exposure === null
    ? pass(name, `${file} is mode 0${(fs.statSync(file).mode & 0o777).toString(8)}`)
    : fail(name, `${file} is mode ${exposure.mode}: ${exposure.who}, and it holds the master key`, `chmod 600 ${file}`)
})

const databaseChecks = Effect.gen(function* () {
  const owner = yield* Effect.either(Db.singleConnection("DATABASE_URL"))
  if (owner._tag === "Left") {
    return [fail("database", owner.left.message, "start PostgreSQL or fix DATABASE_URL (`pnpm bootstrap` writes it)")]
  }
  const results: Array<CheckResult> = [pass("database", "the owner connection (DATABASE_URL) works")]
  const app = yield* Effect.either(Db.singleConnection("APP_DATABASE_URL"))
  results.push(
    app._tag === "Left"
      ? fail("app role", app.left.message, "run `pnpm bootstrap` to create carabase_app and write APP_DATABASE_URL")
      : yield* appRoleCheck(app.right, owner.right)
  )
  results.push(yield* rlsCheck(owner.right))
  results.push(yield* migrationsCheck(owner.right))
  results.push(yield* searchIndexCheck(owner.right))
  const key = yield* masterKey
  const { file, fileLabel } = yield* HostEnv
  results.push(
    yield* databaseKeyCheck(owner.right, Option.map(key, Crypto.make), file ?? `the process environment (${fileLabel})`)
  )
  return results
}).pipe(Effect.scoped)

const listening = Effect.gen(function* () {
  const host = yield* Config.string("HOST").pipe(Config.withDefault("::"))
  const port = yield* Config.integer("PORT").pipe(Config.withDefault(3000))
  return listeningCheck(host, port, machineAddresses(), yield* hostAnswers(port))
})

const backupCheck = Effect.gen(function* () {
  const { name: env } = yield* HostEnv
  const dir = yield* backupDirConfig
  const status = envBackupStatus(dir, env, new Date())
  const detail =
    status.newest === null
      ? `no backup of ${env} in ${dir}`
      : `newest ${env} backup is ${describeAge(status.ageHours!)} old (${status.newest.file})`
  const fix = "run `pnpm carabase backup`, and keep the host running so the nightly backup job runs"
  switch (status.verdict) {
    case "PASS":
      return pass("backups", detail)
    case "WARN":
      return warn("backups", `${detail}: over ${PASS_UNDER_HOURS} h`, fix)
    case "FAIL":
      return fail("backups", status.newest === null ? detail : `${detail}: over ${WARN_UNDER_HOURS} h`, fix)
  }
})

const describeCause = (cause: Cause.Cause<unknown>) => {
  const error = Cause.squash(cause)
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]
}

/**
 * Every check, in report order; a check that cannot run reports FAIL with the reason rather than stopping the rest.
 * Reads settings from the current ConfigProvider: the CLI's env (runDoctor), or the running host's (GET /doctor).
 */
export const doctorChecks: Effect.Effect<ReadonlyArray<CheckResult>, never, HostEnv> = Effect.gen(function* () {
  const guard = (name: string, check: Effect.Effect<CheckResult | ReadonlyArray<CheckResult>, unknown, HostEnv>) =>
    check.pipe(
      Effect.map((result) => (Array.isArray(result) ? result : [result as CheckResult])),
      Effect.catchAllCause((cause) =>
        Effect.succeed([fail(name, `could not be checked: ${describeCause(cause)}`, "fix the cause above and rerun")])
      )
    )
  const groups = yield* Effect.all(
    [
      guard("master key", masterKeyCheck),
      guard("env file", envFileCheck),
      guard("database", databaseChecks),
      guard("agent gateway", gatewayCheck),
      guard("listening addresses", listening),
      guard("backups", backupCheck)
    ],
    { concurrency: "unbounded" }
  )
  return groups.flat()
})

export const runDoctor = (loaded: LoadedEnvironment) =>
  doctorChecks.pipe(Effect.provideService(HostEnv, loaded.hostEnv), Effect.withConfigProvider(loaded.provider))
