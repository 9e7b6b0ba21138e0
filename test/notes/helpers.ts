// Raw JSON requests for the notes and tasks suites, for the cases the typed client would refuse to send (bad bodies,
// bad query strings), and "today" as the host computes it.
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
