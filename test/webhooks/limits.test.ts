// The body limit as the wire sees it: exactly 1 MiB is read and verified, one byte more is 413 whether the sender
// declares its length or streams the body chunked, and nothing of a refused delivery is stored.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { countAllEvents, createChannel, hostSuite, randomId, send, storedEvents } from "./suite"
import { standardHeaders } from "./signer"

const suite = hostSuite("webhooks_limits")
const SECRET = `whsec_${Buffer.alloc(32, 9).toString("base64")}`
const MIB = 1024 * 1024
let channel: { id: string }
let path: string

beforeAll(async () => {
  const created = await createChannel(suite, { kind: "generic", name: "big", signingSecret: SECRET })
  channel = created
  path = new URL(created.webhookUrl).pathname
})

/** A JSON object of exactly `size` bytes. */
const bodyOf = (size: number) => {
  const shell = JSON.stringify({ text: "" })
  return JSON.stringify({ text: "y".repeat(size - shell.length) })
}

describe("the 1 MiB body limit", () => {
  it("accepts and stores a signed body of exactly 1 MiB", async () => {
    const body = bodyOf(MIB)
    expect(Buffer.byteLength(body)).toBe(MIB)
    const id = `msg_${randomId()}`
    const reply = await send(suite.base, "POST", path, body, standardHeaders(SECRET, id, body))
    expect(reply.status).toBe(204)
    expect((await storedEvents(suite.db, channel.id)).some((r) => r.external_id === id)).toBe(true)
  })

  it("refuses 1 MiB plus one byte with 413 (declared Content-Length)", async () => {
    const body = bodyOf(MIB + 1)
    const before = await countAllEvents(suite.db)
    const reply = await send(suite.base, "POST", path, body, standardHeaders(SECRET, `msg_${randomId()}`, body))
    expect(reply.status).toBe(413)
    expect(reply.json).toMatchObject({ _tag: "PayloadTooLarge" })
    expect(await countAllEvents(suite.db)).toBe(before)
  })

  it("refuses a chunked body that grows past 1 MiB with 413", async () => {
    const body = bodyOf(MIB + 64 * 1024)
    const chunks = Array.from({ length: Math.ceil(body.length / 65536) }, (_, i) =>
      body.slice(i * 65536, (i + 1) * 65536)
    )
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift()
        if (next === undefined) controller.close()
        else controller.enqueue(new TextEncoder().encode(next))
      }
    })
    const before = await countAllEvents(suite.db)
    const response = await fetch(`${suite.base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...standardHeaders(SECRET, `msg_${randomId()}`, body) },
      body: stream,
      duplex: "half"
    } as RequestInit)
    expect(response.status).toBe(413)
    expect(await countAllEvents(suite.db)).toBe(before)
  })

  it("keeps serving after refusing oversize bodies", async () => {
    const body = JSON.stringify({ text: "small" })
    const reply = await send(suite.base, "POST", path, body, standardHeaders(SECRET, `msg_${randomId()}`, body))
    expect(reply.status).toBe(204)
  })
})
