// Slack Events API deliveries through a real host: v0 signatures over the raw body, the 5-minute window both ways,
// the url_verification handshake, event_id deduplication and retries.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { countAllEvents, createChannel, hostSuite, oversizeBody, randomId, send, storedEvents } from "./suite"
import { nowSeconds, slackHeaders } from "./signer"

const suite = hostSuite("webhooks_slack")
const SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
let channel: { id: string; webhookUrl: string }
let path: string

beforeAll(async () => {
  channel = await createChannel(suite, { kind: "slack", name: "Team Slack", signingSecret: SECRET, botToken: "xoxb-1" })
  path = new URL(channel.webhookUrl).pathname
})

const eventBody = (eventId: string, text = "hello host") =>
  JSON.stringify({
    type: "event_callback",
    team_id: "T1",
    event_id: eventId,
    event: { type: "message", channel: "C42", user: "U7", text, ts: "1700000000.000100" }
  })

const deliver = (body: string, headers: Record<string, string>, to = path) =>
  send(suite.base, "POST", to, body, headers)

/** Sends a delivery that must be refused and proves nothing was stored anywhere. */
const expectRefused = async (body: string, headers: Record<string, string>, status = 401) => {
  const before = await countAllEvents(suite.db)
  const reply = await deliver(body, headers)
  expect(reply.status).toBe(status)
  expect(reply.text).not.toContain(SECRET)
  expect(await countAllEvents(suite.db)).toBe(before)
  return reply
}

describe("Slack deliveries", () => {
  it("stores a validly signed event once, with status received and the message the worker needs", async () => {
    const id = `Ev${randomId()}`
    const reply = await deliver(eventBody(id), slackHeaders(SECRET, eventBody(id)))
    expect(reply.status).toBe(200)
    const rows = await storedEvents(suite.db, channel.id)
    const row = rows.find((r) => r.external_id === id)!
    // Stored, and (no bot token here) captured into the note by the worker soon after.
    expect(["received", "processing", "captured"]).toContain(row.status)
    expect(row.workspace_id).toBe(suite.workspace)
    expect(row.payload.kind).toBe("slack")
    expect(row.payload.messages).toEqual([
      {
        conversationId: "C42",
        senderId: "U7",
        text: "hello host",
        messageId: "1700000000.000100",
        accountId: "T1",
        fromBot: false
      }
    ])
  })

  it("verifies the bytes as received: odd whitespace and escapes are not re-serialised first", async () => {
    const id = `Ev${randomId()}`
    const body = `{ "type" : "event_callback",\n  "event_id":"${id}",  "event":{"type":"message","channel":"C1","user":"U1","text":"caf\\u00e9 \\ud83d\\ude00"} }`
    const reply = await deliver(body, slackHeaders(SECRET, body))
    expect(reply.status).toBe(200)
    const row = (await storedEvents(suite.db, channel.id)).find((r) => r.external_id === id)!
    expect(row.payload.messages[0].text).toBe("café 😀")
  })

  it("answers url_verification with its challenge and stores nothing", async () => {
    const body = JSON.stringify({
      token: "t",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      type: "url_verification"
    })
    const before = await countAllEvents(suite.db)
    const reply = await deliver(body, slackHeaders(SECRET, body))
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" })
    expect(await countAllEvents(suite.db)).toBe(before)
  })

  it("refuses an unsigned url_verification: the handshake is verified like everything else", async () => {
    const body = JSON.stringify({ challenge: "abc", type: "url_verification" })
    const reply = await expectRefused(body, slackHeaders("another secret", body))
    expect(reply.text).not.toContain("abc")
  })

  it("rejects a delivery signed with another secret (forged) with 401", async () => {
    const body = eventBody(`Ev${randomId()}`)
    const reply = await expectRefused(body, slackHeaders("not the channel secret", body))
    expect(reply.json._tag).toBe("WebhookUnauthorized")
  })

  it("rejects a body changed after signing", async () => {
    const body = eventBody(`Ev${randomId()}`)
    await expectRefused(body.replace("hello host", "hello hacker"), slackHeaders(SECRET, body))
  })

  it("answers malformed and missing signatures 401, never 500", async () => {
    const body = eventBody(`Ev${randomId()}`)
    const good = slackHeaders(SECRET, body)
    const hex = good["x-slack-signature"].slice(3)
    const cases: Array<Record<string, string>> = [
      { "x-slack-request-timestamp": good["x-slack-request-timestamp"] },
      { "x-slack-signature": good["x-slack-signature"] },
      { ...good, "x-slack-signature": `v0=${hex.slice(0, 63)}` },
      { ...good, "x-slack-signature": `v0=${hex}00` },
      { ...good, "x-slack-signature": `v0=${hex.slice(0, 62)}zz` },
      { ...good, "x-slack-signature": `v1=${hex}` },
      { ...good, "x-slack-signature": hex },
      { ...good, "x-slack-signature": "v0=" },
      { ...good, "x-slack-request-timestamp": "yesterday" },
      { ...good, "x-slack-request-timestamp": "-1" },
      { ...good, "x-slack-request-timestamp": `${good["x-slack-request-timestamp"]}.5` }
    ]
    for (const headers of cases) await expectRefused(body, headers)
  })

  it("rejects a correctly signed delivery older than five minutes", async () => {
    const body = eventBody(`Ev${randomId()}`)
    const reply = await expectRefused(body, slackHeaders(SECRET, body, nowSeconds() - 6 * 60))
    expect(reply.json.message).toMatch(/more than 5 minutes old/)
  })

  it("rejects a correctly signed delivery more than five minutes in the future", async () => {
    const body = eventBody(`Ev${randomId()}`)
    const reply = await expectRefused(body, slackHeaders(SECRET, body, nowSeconds() + 6 * 60))
    expect(reply.json.message).toMatch(/in the future/)
  })

  it("accepts deliveries four minutes early or late (inside the window)", async () => {
    for (const skew of [-4 * 60, 4 * 60]) {
      const body = eventBody(`Ev${randomId()}`)
      expect((await deliver(body, slackHeaders(SECRET, body, nowSeconds() + skew))).status).toBe(200)
    }
  })

  it("acknowledges a replayed event_id with 200 and does not store it again", async () => {
    const id = `Ev${randomId()}`
    const body = eventBody(id)
    expect((await deliver(body, slackHeaders(SECRET, body))).status).toBe(200)
    const replay = await deliver(body, slackHeaders(SECRET, body))
    expect(replay.status).toBe(200)
    const other = eventBody(id, "same event id, other text")
    expect((await deliver(other, slackHeaders(SECRET, other))).status).toBe(200)
    const rows = (await storedEvents(suite.db, channel.id)).filter((r) => r.external_id === id)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.payload.messages[0].text).toBe("hello host")
  })

  it("acknowledges Slack's retries (X-Slack-Retry-Num) with 200 without storing twice", async () => {
    const id = `Ev${randomId()}`
    const body = eventBody(id)
    expect((await deliver(body, slackHeaders(SECRET, body))).status).toBe(200)
    for (const attempt of ["1", "2", "3"]) {
      const retry = await deliver(body, {
        ...slackHeaders(SECRET, body),
        "x-slack-retry-num": attempt,
        "x-slack-retry-reason": "http_timeout"
      })
      expect(retry.status).toBe(200)
    }
    expect((await storedEvents(suite.db, channel.id)).filter((r) => r.external_id === id)).toHaveLength(1)
  })

  it("still verifies retries: a forged retry is 401", async () => {
    const body = eventBody(`Ev${randomId()}`)
    await expectRefused(body, { ...slackHeaders("forged", body), "x-slack-retry-num": "1" })
  })

  it("refuses a body over 1 MiB with 413 and stores nothing", async () => {
    const body = oversizeBody()
    const reply = await expectRefused(body, slackHeaders(SECRET, body), 413)
    expect(reply.json._tag).toBe("PayloadTooLarge")
  })

  it("answers an unknown channel 404, even with a valid signature for some other secret", async () => {
    const body = eventBody(`Ev${randomId()}`)
    const before = await countAllEvents(suite.db)
    for (const to of [`/api/v1/webhooks/slack/${randomId()}`, "/api/v1/webhooks/slack/not-a-uuid"]) {
      const reply = await deliver(body, slackHeaders(SECRET, body), to)
      expect(reply.status).toBe(404)
      expect(reply.json._tag).toBe("ChannelNotFound")
    }
    expect(await countAllEvents(suite.db)).toBe(before)
  })

  it("answers 404 when a Slack channel's id is used under another platform's path", async () => {
    const body = eventBody(`Ev${randomId()}`)
    const reply = await deliver(body, slackHeaders(SECRET, body), `/api/v1/webhooks/generic/${channel.id}`)
    expect(reply.status).toBe(404)
  })

  it("answers a signed body that is not JSON 400 and stores nothing", async () => {
    await expectRefused("token=abc&command=%2Fhi", slackHeaders(SECRET, "token=abc&command=%2Fhi"), 400)
  })

  it("needs no x-workspace-id: the channel id alone routes the delivery", async () => {
    const body = eventBody(`Ev${randomId()}`)
    const reply = await deliver(body, { ...slackHeaders(SECRET, body), "x-workspace-id": randomId() })
    expect(reply.status).toBe(200)
  })
})
