// `carabase bootstrap [--env dev|staging|prod] [--database-url <url>] [--no-database]`: creates or completes the
// env file with fresh secrets, provisions the env's database and the carabase_app role, and prints the gateway
// password for OpenClaw's config.
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { envFilePath, writeEnvFile } from "../bootstrap/EnvFileWriter"
import {
  APP_ROLE,
  appUrlFor,
  checkVector,
  ensureAppRole,
  ensureDatabase,
  findAppPassword,
  generatePassword,
  withDatabase
} from "../bootstrap/Provision"
import { parseEnvFile } from "../platform/EnvFile"
import { Environments, type Environment } from "../platform/HostEnv"
import { parseOrHelp, UsageError } from "./Args"

export const bootstrapHelp = `usage: carabase bootstrap [--env dev|staging|prod] [--database-url <url>] [--no-database]

Creates .env.<env> in the current directory from .env.example (mode 0600), generating HOST_MASTER_KEY and
OPENCLAW_GATEWAY_PASSWORD (32 random bytes each). A value that is already set is never overwritten, so running
it again is safe. The env defaults to CARABASE_ENV, else dev.

Database: unless DATABASE_URL is already set, the database carabase_<env> is created on the server given by
--database-url (an owner/superuser URL), or on the one scripts/db-setup.sh provides. The cluster-wide role
carabase_app gets a password (shared with the other env files here that use the same server), and both
DATABASE_URL and APP_DATABASE_URL are written. --no-database skips all of this.`

const repoRoot = () => path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const exampleFile = (cwd: string): string => {
  const candidates = [path.join(cwd, ".env.example"), path.join(repoRoot(), ".env.example")]
  const found = candidates.find((candidate) => fs.existsSync(candidate))
  if (found === undefined) throw new Error(`cannot find .env.example (looked in ${candidates.join(" and ")})`)
  return found
}

const serverFromSetupScript = (): string => {
  const script = path.join(repoRoot(), "scripts", "db-setup.sh")
  process.stdout.write("provisioning PostgreSQL with pgvector (scripts/db-setup.sh)...\n")
  return execFileSync("bash", [script, "--print-url"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"]
  }).trim()
}

const provisionDatabase = async (options: {
  readonly cwd: string
  readonly env: Environment
  readonly existing: ReadonlyMap<string, string>
  readonly serverUrl: string | undefined
}): Promise<Map<string, string>> => {
  const values = new Map<string, string>()
  let ownerUrl = options.existing.get("DATABASE_URL") ?? ""
  if (ownerUrl === "") {
    const server = options.serverUrl ?? serverFromSetupScript()
    ownerUrl = withDatabase(server, `carabase_${options.env}`)
    values.set("DATABASE_URL", ownerUrl)
  }
  const database = decodeURIComponent(new URL(ownerUrl).pathname.slice(1))
  if (database === "") throw new Error("DATABASE_URL names no database")
  if (await ensureDatabase(ownerUrl, database)) process.stdout.write(`created database ${database}\n`)
  await checkVector(ownerUrl)

  const appUrl = options.existing.get("APP_DATABASE_URL") ?? ""
  if (appUrl !== "") {
    const parsed = new URL(appUrl)
    // Keep the role's password in step with the URL this env already uses.
    if (parsed.username === APP_ROLE && parsed.password !== "") {
      await ensureAppRole(ownerUrl, decodeURIComponent(parsed.password))
    }
  } else {
    const password = findAppPassword(options.cwd, ownerUrl) ?? generatePassword()
    await ensureAppRole(ownerUrl, password)
    values.set("APP_DATABASE_URL", appUrlFor(ownerUrl, password))
  }
  return values
}

export const runBootstrap = async (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, { help: bootstrapHelp, flags: ["no-database"], values: ["env", "database-url"] })
  if (args === null) return 0
  const requested = args.value("env") ?? process.env.CARABASE_ENV ?? "dev"
  if (!(Environments as ReadonlyArray<string>).includes(requested)) {
    throw new UsageError(`--env must be one of ${Environments.join(", ")}`)
  }
  const serverUrl = args.value("database-url")
  if (serverUrl !== undefined && !/^postgres(ql)?:\/\//.test(serverUrl)) {
    throw new UsageError("--database-url must be a postgres:// URL")
  }
  const env = requested as Environment
  const cwd = process.cwd()
  const file = envFilePath(cwd, env)
  const existing = fs.existsSync(file) ? parseEnvFile(fs.readFileSync(file, "utf8")) : new Map<string, string>()
  const extra = args.flag("no-database")
    ? new Map<string, string>()
    : await provisionDatabase({ cwd, env, existing, serverUrl })

  const result = writeEnvFile({ cwd, env, exampleText: fs.readFileSync(exampleFile(cwd), "utf8"), extra })
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
