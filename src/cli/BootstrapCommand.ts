// `carabase bootstrap [--env dev|staging|prod]`: creates or completes the env file with fresh secrets and prints
// the gateway password for OpenClaw's config.
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { writeEnvFile } from "../bootstrap/EnvFileWriter"
import { Environments, type Environment } from "../platform/HostEnv"
import { parseArgs, UsageError } from "./Args"

export const bootstrapHelp = `usage: carabase bootstrap [--env dev|staging|prod]

Creates .env.<env> in the current directory from .env.example (mode 0600), generating HOST_MASTER_KEY and
OPENCLAW_GATEWAY_PASSWORD (32 random bytes each). A value that is already set is never overwritten, so running
it again is safe. The env defaults to CARABASE_ENV, else dev.`

const exampleFile = (cwd: string): string => {
  const beside = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", ".env.example")
  const candidates = [path.join(cwd, ".env.example"), beside]
  const found = candidates.find((candidate) => fs.existsSync(candidate))
  if (found === undefined) throw new Error(`cannot find .env.example (looked in ${candidates.join(" and ")})`)
  return found
}

export const runBootstrap = (argv: ReadonlyArray<string>): number => {
  const args = parseArgs(argv, { flags: ["help"], values: ["env"] })
  if (args.options.has("help")) {
    process.stdout.write(`${bootstrapHelp}\n`)
    return 0
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`)
  const requested = String(args.options.get("env") ?? process.env.CARABASE_ENV ?? "dev")
  if (!(Environments as ReadonlyArray<string>).includes(requested)) {
    throw new UsageError(`--env must be one of ${Environments.join(", ")}`)
  }
  const env = requested as Environment
  const cwd = process.cwd()
  const result = writeEnvFile({ cwd, env, exampleText: fs.readFileSync(exampleFile(cwd), "utf8") })
  const filled = result.filled.length === 0 ? "nothing to fill in" : `filled in ${result.filled.join(", ")}`
  process.stdout.write(`${result.created ? "created" : "updated"} ${result.file} (mode 0600): ${filled}\n`)
  const password = result.values.get("OPENCLAW_GATEWAY_PASSWORD") ?? ""
  if (password !== "") {
    process.stdout.write(
      `\nOpenClaw gateway password for ${env}. Put it in OpenClaw's config as gateway.auth.password:\n\n  ${password}\n\n`
    )
  }
  return 0
}
