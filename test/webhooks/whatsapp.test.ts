// WhatsApp Cloud API deliveries through a real host: X-Hub-Signature-256 over the exact bytes, the GET subscription
// handshake with the verify token, and message ids stored once.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { countAllEvents, createChannel, hostSuite, oversizeBody, randomId, send, storedEvents } from "./suite"
import { hubSignature } from "./signer"

const suite = hostSuite("webhooks_whatsapp")
const APP_SECRET = "metaappsecret5f2b0b6caa1bf9d5d40"
const VERIFY = "my verify token"
let channel: { id: string; webhookUrl: string }
let path: string

beforeAll(async () => {
  channel = await createChannel(suite, {
    kind: "whatsapp",
    name: "WhatsApp",
    signingSecret: APP_SECRET,
    verifyToken: VERIFY,
    botToken: "EAAG-access-token"
  })
  path = new URL(channel.webhookUrl).pathname
})

const messageId = () => `wamid.${randomId()}`

const delivery = (ids: ReadonlyArray<string>, text = "hola") =>
  JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "WABA1",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550001111", phone_number_id: "PN1" },
              contacts: [{ profile: { name: "Ada" }, wa_id: "4915112345" }],
              messages: ids.map((id) => ({
                from: "4915112345",
                id,
                timestamp: "1700000000",
                type: "text",
                text: { body: text }
              }))
            }
          }
        ]
      }
    ]
  })

const deliver = (body: string | Buffer, headers: Record<string, string>, to = path) =>
  send(suite.base, "POST", to, body, headers)

const expectRefused = async (body: string, headers: Record<string, string>, status = 401) => {
  const before = await countAllEvents(suite.db)
  const reply = await deliver(body, headers)
  expect(reply.status).toBe(status)
  expect(reply.text).not.toContain(APP_SECRET)
  expect(await countAllEvents(suite.db)).toBe(before)
  return reply
}

const challenge = (query: string, to = path) => send(suite.base, "GET", `${to}?${query}`, undefined)

describe("WhatsApp subscription handshake", () => {
  it("echoes hub.challenge as text/plain when the verify token matches", async () => {
    const reply = await challenge(
      `hub.mode=subscribe&hub.verify_token=${encodeURIComponent(VERIFY)}&hub.challenge=1158201444`
    )
    expect(reply.status).toBe(200)
    expect(reply.text).toBe("1158201444")
    expect(reply.headers.get("content-type")).toMatch(/^text\/plain/)
  })

  it("answers 403 for a wrong or missing verify token, or a mode other than subscribe", async () => {
    for (const query of [
      "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
      "hub.mode=subscribe&hub.challenge=1",
      `hub.mode=unsubscribe&hub.verify_token=${encodeURIComponent(VERIFY)}&hub.challenge=1`
    ]) {
      const reply = await challenge(query)
      expect(reply.status).toBe(403)
      expect(reply.text).not.toContain(VERIFY)
    }
  })

  it("answers 404 for an unknown channel", async () => {
    const query = `hub.mode=subscribe&hub.verify_token=${encodeURIComponent(VERIFY)}&hub.challenge=1`
    expect((await challenge(query, `/api/v1/webhooks/whatsapp/${randomId()}`)).status).toBe(404)
  })
})

describe("WhatsApp deliveries", () => {
  it("stores each message of a correctly signed delivery under its message id", async () => {
    const ids = [messageId(), messageId()]
    const body = delivery(ids)
    const reply = await deliver(body, { "x-hub-signature-256": hubSignature(APP_SECRET, body) })
    expect(reply.status).toBe(200)
    const rows = (await storedEvents(suite.db, channel.id)).filter((r) => ids.includes(r.external_id))
    expect(rows.map((r) => r.external_id).sort()).toEqual([...ids].sort())
    expect(rows[0]!.payload.messages).toEqual([
      {
        conversationId: "4915112345",
        senderId: "4915112345",
        text: "hola",
        messageId: rows[0]!.external_id,
        accountId: "PN1"
      }
    ])
  })

  it("signs the bytes exactly as received: a pretty-printed body with non-ASCII text verifies", async () => {
    const id = messageId()
    const body = JSON.stringify(JSON.parse(delivery([id], "¿qué tal? \u2713")), null, 3)
    const reply = await deliver(Buffer.from(body, "utf8"), { "x-hub-signature-256": hubSignature(APP_SECRET, body) })
    expect(reply.status).toBe(200)
    expect((await storedEvents(suite.db, channel.id)).some((r) => r.external_id === id)).toBe(true)
  })

  it("rejects a forged signature with 401", async () => {
    const body = delivery([messageId()])
    await expectRefused(body, { "x-hub-signature-256": hubSignature("another app", body) })
    await expectRefused(body, { "x-hub-signature-256": hubSignature(APP_SECRET, `${body} `) })
  })

  it("rejects missing and malformed signatures with 401, never 500", async () => {
    const body = delivery([messageId()])
    const hex = hubSignature(APP_SECRET, body).slice(7)
    for (const headers of [
      {},
      { "x-hub-signature-256": hex },
      { "x-hub-signature-256": `sha1=${hex}` },
      { "x-hub-signature-256": `sha256=${hex.slice(0, 40)}` },
      { "x-hub-signature-256": `sha256=${hex}ab` },
      { "x-hub-signature-256": `sha256=${hex.slice(0, 63)}g` },
      { "x-hub-signature-256": "sha256=" }
    ]) {
      await expectRefused(body, headers)
    }
  })

  it("acknowledges a redelivered message id with 200 and stores it once", async () => {
    const id = messageId()
    const first = delivery([id], "first")
    const again = delivery([id, messageId()], "second")
    expect((await deliver(first, { "x-hub-signature-256": hubSignature(APP_SECRET, first) })).status).toBe(200)
    expect((await deliver(first, { "x-hub-signature-256": hubSignature(APP_SECRET, first) })).status).toBe(200)
    expect((await deliver(again, { "x-hub-signature-256": hubSignature(APP_SECRET, again) })).status).toBe(200)
    const rows = (await storedEvents(suite.db, channel.id)).filter((r) => r.external_id === id)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.payload.messages[0].text).toBe("first")
  })

  it("acknowledges a status-only delivery with 200 without storing anything", async () => {
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [{ id: "W", changes: [{ field: "messages", value: { statuses: [{ id: "wamid.out", status: "read" }] } }] }]
    })
    const before = await countAllEvents(suite.db)
    expect((await deliver(body, { "x-hub-signature-256": hubSignature(APP_SECRET, body) })).status).toBe(200)
    expect(await countAllEvents(suite.db)).toBe(before)
  })

  it("refuses a body over 1 MiB with 413 and stores nothing", async () => {
    const body = oversizeBody()
    await expectRefused(body, { "x-hub-signature-256": hubSignature(APP_SECRET, body) }, 413)
  })

  it("answers an unknown channel 404 and stores nothing", async () => {
    const body = delivery([messageId()])
    const before = await countAllEvents(suite.db)
    const reply = await deliver(
      body,
      { "x-hub-signature-256": hubSignature(APP_SECRET, body) },
      `/api/v1/webhooks/whatsapp/${randomId()}`
    )
    expect(reply.status).toBe(404)
    expect(await countAllEvents(suite.db)).toBe(before)
  })
})
