// Database provisioning for bootstrap and the test fixture: the env's database, the pgvector extension, and the
// cluster-wide carabase_app role with its password. Every step is idempotent.
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import pg from "pg"
import { parseEnvFile } from "../platform/EnvFile"

export const APP_ROLE = "carabase_app"

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`

/** The same server as `url`, another database. */
export const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url)
  parsed.pathname = `/${encodeURIComponent(database)}`
  return parsed.toString()
}

/** The same server and database as `ownerUrl`, logging in as carabase_app. */
export const appUrlFor = (ownerUrl: string, password: string): string => {
  const parsed = new URL(ownerUrl)
  parsed.username = APP_ROLE
  parsed.password = encodeURIComponent(password)
  return parsed.toString()
}

const serverKey = (url: string) => {
  const parsed = new URL(url)
  return `${parsed.hostname || parsed.searchParams.get("host") || "localhost"}:${parsed.port || "5432"}`
}

const withClient = async <A>(url: string, use: (client: pg.Client) => Promise<A>): Promise<A> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}

export const ensureDatabase = (adminUrl: string, database: string): Promise<boolean> =>
  withClient(withDatabase(adminUrl, "postgres"), async (client) => {
    const found = await client.query("select 1 from pg_database where datname = $1", [database])
    if (found.rowCount !== 0) return false
    try {
      await client.query(`create database ${quoteIdent(database)}`)
    } catch (error) {
      // Another bootstrap created it at the same moment.
      if ((error as { code?: string }).code !== "42P04") throw error
    }
    return true
  })

export const dropDatabase = (adminUrl: string, database: string): Promise<void> =>
  withClient(withDatabase(adminUrl, "postgres"), async (client) => {
    await client.query(`drop database if exists ${quoteIdent(database)} with (force)`)
  })

/** Creates carabase_app if missing (with the attributes migration 0001 also asserts) and sets its password. */
export const ensureAppRole = (adminUrl: string, password: string): Promise<void> =>
  withClient(withDatabase(adminUrl, "postgres"), async (client) => {
    await client.query("begin")
    try {
      await client.query("select pg_advisory_xact_lock(hashtext('carabase_app role'))")
      const found = await client.query("select 1 from pg_roles where rolname = $1", [APP_ROLE])
      if (found.rowCount === 0) {
        await client.query(`create role ${APP_ROLE} login nosuperuser nobypassrls nocreatedb nocreaterole noinherit`)
      }
      await client.query(`alter role ${APP_ROLE} with login password ${quoteLiteral(password)}`)
      await client.query("commit")
    } catch (error) {
      await client.query("rollback")
      throw error
    }
  })

/**
 * The role is shared by every Carabase database on a server, so its password is too: reuse the one another env
 * file in `dir` already uses for the same server rather than breaking that env by setting a new one.
 */
export const findAppPassword = (dir: string, ownerUrl: string): string | undefined => {
  const key = serverKey(ownerUrl)
  const files = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((file) => /^\.env(\.(dev|staging|prod))?$/.test(file))
    : []
  for (const file of files) {
    const url = parseEnvFile(fs.readFileSync(path.join(dir, file), "utf8")).get("APP_DATABASE_URL")
    if (url === undefined || url === "") continue
    try {
      const parsed = new URL(url)
      if (parsed.username === APP_ROLE && parsed.password !== "" && serverKey(url) === key) {
        return decodeURIComponent(parsed.password)
      }
    } catch {
      continue
    }
  }
  return undefined
}

export const generatePassword = () => crypto.randomBytes(24).toString("hex")

export const checkVector = (url: string): Promise<void> =>
  withClient(url, async (client) => {
    await client.query("begin")
    try {
      await client.query("create extension if not exists vector")
    } finally {
      await client.query("rollback")
    }
  })
