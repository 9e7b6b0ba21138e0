// A real host process on a fresh database for the notes and tasks suites, with raw JSON requests for the cases the
// typed client would refuse to send (bad bodies, bad query strings).
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { freePort } from "../support/ports"

export interface TestHost {
  readonly base: string
  readonly db: TestDatabase
  readonly host: HostProcess
  readonly stop: () => Promise<void>
}

export const startTestHost = async (label: string, env: Record<string, string> = {}): Promise<TestHost> => {
  const db = await createDatabase(label)
  const port = await freePort()
  const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, env) })
  await host.ready()
  return {
    base: `http://127.0.0.1:${port}`,
    db,
    host,
    stop: async () => {
      await host.stop()
      await db.drop()
    }
  }
}

export interface JsonResponse {
  readonly status: number
  readonly body: any
}

/** A JSON request as any client could send it; `body` is sent verbatim when it is a string. */
export const request = async (
  base: string,
  method: string,
  path: string,
  workspaceId: string,
  body?: unknown
): Promise<JsonResponse> => {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { "x-workspace-id": workspaceId, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
  })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON: keep the text for the assertion message
  }
  return { status: response.status, body: parsed }
}

/** Today's date in the time zone `tz`, as the host computes it (YYYY-MM-DD). */
export const todayIn = (tz: string, at = new Date()): string =>
  new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(at)
