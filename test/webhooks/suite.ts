// One host on a fresh database per test file, a workspace with channels created through the typed client,
// and the owner's view of channel_events (bypassing RLS) to prove what was and was not stored.
import { beforeAll } from "@effect/vitest"
import type { CreateChannel } from "../../src/channels/ChannelsApi"
import { runClient } from "../support/apiClient"
import { connect, type TestDatabase } from "../support/database"
import {
  createWorkspace,
  hostSuite as inProcess,
  processHostSuite as spawned,
  type HostSettings,
  type ProcessSuite,
  type Suite as HostSuite
} from "../support/hostSuite"

export interface Suite extends HostSuite {
  readonly workspace: string
}

const withWorkspace = (label: string, host: HostSuite): Suite => {
  const suite = host as HostSuite & { workspace: string }
  beforeAll(async () => {
    suite.workspace = await createWorkspace(suite.base, `${label} home`)
  })
  return suite
}

/** The host in-process (test/support/TestHost.ts), with a workspace. */
export const hostSuite = (label: string, env: HostSettings = {}): Suite => withWorkspace(label, inProcess(label, env))

/** A host process, for a suite that sets the process's own environment (TZ). */
export const processHostSuite = (label: string, env: HostSettings = {}): Suite & ProcessSuite => {
  const host = spawned(label, env)
  withWorkspace(label, host)
  return host as typeof host & Suite
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
