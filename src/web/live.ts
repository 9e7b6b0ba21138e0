// Live updates: the workspace's Server-Sent Events stream. It cannot go through the typed client (a long-lived stream
// the client would buffer whole), and EventSource cannot send the API key's Authorization header, so it is read with
// fetch and a ReadableStream (readEvents in api.ts), reconnecting after a pause when the stream ends or fails. The
// workspace is named with ?workspace=, which the API accepts for streams (src/live/LiveApi.ts).
import { useEffect, useRef } from "preact/hooks"
import { API_KEY_REQUIRED, authHeaders, readEvents } from "./shellClient"

export interface Change {
  readonly type: string
  readonly action: string
  readonly id?: string
  readonly date?: string
}

const RECONNECT_MS = 3_000

export const useLiveChanges = (workspaceId: string | undefined, onChange: (change: Change) => void) => {
  const handler = useRef(onChange)
  handler.current = onChange
  useEffect(() => {
    if (workspaceId === undefined) return
    const abort = new AbortController()
    const follow = async () => {
      while (!abort.signal.aborted) {
        try {
          const response = await fetch(`/api/v1/events?workspace=${encodeURIComponent(workspaceId)}`, {
            headers: { accept: "text/event-stream", ...authHeaders() },
            signal: abort.signal
          })
          if (response.status === 401) dispatchEvent(new Event(API_KEY_REQUIRED))
          if (response.ok && response.body !== null) {
            await readEvents(response.body, (event, data) => {
              if (event === "ready") document.body.setAttribute("data-live", "ready")
              if (event !== "change") return
              try {
                handler.current(JSON.parse(data) as Change)
              } catch {
                // A malformed event is ignored: the next one, or a reload, brings the page up to date.
              }
            })
          }
        } catch {
          // Aborted (the page went away) or the connection dropped: the loop ends or tries again.
        }
        document.body.removeAttribute("data-live")
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS))
      }
    }
    void follow()
    return () => {
      abort.abort()
      document.body.removeAttribute("data-live")
    }
  }, [workspaceId])
}
