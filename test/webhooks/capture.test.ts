// Capture first, reply second, end to end on real host processes, a real database, the fake OpenClaw gateway and a
// local stand-in for the platforms' send APIs: a message that arrives while the gateway is down is in the day's note
// the moment its delivery is acknowledged, and is answered exactly once after the gateway comes back, also across a
// crash of the host; a replayed delivery is captured once; a channel without a bot token captures and says it cannot
// reply; every platform kind captures.
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, describe, expect, it } from "@effect/vitest"
import type { ChannelId } from "../../src/channels/ChannelsApi"
import { runClient } from "../support/apiClient"
import { connect, createDatabase } from "../support/database"
import { startFakeGateway } from "../support/fakeGateway"
import { hostEnv, scratchDir, startHost } from "../support/hostProcess"
import { createWorkspace } from "../support/hostSuite"
import { freePort } from "../support/ports"
import { hubSignature, nowSeconds, slackHeaders, standardHeaders } from "./signer"
import { createChannel, processHostSuite, randomId, send, storedEvents, type Suite } from "./suite"

const PASSWORD = "c4".repeat(32)

interface PlatformCall {
  readonly path: string
  readonly body: any
}

/** Answers like Telegram's and Slack's send APIs and records every call. */
const platform = await (async () => {
  const calls: Array<PlatformCall> = []
  const server = http.createServer((request, response) => {
    let raw = ""
    request.on("data", (chunk: Buffer) => (raw += chunk.toString()))
    request.on("end", () => {
      calls.push({ path: request.url ?? "", body: raw === "" ? undefined : JSON.parse(raw) })
      response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true,"result":{}}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { calls, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
})()
// Down from the start: every connection to it is dropped, as when OpenClaw is not running.
const gateway = await startFakeGateway({ passwords: [PASSWORD], reply: (text) => `Got it: ${text}`, mode: "down" })

afterAll(async () => {
  platform.close()
  await gateway.close()
})

const env = {
  OPENCLAW_GATEWAY_URL: gateway.url,
  OPENCLAW_GATEWAY_PASSWORD: PASSWORD,
  CARABASE_SLACK_API_URL: platform.url,
  CARABASE_TELEGRAM_API_URL: platform.url,
  CARABASE_WHATSAPP_API_URL: platform.url,
  CARABASE_REPLY_RETRY_DELAY_SECONDS: "1",
  TZ: "UTC"
}
const suite = processHostSuite("webhooks_capture", env)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const until = async <A>(probe: () => Promise<A | undefined>, what: string, tries = 150): Promise<A> => {
  for (let i = 0; i < tries; i++) {
    const found = await probe()
    if (found !== undefined) return found
    await sleep(200)
  }
  throw new Error(`timed out waiting for ${what}`)
}

const today = () => new Date().toISOString().slice(0, 10)

interface Card {
  readonly tags: ReadonlyArray<string>
  readonly key: string | undefined
  readonly text: string
}

/** The logCards of today's note in a workspace, with their tags and the text of their content. */
const cards = async (host: { readonly base: string }, workspace: string): Promise<Array<Card>> => {
  const response = await fetch(`${host.base}/api/v1/daily-notes/${today()}`, {
    headers: { "x-workspace-id": workspace }
  })
  expect(response.status).toBe(200)
  const note = (await response.json()) as { documentState: Array<any> }
  const textOf = (node: any): string =>
    typeof node.text === "string" ? node.text : (node.content ?? []).map(textOf).join(" ")
  return note.documentState
    .filter((node) => node.type === "logCard")
    .map((node) => ({ tags: JSON.parse(node.attrs.tags), key: node.attrs.idempotencyKey, text: textOf(node) }))
}

const cardsSaying = async (host: { readonly base: string }, workspace: string, text: string) =>
  (await cards(host, workspace)).filter((card) => card.text.includes(text))

const telegramUpdate = (updateId: number, chatId: number, text: string) =>
  JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      from: { id: chatId, is_bot: false },
      chat: { id: chatId },
      date: nowSeconds(),
      text
    }
  })

const deliverTelegram = (base: string, webhookUrl: string, secret: string, body: string) =>
  send(base, "POST", new URL(webhookUrl).pathname, body, { "x-telegram-bot-api-secret-token": secret })

const sendsTo = (path: string) => platform.calls.filter((call) => call.path === path)

const eventsOf = (host: Suite, channelId: ChannelId) =>
  runClient(host.base, (api) => api.channels.events({ path: { id: channelId }, urlParams: {} }), host.workspace).then(
    (answer) => answer.events
  )

describe("capture first, reply second", () => {
  it("captures a message while the gateway is down, retries visibly, and replies once when it is back", async () => {
    const secret = "telegram_capture_outage_01"
    const channel = await createChannel(suite, {
      kind: "telegram",
      name: "Phone",
      signingSecret: secret,
      botToken: "501:outage"
    })
    const delivered = await deliverTelegram(
      suite.base,
      channel.webhookUrl,
      secret,
      telegramUpdate(9001, 4501, "buy oat milk")
    )
    expect(delivered.status).toBe(200)

    // In the note at once: read right after the acknowledgement, no waiting.
    const captured = await cardsSaying(suite, suite.workspace, "telegram · 4501: buy oat milk")
    expect(captured).toHaveLength(1)
    expect(captured[0]!.tags).toEqual(["telegram"])

    // The reply fails while the gateway is down, and the event says so: attempts, next retry, last reason.
    const waiting = await until(async () => {
      const [event] = await eventsOf(suite, channel.id)
      return event !== undefined && event.attempts >= 1 && event.status === "received" ? event : undefined
    }, "a failed reply attempt on the event")
    expect(waiting.lastError).toMatch(/gateway|socket|connect|fetch/i)
    expect(waiting.nextAttemptAt).not.toBeNull()
    expect(sendsTo("/bot501:outage/sendMessage")).toHaveLength(0)

    gateway.mode = "normal"
    const sent = await until(async () => sendsTo("/bot501:outage/sendMessage")[0], "the reply once the gateway is back")
    expect(sent.body).toEqual({ chat_id: "4501", text: "Got it: buy oat milk" })
    const replied = await until(async () => {
      const [event] = await eventsOf(suite, channel.id)
      return event?.status === "replied" ? event : undefined
    }, "the event to be replied")
    expect(replied.nextAttemptAt).toBeNull()
    // Several worker passes later, still exactly one reply, and still one capture.
    await sleep(3_000)
    expect(sendsTo("/bot501:outage/sendMessage")).toHaveLength(1)
    expect(await cardsSaying(suite, suite.workspace, "telegram · 4501: buy oat milk")).toHaveLength(1)
    expect(await cardsSaying(suite, suite.workspace, "Got it: buy oat milk")).toHaveLength(1)
  })

  it("a replayed delivery is captured once and answered once", async () => {
    gateway.mode = "normal"
    const secret = "telegram_capture_replay_02"
    const channel = await createChannel(suite, {
      kind: "telegram",
      name: "Replay",
      signingSecret: secret,
      botToken: "502:replay"
    })
    const body = telegramUpdate(9002, 4502, "call the plumber")
    for (let i = 0; i < 3; i++) {
      expect((await deliverTelegram(suite.base, channel.webhookUrl, secret, body)).status).toBe(200)
    }
    expect(await cardsSaying(suite, suite.workspace, "telegram · 4502: call the plumber")).toHaveLength(1)
    await until(async () => sendsTo("/bot502:replay/sendMessage")[0], "the reply")
    expect((await deliverTelegram(suite.base, channel.webhookUrl, secret, body)).status).toBe(200)
    await sleep(2_500)
    expect(sendsTo("/bot502:replay/sendMessage")).toHaveLength(1)
    expect(await cardsSaying(suite, suite.workspace, "telegram · 4502: call the plumber")).toHaveLength(1)
    expect(await storedEvents(suite.db, channel.id)).toHaveLength(1)
  })

  it("a channel without a bot token captures, says replies need one, and sends nothing", async () => {
    gateway.mode = "normal"
    const secret = "telegram_capture_notoken_3"
    const channel = await createChannel(suite, { kind: "telegram", name: "Inbox only", signingSecret: secret })
    expect(channel.canReply).toBe(false)
    const listed = await runClient(suite.base, (api) => api.channels.list(), suite.workspace)
    expect(listed.channels.find((c) => c.id === channel.id)?.canReply).toBe(false)
    const before = platform.calls.length
    const delivered = await deliverTelegram(
      suite.base,
      channel.webhookUrl,
      secret,
      telegramUpdate(9003, 4503, "idea: a garden bench")
    )
    expect(delivered.status).toBe(200)
    const captured = await cardsSaying(suite, suite.workspace, "telegram · 4503: idea: a garden bench")
    expect(captured).toHaveLength(1)
    expect(captured[0]!.tags).toEqual(["telegram"])
    const event = await until(async () => {
      const [found] = await eventsOf(suite, channel.id)
      return found?.status === "captured" ? found : undefined
    }, "the event to be marked captured")
    expect(event.lastError).toContain("bot token")
    expect(platform.calls.slice(before).some((call) => JSON.stringify(call.body).includes("garden bench"))).toBe(false)
  })

  it("captures a message of every platform kind, tagged with its kind", async () => {
    gateway.mode = "normal"
    const word = randomId().slice(0, 8)
    const slack = await createChannel(suite, {
      kind: "slack",
      name: "S",
      signingSecret: "slackcapturesecrete8f12a9d27680f"
    })
    const slackBody = JSON.stringify({
      type: "event_callback",
      team_id: "T1",
      event_id: `Ev${randomId()}`,
      event: { type: "message", channel: "C1", user: "U1", text: `slack ${word}`, ts: "1.1" }
    })
    const telegram = await createChannel(suite, { kind: "telegram", name: "T", signingSecret: "tg_capture_all_5" })
    const whatsapp = await createChannel(suite, {
      kind: "whatsapp",
      name: "W",
      signingSecret: "wacapturesecretcfe1b07539db74145",
      verifyToken: "wa-verify"
    })
    const waBody = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "E1",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550001111", phone_number_id: "PN1" },
                contacts: [{ wa_id: "15557654321", profile: { name: "Ada" } }],
                messages: [
                  {
                    from: "15557654321",
                    id: `wamid.${randomId()}`,
                    timestamp: String(nowSeconds()),
                    type: "text",
                    text: { body: `whatsapp ${word}` }
                  }
                ]
              }
            }
          ]
        }
      ]
    })
    const matrix = await createChannel(suite, { kind: "matrix", name: "M", signingSecret: "hs_capture_token_5" })
    const matrixBody = JSON.stringify({
      events: [
        {
          type: "m.room.message",
          room_id: "!r:example.org",
          sender: "@ada:example.org",
          event_id: `$${randomId()}`,
          content: { msgtype: "m.text", body: `matrix ${word}` }
        }
      ]
    })
    const genericSecret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`
    const generic = await createChannel(suite, { kind: "generic", name: "G", signingSecret: genericSecret })
    const genericBody = JSON.stringify({ text: `generic ${word}`, senderId: "sensor" })
    const path = (url: string) => new URL(url).pathname
    const answers = [
      await send(
        suite.base,
        "POST",
        path(slack.webhookUrl),
        slackBody,
        slackHeaders("slackcapturesecrete8f12a9d27680f", slackBody)
      ),
      await deliverTelegram(
        suite.base,
        telegram.webhookUrl,
        "tg_capture_all_5",
        telegramUpdate(9005, 4505, `telegram ${word}`)
      ),
      await send(suite.base, "POST", path(whatsapp.webhookUrl), waBody, {
        "x-hub-signature-256": hubSignature("wacapturesecretcfe1b07539db74145", waBody)
      }),
      await send(suite.base, "PUT", `${path(matrix.webhookUrl)}/transactions/t-${word}`, matrixBody, {
        authorization: "Bearer hs_capture_token_5"
      }),
      await send(
        suite.base,
        "POST",
        path(generic.webhookUrl),
        genericBody,
        standardHeaders(genericSecret, `msg_${word}`, genericBody)
      )
    ]
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 204])
    const all = await cards(suite, suite.workspace)
    for (const kind of ["slack", "telegram", "whatsapp", "matrix", "generic"]) {
      const found = all.filter((card) => card.text.includes(`${kind} ${word}`))
      expect(found, kind).toHaveLength(1)
      expect(found[0]!.tags, kind).toEqual([kind])
    }
  })
})

describe("a stored event that does not decode", () => {
  it("ends failed with the reason, and the workspace's other events are still answered", async () => {
    gateway.mode = "normal"
    const secret = "telegram_capture_poison_05"
    const channel = await createChannel(suite, {
      kind: "telegram",
      name: "Poison",
      signingSecret: secret,
      botToken: "505:poison"
    })
    // A payload of another shape (as an older or damaged row would be), waiting for a reply ahead of a real message.
    const owner = await connect(suite.db.ownerUrl)
    try {
      await owner.query(
        `insert into channel_events (workspace_id, channel_id, external_id, status, payload, received_at)
         values ($1, $2, 'poison-1', 'received', '{"kind": "telegram", "messages": "not a list"}', now() - interval '1 minute')`,
        [suite.workspace, channel.id]
      )
    } finally {
      await owner.end()
    }
    const delivered = await deliverTelegram(
      suite.base,
      channel.webhookUrl,
      secret,
      telegramUpdate(9005, 4505, "feed the cat")
    )
    expect(delivered.status).toBe(200)

    const sent = await until(async () => sendsTo("/bot505:poison/sendMessage")[0], "the reply to the real message")
    expect(sent.body).toEqual({ chat_id: "4505", text: "Got it: feed the cat" })
    const events = await until(async () => {
      const found = await eventsOf(suite, channel.id)
      return found.length === 2 && found.every((event) => event.status !== "received" && event.status !== "processing")
        ? found
        : undefined
    }, "both events to end")
    const poison = events.find((event) => event.externalId === "poison-1")!
    expect(poison.status).toBe("failed")
    expect(poison.lastError).toMatch(/^the stored event cannot be read at payload/)
    expect(events.find((event) => event.externalId !== "poison-1")!.status).toBe("replied")
    expect(sendsTo("/bot505:poison/sendMessage")).toHaveLength(1)
  })
})

describe("a host that crashes between capture and reply", () => {
  it("replies once after the restart, and never again for a reply it had already recorded", async () => {
    gateway.mode = "down"
    const db = await createDatabase("webhooks_capture_crash")
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    let host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, env) })
    try {
      await host.ready()
      const workspace = await createWorkspace(base, "Crash home")
      const crashSuite = { base, db, workspace, pid: 0 } as Suite
      const secret = "telegram_capture_crash_04"
      const channel = await createChannel(crashSuite, {
        kind: "telegram",
        name: "Crash",
        signingSecret: secret,
        botToken: "504:crash"
      })
      expect(
        (await deliverTelegram(base, channel.webhookUrl, secret, telegramUpdate(9004, 4504, "book the vet"))).status
      ).toBe(200)
      expect(await cardsSaying(crashSuite, workspace, "telegram · 4504: book the vet")).toHaveLength(1)

      // A reply sent and recorded before the crash (what the record looks like), left claimed by the dead host.
      const owner = await connect(db.ownerUrl)
      const payload = {
        kind: "telegram",
        messages: [{ conversationId: "4514", senderId: "4514", text: "already answered" }],
        raw: {}
      }
      await owner.query(
        `insert into channel_events (workspace_id, channel_id, external_id, status, payload, replies)
         values ($1, $2, 'crash-recorded', 'processing', $3, '{"0": "Got it: already answered"}')`,
        [workspace, channel.id, JSON.stringify(payload)]
      )
      await owner.end()

      await host.stop() // SIGKILL: no shutdown of any kind
      gateway.mode = "normal"
      host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, env) })
      await host.ready()
      const sent = await until(async () => sendsTo("/bot504:crash/sendMessage")[0], "the reply after the restart")
      expect(sent.body).toEqual({ chat_id: "4504", text: "Got it: book the vet" })
      await until(async () => {
        const rows = await storedEvents(db, channel.id)
        return rows.every((row) => row.status === "replied") ? rows : undefined
      }, "both events to be replied")
      await sleep(2_500)
      expect(sendsTo("/bot504:crash/sendMessage")).toHaveLength(1)
      expect(await cardsSaying(crashSuite, workspace, "telegram · 4504: book the vet")).toHaveLength(1)
    } finally {
      await host.stop()
      await db.drop()
    }
  })
})
