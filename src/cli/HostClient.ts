// What the import and export commands need to talk to a running host: its base URL (`--host`, else CARABASE_URL,
// else this machine on PORT from the environment or the env file, 3000 by default), the API key when one is set
// (CARABASE_API_KEY, sent as a bearer token), and the workspace (`--workspace`, else CARABASE_WORKSPACE_ID, else the
// only one there is).
import * as fs from "node:fs"
import { parseEnvFile } from "../platform/EnvFile"
import { UsageError } from "./Args"

export interface HostClient {
  readonly base: string
  readonly workspace: string
  readonly request: (path: string, init?: RequestInit & { duplex?: "half" }) => Promise<Response>
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const envFileValue = (name: string): string | undefined => {
  const env = process.env.CARABASE_ENV ?? "dev"
  for (const file of [`.env.${env}`, ...(env === "dev" ? [".env"] : [])]) {
    try {
      const value = parseEnvFile(fs.readFileSync(file, "utf8")).get(name)
      if (value !== undefined) return value
    } catch {
      // No such file: the default applies.
    }
  }
  return undefined
}

export const hostBase = (flag: string | undefined) => {
  const given = flag ?? process.env.CARABASE_URL
  if (given !== undefined) {
    try {
      return new URL(given).origin
    } catch {
      throw new UsageError(`--host must be a URL such as http://127.0.0.1:3000; got ${JSON.stringify(given)}`)
    }
  }
  const port = process.env.PORT ?? envFileValue("PORT") ?? "3000"
  return `http://127.0.0.1:${port}`
}

/** A failed answer as one line: the host's own message when it sent one. */
export const answerError = async (response: Response, what: string) => {
  const text = await response.text()
  let message = text.slice(0, 500)
  try {
    const body = JSON.parse(text) as { message?: unknown }
    if (typeof body.message === "string") message = body.message
  } catch {
    // Not JSON: the text as it came.
  }
  return new Error(`${what}: the host answered ${response.status}: ${message}`)
}

export const connect = async (options: {
  readonly host?: string | undefined
  readonly workspace?: string | undefined
}) => {
  const base = hostBase(options.host)
  const apiKey = process.env.CARABASE_API_KEY
  const request = async (path: string, init: RequestInit & { duplex?: "half" } = {}) => {
    const headers = new Headers(init.headers)
    if (apiKey !== undefined && apiKey !== "") headers.set("authorization", `Bearer ${apiKey}`)
    try {
      return await fetch(`${base}/api/v1${path}`, { ...init, headers })
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message
      throw new Error(`cannot reach the host at ${base} (${cause}): start it, or name it with --host or CARABASE_URL`)
    }
  }
  let workspace = options.workspace ?? process.env.CARABASE_WORKSPACE_ID
  if (workspace !== undefined && !UUID.test(workspace)) {
    throw new UsageError(`--workspace must be a workspace id (a UUID); got ${JSON.stringify(workspace)}`)
  }
  if (workspace === undefined) {
    const response = await request("/workspaces")
    if (!response.ok) throw await answerError(response, "listing the workspaces")
    const { workspaces } = (await response.json()) as { workspaces: Array<{ id: string; name: string }> }
    if (workspaces.length !== 1) {
      const names = workspaces.map((each) => `  ${each.id}  ${each.name}`).join("\n")
      throw new UsageError(
        workspaces.length === 0
          ? "the host has no workspace yet: create one first"
          : `the host has ${workspaces.length} workspaces: name one with --workspace <id>\n${names}`
      )
    }
    workspace = workspaces[0]!.id
  }
  const scoped = (path: string, init: RequestInit & { duplex?: "half" } = {}) => {
    const headers = new Headers(init.headers)
    headers.set("x-workspace-id", workspace)
    return request(path, { ...init, headers })
  }
  return { base, workspace, request: scoped } satisfies HostClient
}
