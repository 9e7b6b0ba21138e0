// One host per test file pointed at a local OAuth authorization server (for GitHub and Google), a local GitHub API
// and local Google Calendar and Gmail APIs, with a workspace; every answer's text is kept so tests can prove no secret was ever sent back, and
// the host's output is kept (at debug level) to prove none was logged.
import { afterAll, beforeAll } from "@effect/vitest"
import { createDatabase, type TestDatabase } from "../support/database"
import { startFakeGitHub, type FakeGitHub } from "../support/fakeGitHub"
import { startFakeGoogle, type FakeGoogle } from "../support/fakeGoogle"
import { startFakeOAuthServer, type Account, type FakeOAuthServer } from "../support/fakeOAuthServer"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"

export const ACCOUNTS: ReadonlyArray<Account> = [
  { id: "1001", login: "alice", email: "alice@example.org" },
  { id: "1002", login: "bob", email: "bob@example.org" }
]

export interface ConnectorSuite {
  readonly base: string
  readonly db: TestDatabase
  readonly workspace: string
  readonly oauth: FakeOAuthServer
  readonly github: FakeGitHub
  readonly google: FakeGoogle
  readonly host: HostProcess
  /** The text of every answer `api` received. */
  readonly answers: Array<string>
}

export const connectorSuite = (label: string, env: Record<string, string> = {}): ConnectorSuite => {
  const suite = { answers: [] as Array<string> } as {
    -readonly [K in keyof ConnectorSuite]: ConnectorSuite[K]
  }
  beforeAll(async () => {
    suite.oauth = await startFakeOAuthServer(ACCOUNTS)
    suite.github = await startFakeGitHub((token) => suite.oauth.accountOf(token))
    suite.google = await startFakeGoogle((token) => suite.oauth.accountOf(token))
    suite.db = await createDatabase(label)
    const port = await freePort()
    suite.base = `http://127.0.0.1:${port}`
    suite.host = startHost({
      cwd: scratchDir(),
      env: hostEnv(suite.db, port, {
        LOG_LEVEL: "debug",
        CARABASE_GITHUB_AUTHORIZE_URL: `${suite.oauth.url}/authorize`,
        CARABASE_GITHUB_TOKEN_URL: `${suite.oauth.url}/token`,
        CARABASE_GITHUB_API_URL: suite.github.url,
        CARABASE_GOOGLE_AUTHORIZE_URL: `${suite.oauth.url}/authorize`,
        CARABASE_GOOGLE_TOKEN_URL: `${suite.oauth.url}/token`,
        CARABASE_GOOGLE_USERINFO_URL: `${suite.oauth.url}/userinfo`,
        CARABASE_GOOGLE_CALENDAR_API_URL: suite.google.calendarUrl,
        CARABASE_GMAIL_API_URL: suite.google.gmailUrl,
        ...env
      })
    })
    await suite.host.ready()
    suite.workspace = await createWorkspace(suite.base, label)
  })
  afterAll(async () => {
    await suite.host?.stop()
    await suite.db?.drop()
    await suite.oauth?.close()
    await suite.github?.close()
    await suite.google?.close()
  })
  return suite
}

export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: any
}

/** A request to the host; `workspace: null` sends no x-workspace-id. The answer's text is kept in suite.answers. */
export const api = async (
  suite: ConnectorSuite,
  method: string,
  path: string,
  options: { body?: unknown; workspace?: string | null; headers?: Record<string, string> } = {}
): Promise<Reply> => {
  const workspace = options.workspace === undefined ? suite.workspace : options.workspace
  const response = await fetch(`${suite.base}${path}`, {
    method,
    redirect: "manual",
    headers: {
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...(workspace === null ? {} : { "x-workspace-id": workspace }),
      ...options.headers
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
  })
  const text = await response.text()
  suite.answers.push(text, [...response.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n"))
  let json: unknown
  try {
    json = text === "" ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

export const CLIENT = { clientId: "carabase-test-client", clientSecret: "client-secret-Q7w9Zx3Lm" }

/** Registers the test client with the fake provider and creates the workspace's OAuth app for `provider`. */
export const createApp = async (suite: ConnectorSuite, provider: "github" | "google", workspace = suite.workspace) => {
  suite.oauth.registerClient(CLIENT.clientId, CLIENT.clientSecret)
  const reply = await api(suite, "POST", "/api/v1/oauth-apps", { body: { provider, ...CLIENT }, workspace })
  if (reply.status !== 201) throw new Error(`creating the OAuth app failed: ${reply.status} ${reply.text}`)
  return reply.json.oauthApp as { id: string }
}

/** start → the provider's authorize page (signed in as `login`) → the callback URL the provider redirects to. */
export const authorize = async (
  suite: ConnectorSuite,
  provider: "github" | "google",
  login: string,
  edit: (authorizeUrl: URL) => void = () => {}
) => {
  const start = await api(suite, "GET", `/api/v1/auth/${provider}/start`)
  if (start.status !== 302) throw new Error(`start answered ${start.status} ${start.text}`)
  const authorizeUrl = new URL(start.headers.get("location")!)
  authorizeUrl.searchParams.set("login", login)
  edit(authorizeUrl)
  const consent = await fetch(authorizeUrl, { redirect: "manual" })
  const callback = new URL(consent.headers.get("location")!)
  return { authorizeUrl, callback }
}

/** The callback URL's path and query, to call on the host. */
export const pathOf = (url: URL) => `${url.pathname}${url.search}`

export const connectAccount = async (suite: ConnectorSuite, provider: "github" | "google", login: string) => {
  const { callback } = await authorize(suite, provider, login)
  const reply = await api(suite, "GET", pathOf(callback), { workspace: null })
  if (reply.status !== 200) throw new Error(`callback answered ${reply.status} ${reply.text}`)
  return reply.json.connection as { id: string; accountId: string; accountLabel: string; tokenStatus: string }
}
