// The event-stream decoder: events survive any split of the byte stream, and the grammar's corners are honoured.
import { describe, expect, it } from "@effect/vitest"
import { SseDecoder, SseLineTooLong, type SseEvent } from "../../src/gateway/Sse"

const decodeAll = (parts: ReadonlyArray<Uint8Array>): Array<SseEvent> => {
  const decoder = new SseDecoder()
  const events = parts.flatMap((part) => decoder.push(part))
  return [...events, ...decoder.end()]
}

const bytes = (text: string) => new TextEncoder().encode(text)

/** Every way of cutting the input in two, and byte by byte. */
const splits = (text: string): Array<Array<Uint8Array>> => {
  const all = bytes(text)
  const cuts: Array<Array<Uint8Array>> = [[all], Array.from(all, (byte) => Uint8Array.of(byte))]
  for (let i = 1; i < all.length; i++) cuts.push([all.slice(0, i), all.slice(i)])
  return cuts
}

describe("SseDecoder", () => {
  const stream =
    ": a comment\n" +
    'data: {"choices":[{"delta":{"content":"héllo ✓"}}]}\n\n' +
    "event: note\r\ndata: line one\r\ndata:line two\r\n\r\n" +
    "data: cr only\r\rdata: [DONE]\n\n"

  it("yields the same events however the bytes are split, even inside a UTF-8 character or a CRLF", () => {
    const expected: Array<SseEvent> = [
      { event: "message", data: '{"choices":[{"delta":{"content":"héllo ✓"}}]}' },
      { event: "note", data: "line one\nline two" },
      { event: "message", data: "cr only" },
      { event: "message", data: "[DONE]" }
    ]
    for (const parts of splits(stream)) expect(decodeAll(parts)).toEqual(expected)
  })

  it("skips comments and unknown fields, and does not dispatch an event without data", () => {
    expect(decodeAll([bytes(": keep-alive\n\nid: 7\nretry: 10\n\nevent: x\n\n")])).toEqual([])
  })

  it("strips exactly one space after the colon and keeps the rest", () => {
    expect(decodeAll([bytes("data:  two spaces\ndata\n\n")])).toEqual([{ event: "message", data: " two spaces\n" }])
  })

  it("drops an unterminated last event, as the standard says", () => {
    expect(decodeAll([bytes("data: complete\n\ndata: cut off")])).toEqual([{ event: "message", data: "complete" }])
  })

  it("refuses a line longer than its bound instead of buffering without end", () => {
    const decoder = new SseDecoder(16)
    expect(() => decoder.push(bytes("data: " + "x".repeat(32)))).toThrow(SseLineTooLong)
  })
})
