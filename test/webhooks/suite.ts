// One host process on a fresh database per test file, a workspace with channels created through the typed client,
// and the owner's view of channel_events (bypassing RLS) to prove what was and was not stored.
import { afterAll, beforeAll } from "@effect/vitest"
import type { CreateChannel } from "../../src/channels/ChannelsApi"
import { runClient } from "../support/apiClient"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"

export interface Suite {
  readonly base: string
  readonly db: TestDatabase
  readonly workspace: string
}

export const hostSuite = (label: string, env: Record<string, string> = {}): Suite => {
  const suite = {} as { base: string; db: TestDatabase; workspace: string }
  let host: HostProcess | undefined
  beforeAll(async () => {
    suite.db = await createDatabase(label)
    const port = await freePort()
    suite.base = `http://127.0.0.1:${port}`
    host = startHost({ cwd: scratchDir(), env: hostEnv(suite.db, port, env) })
    await host.ready()
    suite.workspace = await createWorkspace(suite.base, `${label} home`)
  })
  afterAll(async () => {
    await host?.stop()
    await suite.db?.drop()
  })
  return suite
}

export const createChannel = (suite: Suite, payload: CreateChannel, workspace = suite.workspace) =>
  runClient(suite.base, (api) => api.channels.create({ payload }), workspace).then((result) => result.channel)

/** Every stored event of a channel, read as the database owner. */
export const storedEvents = async (db: TestDatabase, channelId: string) => {
  const client = await connect(db.ownerUrl)
  try {
    const { rows } = await client.query<{ external_id: string; status: string; payload: any; workspace_id: string }>(
      "select external_id, status, payload, workspace_id from channel_events where channel_id = $1 order by received_at, external_id",
      [channelId]
    )
    return rows
  } finally {
    await client.end()
  }
}

export const countAllEvents = async (db: TestDatabase) => {
  const client = await connect(db.ownerUrl)
  try {
    const { rows } = await client.query<{ n: number }>("select count(*)::int as n from channel_events")
    return rows[0]!.n
  } finally {
    await client.end()
  }
}

export interface Reply {
  readonly status: number
  readonly text: string
  readonly json: any
  readonly headers: Headers
}

export const send = async (
  base: string,
  method: string,
  path: string,
  body: string | Buffer | undefined,
  headers: Record<string, string> = {}
): Promise<Reply> => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : new Uint8Array(body) })
  })
  const text = await response.text()
  let json: any = undefined
  try {
    json = text === "" ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, text, json, headers: response.headers }
}

export const randomId = () => crypto.randomUUID()

/** Just over the 1 MiB limit, as valid JSON. */
export const oversizeBody = () => JSON.stringify({ pad: "x".repeat(1024 * 1024) })
