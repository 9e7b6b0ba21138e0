// An incremental Server-Sent Events decoder (the WHATWG event-stream grammar): bytes may be split anywhere, even inside
// a UTF-8 character or between CR and LF; multi-line data is joined with "\n"; comments and unknown fields are
// skipped; an event is dispatched at its blank line, and an unterminated last event is dropped.
export interface SseEvent {
  readonly event: string
  readonly data: string
}

export class SseLineTooLong extends Error {
  constructor(readonly limit: number) {
    super(`an event-stream line is longer than ${limit} characters`)
  }
}

export class SseDecoder {
  private readonly text = new TextDecoder("utf-8")
  private buffer = ""
  private skipLeadingLf = false
  private data: Array<string> = []
  private event = ""

  constructor(private readonly maxLine = 4 * 1024 * 1024) {}

  push(bytes: Uint8Array): Array<SseEvent> {
    return this.feed(this.text.decode(bytes, { stream: true }))
  }

  /** Flushes the decoder at the end of the stream; a last line without its terminator is not an event. */
  end(): Array<SseEvent> {
    const events = this.feed(this.text.decode())
    this.buffer = ""
    this.data = []
    this.event = ""
    return events
  }

  private feed(chunk: string): Array<SseEvent> {
    const events: Array<SseEvent> = []
    let input = chunk
    if (this.skipLeadingLf && input.length > 0) {
      if (input.charCodeAt(0) === 10) input = input.slice(1)
      this.skipLeadingLf = false
    }
    const buffer = this.buffer + input
    let start = 0
    for (let i = 0; i < buffer.length; i++) {
      const code = buffer.charCodeAt(i)
      if (code !== 10 && code !== 13) continue
      this.line(buffer.slice(start, i), events)
      if (code === 13) {
        if (i + 1 < buffer.length) {
          if (buffer.charCodeAt(i + 1) === 10) i++
        } else {
          this.skipLeadingLf = true
        }
      }
      start = i + 1
    }
    this.buffer = buffer.slice(start)
    if (this.buffer.length > this.maxLine) throw new SseLineTooLong(this.maxLine)
    return events
  }

  private line(line: string, events: Array<SseEvent>) {
    if (line === "") {
      if (this.data.length > 0)
        events.push({ event: this.event === "" ? "message" : this.event, data: this.data.join("\n") })
      this.data = []
      this.event = ""
      return
    }
    if (line.charCodeAt(0) === 58) return
    const colon = line.indexOf(":")
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? "" : line.slice(colon + 1)
    if (value.charCodeAt(0) === 32) value = value.slice(1)
    if (field === "data") this.data.push(value)
    else if (field === "event") this.event = value
  }
}
