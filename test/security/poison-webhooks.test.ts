// Correctly signed deliveries built to break the host (JSON nested thousands of levels deep) against a real host process:
// each is refused with a 400 naming the nesting, and every channel keeps taking deliveries. Before, each answered 500
// and took one of the inbound recorder's two commit slots with it, so after two of them every delivery to every
// channel waited forever while /health still answered 200.
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { countAllEvents, createChannel, hostSuite, randomId, send, storedEvents } from "../webhooks/suite"
import { slackHeaders } from "../webhooks/signer"

const suite = hostSuite("security_poison_webhooks")
const SLACK_SECRET = "aslacksigningsecretforpo28f23280"
const TELEGRAM_SECRET = "telegram_poison_test_secret_token"
let slack: { id: string; path: string }
let telegram: { id: string; path: string }

beforeAll(async () => {
  const created = await createChannel(suite, { kind: "slack", name: "Poisoned", signingSecret: SLACK_SECRET })
  slack = { id: created.id, path: new URL(created.webhookUrl).pathname }
  const other = await createChannel(suite, { kind: "telegram", name: "Bystander", signingSecret: TELEGRAM_SECRET })
  telegram = { id: other.id, path: new URL(other.webhookUrl).pathname }
})

/** A valid Slack event_callback carrying `deep` as one of its event's fields. */
const slackEvent = (eventId: string, deep: string) =>
  `{"type":"event_callback","team_id":"T1","event_id":"${eventId}",` +
  `"event":{"type":"message","channel":"C1","user":"U1","text":"hi","blocks":${deep}}}`

/** About 5 KB of arrays 2,500 deep, and 30 KB of objects 5,000 deep: each overflowed the stack when stored. */
const poisons = [
  { shape: "arrays", body: slackEvent(`Ev${randomId()}`, "[".repeat(2_500) + "]".repeat(2_500)) },
  { shape: "objects", body: slackEvent(`Ev${randomId()}`, '{"a":'.repeat(5_000) + "1" + "}".repeat(5_000)) }
]

describe("signed deliveries nested thousands of levels deep", () => {
  it("are refused with a 400 naming the nesting, and nothing of them is stored", async () => {
    const before = await countAllEvents(suite.db)
    const replies = []
    for (const poison of poisons) {
      replies.push(await send(suite.base, "POST", slack.path, poison.body, slackHeaders(SLACK_SECRET, poison.body)))
    }
    for (const [index, reply] of replies.entries()) {
      expect(reply.status, `${poisons[index]!.shape}: ${reply.text}`).toBe(400)
      expect(reply.json).toEqual({
        _tag: "WebhookPayloadInvalid",
        message: "the body nests objects and arrays more than 256 levels deep, which no platform sends"
      })
    }
    expect(await countAllEvents(suite.db)).toBe(before)
  })

  it("leave every channel taking deliveries: another platform's channel answers within a second and stores it", async () => {
    const updateId = Math.floor(Math.random() * 1e9)
    const body = JSON.stringify({
      update_id: updateId,
      message: { message_id: 1, chat: { id: 42, type: "private" }, from: { id: 42, is_bot: false }, text: "still up?" }
    })
    const response = await fetch(`${suite.base}${telegram.path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TELEGRAM_SECRET },
      body,
      signal: AbortSignal.timeout(1_000)
    })
    expect(response.status).toBe(200)
    expect((await storedEvents(suite.db, telegram.id)).map((row) => row.external_id)).toEqual([String(updateId)])
  })

  it("leave the poisoned channel itself taking ordinary deliveries", async () => {
    const eventId = `Ev${randomId()}`
    const body = slackEvent(eventId, "[]")
    const reply = await send(suite.base, "POST", slack.path, body, slackHeaders(SLACK_SECRET, body))
    expect(reply.status).toBe(200)
    expect((await storedEvents(suite.db, slack.id)).map((row) => row.external_id)).toEqual([eventId])
  })
})
