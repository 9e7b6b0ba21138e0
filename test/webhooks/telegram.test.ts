// Telegram Bot API deliveries through a real host: the secret_token header must equal the channel's secret, and an
// update_id is stored once.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { countAllEvents, createChannel, hostSuite, oversizeBody, randomId, send, storedEvents } from "./suite"

const suite = hostSuite("webhooks_telegram")
const SECRET = "tg_Secret-token_0123456789"
const HEADER = "x-telegram-bot-api-secret-token"
let channel: { id: string; webhookUrl: string }
let path: string
let nextUpdate = Math.floor(Math.random() * 1e6)

beforeAll(async () => {
  channel = await createChannel(suite, {
    kind: "telegram",
    name: "Bot",
    signingSecret: SECRET,
    botToken: "123456:ABC-DEF"
  })
  path = new URL(channel.webhookUrl).pathname
})

const update = (updateId = ++nextUpdate, text = "hi bot") =>
  JSON.stringify({
    update_id: updateId,
    message: {
      message_id: 77,
      from: { id: 1001, is_bot: false, first_name: "Ada" },
      chat: { id: -100200, type: "group" },
      date: 1700000000,
      text
    }
  })

const deliver = (body: string, headers: Record<string, string>, to = path) =>
  send(suite.base, "POST", to, body, headers)

const expectRefused = async (body: string, headers: Record<string, string>, status = 401) => {
  const before = await countAllEvents(suite.db)
  const reply = await deliver(body, headers)
  expect(reply.status).toBe(status)
  expect(reply.text).not.toContain(SECRET)
  expect(await countAllEvents(suite.db)).toBe(before)
  return reply
}

describe("Telegram deliveries", () => {
  it("stores an update carrying the channel's secret token, with chat, sender and text", async () => {
    const body = update()
    const reply = await deliver(body, { [HEADER]: SECRET })
    expect(reply.status).toBe(200)
    const row = (await storedEvents(suite.db, channel.id)).find((r) => r.external_id === String(nextUpdate))!
    // Stored, and (no bot token here) captured into the note by the worker soon after.
    expect(["received", "processing", "captured"]).toContain(row.status)
    expect(row.payload.messages).toEqual([
      { conversationId: "-100200", senderId: "1001", text: "hi bot", messageId: "77", fromBot: false }
    ])
  })

  it("rejects a wrong secret token (forged) with 401", async () => {
    await expectRefused(update(), { [HEADER]: "tg_Secret-token_0123456788" })
    await expectRefused(update(), { [HEADER]: SECRET.slice(0, -1) })
    await expectRefused(update(), { [HEADER]: `${SECRET}x` })
  })

  it("rejects a missing or malformed secret token with 401, never 500", async () => {
    await expectRefused(update(), {})
    for (const token of ["a b", "ü", "x".repeat(257), `${SECRET};`]) {
      await expectRefused(update(), { [HEADER]: token })
    }
  })

  it("acknowledges a replayed update_id with 200 and stores it once", async () => {
    const id = ++nextUpdate
    for (const text of ["first", "first", "changed on replay"]) {
      expect((await deliver(update(id, text), { [HEADER]: SECRET })).status).toBe(200)
    }
    const rows = (await storedEvents(suite.db, channel.id)).filter((r) => r.external_id === String(id))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.payload.messages[0].text).toBe("first")
  })

  it("refuses a body over 1 MiB with 413 and stores nothing", async () => {
    await expectRefused(oversizeBody(), { [HEADER]: SECRET }, 413)
  })

  it("answers an unknown channel 404 and stores nothing", async () => {
    const before = await countAllEvents(suite.db)
    const reply = await deliver(update(), { [HEADER]: SECRET }, `/api/v1/webhooks/telegram/${randomId()}`)
    expect(reply.status).toBe(404)
    expect(await countAllEvents(suite.db)).toBe(before)
  })

  it("stores a message containing a NUL character (which jsonb refuses) instead of failing the delivery", async () => {
    const id = ++nextUpdate
    const reply = await deliver(update(id, "nul\u0000here"), { [HEADER]: SECRET })
    expect(reply.status).toBe(200)
    const row = (await storedEvents(suite.db, channel.id)).find((r) => r.external_id === String(id))!
    expect(row.payload.messages[0].text).toBe("nul\ufffdhere")
  })

  it("stores an update with an unpaired surrogate in a value and NUL in a key (both refused by jsonb)", async () => {
    const id = ++nextUpdate
    // JSON can spell both: "\ud800" alone, and "\u0000" inside a key of a field the host keeps only in the raw copy.
    const body = update(id, "half a pair: \ud800!").replace('"date":', '"odd\\u0000key":1,"date":')
    expect(body).toContain("\\u0000key")
    const reply = await deliver(body, { [HEADER]: SECRET })
    expect(reply.status).toBe(200)
    const row = (await storedEvents(suite.db, channel.id)).find((r) => r.external_id === String(id))!
    expect(row.payload.messages[0].text).toBe("half a pair: \ufffd!")
    expect(Object.keys(row.payload.raw.message)).toContain("odd\ufffdkey")
  })

  it("answers a verified update without an update_id 400 and stores nothing", async () => {
    await expectRefused(JSON.stringify({ message: { text: "x" } }), { [HEADER]: SECRET }, 400)
  })
})
