// The reply path end to end: a verified delivery is answered through the (fake) agent gateway and sent back
// through a local stand-in for each platform's documented send-message API, and the exchange lands in the note.
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { connect } from "../support/database"
import { startFakeGateway } from "../support/fakeGateway"
import { hostEnv, scratchDir, startHost } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { nowSeconds, slackHeaders } from "./signer"
import { createChannel, processHostSuite, randomId, send, storedEvents } from "./suite"

const PASSWORD = "c3".repeat(32)

interface PlatformCall {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
  readonly body: any
}

/**
 * Answers like Slack's, Telegram's and Matrix's send APIs (`{ ok: true }`) and records what it was asked to send. A
 * text in `failOnce` is refused (502) the first time it is sent, as a platform having a bad moment would.
 */
const platform = await (async () => {
  const calls: Array<PlatformCall> = []
  const failOnce = new Set<string>()
  const server = http.createServer((request, response) => {
    let raw = ""
    request.on("data", (chunk: Buffer) => (raw += chunk.toString()))
    request.on("end", () => {
      const call = {
        method: request.method ?? "",
        path: request.url ?? "",
        authorization: request.headers.authorization,
        body: raw === "" ? undefined : JSON.parse(raw)
      }
      calls.push(call)
      const text = call.body?.text ?? call.body?.body
      if (failOnce.delete(text)) return response.writeHead(502).end()
      response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true,"result":{}}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    calls,
    failOnce,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close()
  }
})()
const gateway = await startFakeGateway({ passwords: [PASSWORD], reply: (message) => `Noted: ${message}` })

afterAll(async () => {
  platform.close()
  await gateway.close()
})

const suite = processHostSuite("webhooks_replies", {
  OPENCLAW_GATEWAY_URL: gateway.url,
  OPENCLAW_GATEWAY_PASSWORD: PASSWORD,
  CARABASE_SLACK_API_URL: platform.url,
  CARABASE_TELEGRAM_API_URL: platform.url,
  TZ: "UTC"
})

const until = async <A>(probe: () => Promise<A | undefined>, what: string): Promise<A> => {
  for (let i = 0; i < 100; i++) {
    const found = await probe()
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe("answering chat messages", () => {
  it("answers a Slack message in its thread with the bot token, logs it, and marks the event replied", async () => {
    const secret = randomId().replaceAll("-", "")
    const channel = await createChannel(suite, {
      kind: "slack",
      name: "Replies",
      signingSecret: secret,
      botToken: "xoxb-reply-token"
    })
    const eventId = `Ev${randomId()}`
    const body = JSON.stringify({
      type: "event_callback",
      team_id: "T1",
      event_id: eventId,
      event: {
        type: "message",
        channel: "C42",
        user: "U7",
        text: "remind me about the dentist",
        ts: "1.2",
        thread_ts: "1.1"
      }
    })
    const delivered = await send(
      suite.base,
      "POST",
      new URL(channel.webhookUrl).pathname,
      body,
      slackHeaders(secret, body, nowSeconds())
    )
    expect(delivered.status).toBe(200)

    const sent = await until(
      async () => platform.calls.find((call) => call.path === "/chat.postMessage" && call.body.channel === "C42"),
      "a Slack chat.postMessage"
    )
    expect(sent.authorization).toBe("Bearer xoxb-reply-token")
    expect(sent.body).toEqual({ channel: "C42", text: "Noted: remind me about the dentist", thread_ts: "1.1" })
    const asked = gateway.requests.find(
      (request) => request.body?.messages?.at(-1)?.content === "remind me about the dentist"
    )!
    expect(asked.headers["x-openclaw-session-key"]).toBe(`carabase:${suite.workspace}:channel:${channel.id}:C42`)

    const event = await until(async () => {
      const rows = await storedEvents(suite.db, channel.id)
      return rows.find((row) => row.external_id === eventId && row.status === "replied")
    }, "the event to be replied")
    expect(event.status).toBe("replied")
    const today = new Date().toISOString().slice(0, 10)
    const note = await fetch(`${suite.base}/api/v1/daily-notes/${today}/text`, {
      headers: { "x-workspace-id": suite.workspace }
    })
    const text = ((await note.json()) as { text: string }).text
    expect(text).toContain("slack · U7: remind me about the dentist")
    expect(text).toContain("Noted: remind me about the dentist")
    const history = await fetch(`${suite.base}/api/v1/daily-notes/${today}/revisions`, {
      headers: { "x-workspace-id": suite.workspace }
    })
    const writers = ((await history.json()) as { revisions: Array<{ writer: unknown }> }).revisions.map((r) => r.writer)
    expect(writers).toContainEqual({ kind: "channel", name: "slack" })
  })

  it("answers a Telegram message through sendMessage with the bot token in the path", async () => {
    const secret = "telegram_secret_0123456789"
    const channel = await createChannel(suite, {
      kind: "telegram",
      name: "TG",
      signingSecret: secret,
      botToken: "123:abc"
    })
    const updateId = Math.floor(Math.random() * 1e9)
    const body = JSON.stringify({
      update_id: updateId,
      message: {
        message_id: 5,
        from: { id: 99, is_bot: false },
        chat: { id: 777 },
        date: nowSeconds(),
        text: "water the plants"
      }
    })
    const delivered = await send(suite.base, "POST", new URL(channel.webhookUrl).pathname, body, {
      "x-telegram-bot-api-secret-token": secret
    })
    expect(delivered.status).toBe(200)
    const sent = await until(
      async () => platform.calls.find((call) => call.path === "/bot123:abc/sendMessage"),
      "a Telegram sendMessage"
    )
    expect(sent.body).toEqual({ chat_id: "777", text: "Noted: water the plants" })
  })

  it("does not answer another bot: the event is marked ignored and nothing is sent", async () => {
    const secret = "telegram_secret_bots_0123456"
    const channel = await createChannel(suite, {
      kind: "telegram",
      name: "Bots",
      signingSecret: secret,
      botToken: "456:def"
    })
    const updateId = Math.floor(Math.random() * 1e9)
    const body = JSON.stringify({
      update_id: updateId,
      message: { message_id: 6, from: { id: 98, is_bot: true }, chat: { id: 778 }, date: nowSeconds(), text: "beep" }
    })
    await send(suite.base, "POST", new URL(channel.webhookUrl).pathname, body, {
      "x-telegram-bot-api-secret-token": secret
    })
    const event = await until(async () => {
      const rows = await storedEvents(suite.db, channel.id)
      return rows.find((row) => row.status === "ignored")
    }, "the bot's event to be ignored")
    expect(event.status).toBe("ignored")
    expect(platform.calls.some((call) => call.path === "/bot456:def/sendMessage")).toBe(false)
  })

  it("retries an event whose second reply failed without sending the first again (Matrix, two messages)", async () => {
    const channel = await createChannel(suite, {
      kind: "matrix",
      name: "Matrix replies",
      signingSecret: "hs_token_replies_3e9a",
      botToken: "as_token_replies",
      outboundUrl: platform.url
    })
    const txn = `txn-${randomId()}`
    const roomMessage = (text: string) => ({
      type: "m.room.message",
      room_id: "!garden:example.org",
      sender: "@ada:example.org",
      event_id: `$${randomId()}`,
      content: { msgtype: "m.text", body: text }
    })
    platform.failOnce.add("Noted: prune the roses")
    const delivered = await send(
      suite.base,
      "PUT",
      `${new URL(channel.webhookUrl).pathname}/transactions/${txn}`,
      JSON.stringify({ events: [roomMessage("water the ferns"), roomMessage("prune the roses")] }),
      { authorization: "Bearer hs_token_replies_3e9a" }
    )
    expect(delivered.status).toBe(200)
    const event = await until(async () => {
      const rows = await storedEvents(suite.db, channel.id)
      return rows.find((row) => row.external_id === txn && row.status !== "received" && row.status !== "processing")
    }, "the Matrix event to be finished")
    expect(event.status).toBe("replied")

    const sends = platform.calls.filter((call) => call.path.startsWith("/_matrix/client/v3/rooms/"))
    const first = sends.filter((call) => call.body.body === "Noted: water the ferns")
    const second = sends.filter((call) => call.body.body === "Noted: prune the roses")
    // The first reply went out once; the second was refused once and then sent, under the same transaction id.
    expect(first).toHaveLength(1)
    expect(second).toHaveLength(2)
    expect(new Set(second.map((call) => call.path)).size).toBe(1)
    expect(first[0]!.authorization).toBe("Bearer as_token_replies")
    // The gateway was asked once for the first message and twice for the second (its send failed after the answer).
    const asked = (text: string) =>
      gateway.requests.filter((request) => request.body?.messages?.at(-1)?.content === text).length
    expect(asked("water the ferns")).toBe(1)
    expect(asked("prune the roses")).toBe(2)
    const today = new Date().toISOString().slice(0, 10)
    const note = await fetch(`${suite.base}/api/v1/daily-notes/${today}/text`, {
      headers: { "x-workspace-id": suite.workspace }
    })
    const text = ((await note.json()) as { text: string }).text
    expect(text.split("matrix · @ada:example.org: water the ferns").length - 1).toBe(1)
    expect(text.split("matrix · @ada:example.org: prune the roses").length - 1).toBe(1)
  })

  it("answers an event a crashed host had claimed but not finished, once the next host boots", async () => {
    const channel = await createChannel(suite, {
      kind: "telegram",
      name: "Crashed",
      signingSecret: "telegram_crash_0123456789",
      botToken: "777:crash-token"
    })
    // What a host killed mid-answer leaves behind: the event claimed (processing) and never finished.
    const owner = await connect(suite.db.ownerUrl)
    const payload = {
      kind: "telegram",
      messages: [{ conversationId: "4242", senderId: "4242", text: "are you still there?" }],
      raw: {}
    }
    await owner.query(
      "insert into channel_events (workspace_id, channel_id, external_id, status, payload) values ($1, $2, 'crash-1', 'processing', $3)",
      [suite.workspace, channel.id, JSON.stringify(payload)]
    )
    await owner.end()
    const port = await freePort()
    const env = {
      OPENCLAW_GATEWAY_URL: gateway.url,
      OPENCLAW_GATEWAY_PASSWORD: PASSWORD,
      CARABASE_SLACK_API_URL: platform.url,
      CARABASE_TELEGRAM_API_URL: platform.url,
      TZ: "UTC"
    }
    const next = startHost({ cwd: scratchDir(), env: hostEnv(suite.db, port, env) })
    try {
      await next.ready()
      const sent = await until(
        async () => platform.calls.find((call) => call.path === "/bot777:crash-token/sendMessage"),
        "the cut-off event to be answered"
      )
      expect(sent.body).toMatchObject({ chat_id: "4242", text: "Noted: are you still there?" })
      const event = await until(async () => {
        const rows = await storedEvents(suite.db, channel.id)
        return rows.find((row) => row.external_id === "crash-1" && row.status === "replied")
      }, "the event to be replied")
      expect(event.status).toBe("replied")
    } finally {
      await next.stop()
    }
  })
})
