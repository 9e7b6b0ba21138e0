// Generic senders through a real host, signing per Standard Webhooks: webhook-id, webhook-timestamp and a
// space-separated list of v1 signatures (any one valid passes, for key rotation), a 5-minute window, and
// webhook-id deduplication.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { countAllEvents, createChannel, hostSuite, oversizeBody, randomId, send, storedEvents } from "./suite"
import { nowSeconds, standardHeaders, standardSignature } from "./signer"

const suite = hostSuite("webhooks_generic")
const SECRET = `whsec_${Buffer.from("a generic sender's 32-byte key!!").toString("base64")}`
const OLD_SECRET = `whsec_${Buffer.from("the key being rotated out, 32 by").toString("base64")}`
let channel: { id: string; webhookUrl: string }
let path: string

beforeAll(async () => {
  channel = await createChannel(suite, {
    kind: "generic",
    name: "Home automation",
    signingSecret: SECRET,
    outboundUrl: "http://127.0.0.1:9/replies"
  })
  path = new URL(channel.webhookUrl).pathname
})

const payload = (text = "the door is open") => JSON.stringify({ text, conversationId: "hall", senderId: "sensor-1" })
const deliver = (body: string, headers: Record<string, string>, to = path) =>
  send(suite.base, "POST", to, body, headers)

const expectRefused = async (body: string, headers: Record<string, string>, status = 401) => {
  const before = await countAllEvents(suite.db)
  const reply = await deliver(body, headers)
  expect(reply.status).toBe(status)
  expect(reply.text).not.toContain(SECRET.slice(6))
  expect(await countAllEvents(suite.db)).toBe(before)
  return reply
}

describe("generic (Standard Webhooks) deliveries", () => {
  it("stores a correctly signed delivery under its webhook-id and answers 204", async () => {
    const id = `msg_${randomId()}`
    const reply = await deliver(payload(), standardHeaders(SECRET, id, payload()))
    expect(reply.status).toBe(204)
    const row = (await storedEvents(suite.db, channel.id)).find((r) => r.external_id === id)!
    // Stored, and (no bot token here) captured into the note by the worker soon after.
    expect(["received", "processing", "captured"]).toContain(row.status)
    expect(row.payload.messages).toEqual([{ conversationId: "hall", senderId: "sensor-1", text: "the door is open" }])
  })

  it("accepts a header listing several signatures when any one is valid (key rotation)", async () => {
    const body = payload()
    const arrangements: ReadonlyArray<(old: string, current: string) => string> = [
      (old, current) => `${old} ${current}`,
      (old, current) => `${current} ${old}`,
      (_old, current) => `v1a,c29tZSBhc3ltbWV0cmljIHNpZ25hdHVyZQ== ${current}`
    ]
    for (const arrange of arrangements) {
      const id = `msg_${randomId()}`
      const ts = nowSeconds()
      const signature = arrange(standardSignature(OLD_SECRET, id, ts, body), standardSignature(SECRET, id, ts, body))
      const headers = { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": signature }
      expect((await deliver(body, headers)).status).toBe(204)
    }
  })

  it("rejects a delivery whose only signatures come from other keys (forged) with 401", async () => {
    const id = `msg_${randomId()}`
    const ts = nowSeconds()
    const body = payload()
    await expectRefused(body, {
      "webhook-id": id,
      "webhook-timestamp": String(ts),
      "webhook-signature": `${standardSignature(OLD_SECRET, id, ts, body)} ${standardSignature(`whsec_${Buffer.alloc(32, 7).toString("base64")}`, id, ts, body)}`
    })
  })

  it("binds the signature to the id and timestamp: changing either is rejected", async () => {
    const body = payload()
    const good = standardHeaders(SECRET, `msg_${randomId()}`, body)
    await expectRefused(body, { ...good, "webhook-id": `msg_${randomId()}` })
    await expectRefused(body, { ...good, "webhook-timestamp": String(Number(good["webhook-timestamp"]) - 1) })
  })

  it("rejects missing and malformed headers with 401, never 500", async () => {
    const body = payload()
    const good = standardHeaders(SECRET, `msg_${randomId()}`, body)
    const b64 = good["webhook-signature"].slice(3)
    const cases: Array<Record<string, string>> = [
      { "webhook-timestamp": good["webhook-timestamp"], "webhook-signature": good["webhook-signature"] },
      { "webhook-id": good["webhook-id"], "webhook-signature": good["webhook-signature"] },
      { "webhook-id": good["webhook-id"], "webhook-timestamp": good["webhook-timestamp"] },
      { ...good, "webhook-signature": b64 },
      { ...good, "webhook-signature": `v1,${b64.slice(0, 40)}` },
      { ...good, "webhook-signature": `v1,${b64}AAAA` },
      { ...good, "webhook-signature": `v1,${b64.replace(/.$/, "!")}` },
      { ...good, "webhook-signature": `v2,${b64}` },
      { ...good, "webhook-signature": "v1," },
      { ...good, "webhook-timestamp": "soon" },
      { ...good, "webhook-timestamp": `${good["webhook-timestamp"]}000000000000` }
    ]
    for (const headers of cases) await expectRefused(body, headers)
  })

  it("rejects a correctly signed delivery older than five minutes", async () => {
    const body = payload()
    const reply = await expectRefused(body, standardHeaders(SECRET, `msg_${randomId()}`, body, nowSeconds() - 301 - 5))
    expect(reply.json.message).toMatch(/old/)
  })

  it("rejects a correctly signed delivery more than five minutes in the future", async () => {
    const body = payload()
    const reply = await expectRefused(body, standardHeaders(SECRET, `msg_${randomId()}`, body, nowSeconds() + 306))
    expect(reply.json.message).toMatch(/future/)
  })

  it("acknowledges a replayed webhook-id and stores it once", async () => {
    const id = `msg_${randomId()}`
    expect((await deliver(payload("first"), standardHeaders(SECRET, id, payload("first")))).status).toBe(204)
    expect((await deliver(payload("first"), standardHeaders(SECRET, id, payload("first")))).status).toBe(204)
    expect((await deliver(payload("again"), standardHeaders(SECRET, id, payload("again")))).status).toBe(204)
    const rows = (await storedEvents(suite.db, channel.id)).filter((r) => r.external_id === id)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.payload.messages[0].text).toBe("first")
  })

  it("refuses a body over 1 MiB with 413 and stores nothing", async () => {
    const body = oversizeBody()
    await expectRefused(body, standardHeaders(SECRET, `msg_${randomId()}`, body), 413)
  })

  it("answers an unknown channel 404 and stores nothing", async () => {
    const body = payload()
    const before = await countAllEvents(suite.db)
    const reply = await deliver(
      body,
      standardHeaders(SECRET, `msg_${randomId()}`, body),
      `/api/v1/webhooks/generic/${randomId()}`
    )
    expect(reply.status).toBe(404)
    expect(await countAllEvents(suite.db)).toBe(before)
  })

  it("answers a signed body that is not a JSON object 400 and stores nothing", async () => {
    for (const body of ["not json", "[1,2]", ""]) {
      await expectRefused(body, standardHeaders(SECRET, `msg_${randomId()}`, body), 400)
    }
  })
})
