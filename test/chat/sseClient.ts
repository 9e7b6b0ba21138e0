// Reads the host's chat stream as a client would: POST /chat/stream, then Server-Sent Events one at a time.
export interface ChatStreamEvent {
  readonly event: string
  readonly data: any
}

export interface OpenedChat {
  readonly response: Response
  /** The next event, or undefined when the stream has ended. */
  readonly next: () => Promise<ChatStreamEvent | undefined>
  /** Every remaining event until the stream ends. */
  readonly rest: () => Promise<Array<ChatStreamEvent>>
  readonly abort: () => void
}

export const openChat = async (
  base: string,
  workspaceId: string,
  body: Record<string, unknown>
): Promise<OpenedChat> => {
  const controller = new AbortController()
  const response = await fetch(`${base}/api/v1/chat/stream`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-workspace-id": workspaceId },
    body: JSON.stringify(body),
    signal: controller.signal
  })
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ""
  const next = async (): Promise<ChatStreamEvent | undefined> => {
    for (;;) {
      const end = buffer.indexOf("\n\n")
      if (end !== -1) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (block.startsWith(":")) continue
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message"
        const data = block
          .split("\n")
          .filter((line) => line.startsWith("data: "))
          .map((line) => line.slice(6))
          .join("\n")
        return { event, data: JSON.parse(data) }
      }
      const { done, value } = await reader.read()
      if (done) return undefined
      buffer += decoder.decode(value, { stream: true })
    }
  }
  const rest = async () => {
    const events: Array<ChatStreamEvent> = []
    for (let event = await next(); event !== undefined; event = await next()) events.push(event)
    return events
  }
  return { response, next, rest, abort: () => controller.abort() }
}

export const waitFor = async <A>(probe: () => Promise<A | undefined>, timeoutMs = 5_000): Promise<A> => {
  const started = Date.now()
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
