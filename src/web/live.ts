// Live updates: the workspace's Server-Sent Events stream. EventSource cannot go through the typed client (it is a
// long-lived stream the client would buffer whole), and it cannot set headers, so it names the workspace with
// ?workspace=, which the API accepts for exactly this case (src/live/LiveApi.ts).
import { useEffect, useRef } from "preact/hooks"

export interface Change {
  readonly type: string
  readonly action: string
  readonly id?: string
  readonly date?: string
}

export const useLiveChanges = (workspaceId: string | undefined, onChange: (change: Change) => void) => {
  const handler = useRef(onChange)
  handler.current = onChange
  useEffect(() => {
    if (workspaceId === undefined) return
    const source = new EventSource(`/api/v1/events?workspace=${encodeURIComponent(workspaceId)}`)
    source.addEventListener("ready", () => document.body.setAttribute("data-live", "ready"))
    source.addEventListener("change", (event) => {
      try {
        handler.current(JSON.parse((event as MessageEvent<string>).data) as Change)
      } catch {
        // A malformed event is ignored: the next one, or a reload, brings the page up to date.
      }
    })
    return () => {
      source.close()
      document.body.removeAttribute("data-live")
    }
  }, [workspaceId])
}
