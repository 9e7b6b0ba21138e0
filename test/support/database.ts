// A fresh, fully migrated database per suite on the test server, with owner and carabase_app URLs.
// The server comes from CARABASE_TEST_DATABASE_URL (set by scripts/test.sh from scripts/db-setup.sh), else the
// local default on 127.0.0.1:5432.
import * as crypto from "node:crypto"
import { PgClient } from "@effect/sql-pg"
import { Reactivity } from "@effect/experimental"
import { Effect, Logger, LogLevel, Redacted } from "effect"
import pg from "pg"
import {
  appUrlFor,
  dropDatabase,
  ensureAppRole,
  ensureDatabase,
  findAppPassword,
  generatePassword,
  withDatabase
} from "../../src/bootstrap/Provision"
import { migrate } from "../../src/platform/Migrator"
import { repoRoot } from "./hostProcess"

export const testServerUrl = () =>
  process.env.CARABASE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"

export interface TestDatabase {
  readonly name: string
  readonly ownerUrl: string
  readonly appUrl: string
  readonly drop: () => Promise<void>
}

/**
 * carabase_app is cluster-wide, so its password is too. The global setup picks it once per run (reusing the one a
 * local .env.* already uses for this server, so a dev install keeps working) and hands it to every test worker.
 */
export const prepareAppRole = async (): Promise<string> => {
  const server = testServerUrl()
  const password = process.env.CARABASE_TEST_APP_PASSWORD ?? findAppPassword(repoRoot, server) ?? generatePassword()
  // Where the server already lets carabase_app in with this password (or trusts loopback), change nothing: resetting
  // the shared role's password would lock out a dev install on the same server.
  if (!(await canLogIn(appUrlFor(withDatabase(server, "postgres"), password)))) await ensureAppRole(server, password)
  return password
}

const canLogIn = async (url: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  try {
    await client.connect()
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

const appRolePassword = () => {
  const password = process.env.CARABASE_TEST_APP_PASSWORD
  if (password === undefined) throw new Error("test global setup did not prepare the carabase_app role")
  return password
}

export const createDatabase = async (label: string, options: { migrate?: boolean } = {}): Promise<TestDatabase> => {
  const name = `carabase_test_${label.replace(/[^a-z0-9]/g, "_")}_${crypto.randomBytes(4).toString("hex")}`
  const ownerUrl = withDatabase(testServerUrl(), name)
  await ensureDatabase(ownerUrl, name)
  if (options.migrate !== false) await runMigrations(ownerUrl)
  const appUrl = appUrlFor(ownerUrl, appRolePassword())
  return { name, ownerUrl, appUrl, drop: () => dropDatabase(ownerUrl, name) }
}

export const runMigrations = (ownerUrl: string, dir?: string) =>
  Effect.runPromise(
    Effect.flatMap(PgClient.make({ url: Redacted.make(ownerUrl) }), (sql) => migrate(sql, dir)).pipe(
      Effect.scoped,
      Effect.provide(Reactivity.layer),
      Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))
    )
  )

/** A plain pg client for attack-style tests that need exact control over sessions and roles. */
export const connect = async (url: string): Promise<pg.Client> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  return client
}
