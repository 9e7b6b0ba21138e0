// Change notices over Server-Sent Events: a note write announces itself to its own workspace's stream only.
import { describe, expect, it } from "@effect/vitest"
import { createWorkspace, hostSuite } from "../support/hostSuite"
import { request } from "./helpers"

const t = hostSuite("notes_live")

interface Frame {
  readonly event: string
  readonly data: any
}

/** Opens the workspace's event stream (as EventSource would, with ?workspace=) and reads it frame by frame. */
const openEvents = async (workspaceId: string) => {
  const controller = new AbortController()
  const response = await fetch(`${t.base}/api/v1/events?workspace=${workspaceId}`, { signal: controller.signal })
  expect(response.status).toBe(200)
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ""
  const next = async (timeoutMs = 5_000): Promise<Frame> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const end = buffer.indexOf("\n\n")
      if (end !== -1) {
        const raw = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (raw.startsWith(":")) continue
        const event = /^event: (.*)$/m.exec(raw)?.[1] ?? "message"
        const data = /^data: (.*)$/m.exec(raw)?.[1]
        return { event, data: data === undefined ? undefined : JSON.parse(data) }
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new Error("no event in time")
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no event in time")), left))
      ])
      if (chunk.done) throw new Error("stream ended")
      buffer += decoder.decode(chunk.value, { stream: true })
    }
  }
  return { next, close: () => controller.abort() }
}

describe("live updates", () => {
  it("announces an inject as a note change to the workspace's stream, and not to another workspace's", async () => {
    const a = await createWorkspace(t.base, "Live A")
    const b = await createWorkspace(t.base, "Live B")
    const streamA = await openEvents(a)
    const streamB = await openEvents(b)
    try {
      expect((await streamA.next()).event).toBe("ready")
      expect((await streamB.next()).event).toBe("ready")

      const injected = await request(t.base, "POST", "/daily-notes/inject", a, {
        type: "logCard",
        content: "- [ ] live task",
        date: "2026-08-01"
      })
      expect(injected.status).toBe(200)
      const noteA = await request(t.base, "GET", "/daily-notes/2026-08-01", a)
      const change = await streamA.next()
      expect(change).toEqual({
        event: "change",
        data: { type: "note", action: "updated", id: noteA.body.id, date: "2026-08-01" }
      })
      expect(await streamA.next()).toEqual({
        event: "change",
        data: { type: "task", action: "updated", date: "2026-08-01" }
      })

      // B's stream is ordered: if A's notice had leaked into it, it would arrive before B's own.
      await request(t.base, "PATCH", "/daily-notes/2026-08-02", b, { documentState: [{ type: "paragraph" }] })
      const noteB = await request(t.base, "GET", "/daily-notes/2026-08-02", b)
      const first = await streamB.next()
      expect(first.data.date).not.toBe("2026-08-01")
      expect(first.data.id).toBe(noteB.body.id)
    } finally {
      streamA.close()
      streamB.close()
    }
  })
})
