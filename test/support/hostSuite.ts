// A host on a fresh database for one test file (in-process, or a real process where the process is under test), plus
// plain-HTTP helpers for the cases the typed client cannot express (malformed bodies, wrong types, raw status codes)
// and an SSE reader for live updates.
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { afterAll, beforeAll } from "@effect/vitest"
import { Effect, ManagedRuntime } from "effect"
import { connect, createDatabase, type TestDatabase } from "./database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "./hostProcess"
import { freePort } from "./ports"
import * as TestHost from "./TestHost"

export interface Suite {
  readonly base: string
  readonly db: TestDatabase
}

export interface ProcessSuite extends Suite {
  /** The host process's id (for reading its memory). */
  readonly pid: number
  /** Everything the host process wrote so far, stdout then stderr (for what must never be logged). */
  readonly output: () => string
}

/** Settings added to the host's environment; a function when they exist only once an earlier beforeAll ran. */
export type HostSettings = Record<string, string> | (() => Record<string, string>)

const settings = (env: HostSettings) => (typeof env === "function" ? env() : env)

/**
 * Serves the real host in-process (test/support/TestHost.ts) for the file, with `env` added to its settings; the
 * returned object is filled in before the first test runs.
 */
export const hostSuite = (label: string, env: HostSettings = {}): Suite => {
  const suite = {} as { base: string; db: TestDatabase }
  let dispose = () => Promise.resolve()
  beforeAll(async () => {
    const runtime = ManagedRuntime.make(TestHost.layer(label, settings(env)))
    dispose = () => runtime.dispose()
    Object.assign(suite, await runtime.runPromise(TestHost.TestHost))
  })
  afterAll(() => dispose())
  return suite
}

/**
 * Starts one host process (dist/main.js) for the file instead, for tests of the process itself: its memory, its
 * output, its exit.
 */
export const processHostSuite = (label: string, env: HostSettings = {}): ProcessSuite => {
  let host: HostProcess | undefined
  const suite = { output: () => `${host?.stdout() ?? ""}${host?.stderr() ?? ""}` } as ProcessSuite & {
    base: string
    db: TestDatabase
    pid: number
  }
  beforeAll(async () => {
    suite.db = await createDatabase(label)
    const port = await freePort()
    suite.base = `http://127.0.0.1:${port}`
    host = startHost({ cwd: scratchDir(), env: hostEnv(suite.db, port, settings(env)) })
    await host.ready()
    suite.pid = host.child.pid!
  })
  afterAll(async () => {
    await host?.stop()
    await suite.db?.drop()
  })
  return suite
}

export interface Answer {
  readonly status: number
  readonly body: any
}

export const call = async (
  base: string,
  method: string,
  path: string,
  options: { readonly workspace?: string; readonly body?: unknown; readonly raw?: string } = {}
): Promise<Answer> => {
  const headers: Record<string, string> = { "content-type": "application/json" }
  if (options.workspace !== undefined) headers["x-workspace-id"] = options.workspace
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
  const response = await fetch(`${base}/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
  const text = await response.text()
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) }
}

/**
 * Injects a logCard block (as the published daily skill writes one: timestamp, tags and folios as JSON strings) into
 * the daily note of `date`, on the host at `base`, as `workspace`.
 */
export const injectLogCard = (
  base: string,
  workspace: string,
  card: {
    readonly date: string
    readonly timestamp: string
    readonly tags: ReadonlyArray<string>
    readonly folios: ReadonlyArray<string>
    readonly words: string
  }
) =>
  call(base, "POST", "/daily-notes/inject", {
    workspace,
    body: {
      date: card.date,
      block: {
        type: "logCard",
        attrs: {
          timestamp: card.timestamp,
          visibility: "PRIVATE",
          tags: JSON.stringify(card.tags),
          folios: JSON.stringify(card.folios),
          customers: "[]",
          abandoned: "false"
        },
        content: [{ type: "paragraph", content: [{ type: "text", text: card.words }] }]
      }
    }
  })

/** A new workspace's id, on the host at `base`. */
export const createWorkspace = (base: string, name: string) =>
  Effect.runPromise(TestHost.createWorkspace(name).pipe(Effect.provide(TestHost.clientFor(base))))

/**
 * Opens MCP sessions on the suite's host (Streamable HTTP, bound to a workspace by its header, as an agent connects);
 * every session it opened is closed after the file.
 */
export const mcpClients = (suite: { readonly base: string }) => {
  const open: Array<Client> = []
  afterAll(async () => {
    await Promise.all(open.map((client) => client.close().catch(() => undefined)))
  })
  return async (workspace: string) => {
    const client = new Client({ name: "carabase-test", version: "1.0.0" })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${suite.base}/mcp`), {
        requestInit: { headers: { "x-workspace-id": workspace } }
      })
    )
    open.push(client)
    return client
  }
}

/** Runs SQL as the database owner (bypassing RLS): for seeding rows that other services' routes would write. */
export const asOwner = async <A>(
  db: TestDatabase,
  use: (client: Awaited<ReturnType<typeof connect>>) => Promise<A>
) => {
  const client = await connect(db.ownerUrl)
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}

/** An open SSE stream: `until` resolves with the accumulated text once it matches, or rejects after a timeout. */
export const openEvents = async (base: string, workspace: string) => {
  const abort = new AbortController()
  const response = await fetch(`${base}/api/v1/events?workspace=${workspace}`, { signal: abort.signal })
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ""
  const until = async (pattern: RegExp, timeoutMs = 5_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs
    while (!pattern.test(text)) {
      const remaining = deadline - Date.now()
      if (remaining <= 0) throw new Error(`no event matching ${pattern} in ${timeoutMs} ms; got: ${text}`)
      const next = await Promise.race([
        reader.read(),
        new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), remaining))
      ])
      if (next === "timeout") continue
      if (next.done) throw new Error(`event stream ended; got: ${text}`)
      text += decoder.decode(next.value, { stream: true })
    }
    return text
  }
  return { status: response.status, until, close: () => abort.abort() }
}
