// Voice notes sent to a Telegram bot and a WhatsApp number, end to end on a host process: the signed delivery goes
// through the real webhook route, the reply worker fetches the audio from a local stand-in for each platform's media
// API (test/support/fakeChatPlatform.ts) with the channel's bot token, stores it as an artifact, queues it for the
// workspace's transcription route (a fake provider speaking OpenAI's /v1/audio/transcriptions), shows the link and
// the transcript in the day's note, finds the transcript by search, and answers it like a text. A redelivery fetches
// nothing again; a download that fails says why on the channel's event; the bot token is in no answer and no log.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { speechWav } from "../artifacts/fixtures/media"
import { startFakeChatPlatform, type FakeChatPlatform } from "../support/fakeChatPlatform"
import { startFakeProvider, textOf, type FakeProvider } from "../support/fakeProvider"
import { call } from "../support/hostSuite"
import { hubSignature, nowSeconds } from "./signer"
import { createChannel, processHostSuite, send, storedEvents } from "./suite"

const TG_SECRET = "telegram_voice_secret_0123456789"
const TG_TOKEN = "7654321:AAvoice-note-bot-token-secret"
const WA_SECRET = "4f2b0b6caa1bf9d5d40e7c1a9b3d8e21"
const WA_TOKEN = "EAAGvoiceNoteAccessTokenSecret123"
const SPOKEN = "Remember to book the ferry to Lundy on Friday."

let platform: FakeChatPlatform
let provider: FakeProvider
beforeAll(async () => {
  platform = await startFakeChatPlatform()
  provider = await startFakeProvider({
    apiKey: "sk-voice-test",
    model: "whisper-1",
    answer: (body) => ({ content: `Noted: ${textOf(body.messages.at(-1).content)}` }),
    transcribe: (audio) => (audio.filename.includes("quiet") ? "" : SPOKEN)
  })
})
afterAll(async () => {
  await platform?.close()
  await provider?.close()
})

const suite = processHostSuite("webhooks_voice", () => ({
  CARABASE_TELEGRAM_API_URL: platform.url,
  CARABASE_WHATSAPP_API_URL: platform.url,
  CARABASE_REPLY_RETRY_DELAY_SECONDS: "1",
  CARABASE_REPLY_RETRY_LIMIT: "3",
  TZ: "UTC"
}))

const until = async <A>(probe: () => Promise<A | undefined>, what: string, tries = 150): Promise<A> => {
  for (let i = 0; i < tries; i++) {
    const found = await probe()
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const routes = async () => {
  for (const route of ["transcription", "chat"]) {
    const answer = await call(suite.base, "PUT", `/model-routes/${route}`, {
      workspace: suite.workspace,
      body: { provider: "openai-compatible", baseUrl: provider.url, model: "whisper-1", apiKey: "sk-voice-test" }
    })
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
  }
}

const noteText = async () => {
  const today = new Date().toISOString().slice(0, 10)
  const answer = await call(suite.base, "GET", `/daily-notes/${today}/text`, { workspace: suite.workspace })
  return answer.body.text as string
}

const channelArtifacts = async (source: string) => {
  const answer = await call(suite.base, "GET", "/artifacts?limit=100", { workspace: suite.workspace })
  expect(answer.status).toBe(200)
  return (answer.body.artifacts as Array<{ id: string; source: string; mimeType: string; filename: string }>).filter(
    (artifact) => artifact.source === source
  )
}

const fileOf = async (id: string) => {
  const response = await fetch(`${suite.base}/api/v1/artifacts/${id}/file`, {
    headers: { "x-workspace-id": suite.workspace }
  })
  expect(response.status).toBe(200)
  return Buffer.from(await response.arrayBuffer())
}

const searchIds = async (query: string) => {
  const answer = await call(suite.base, "POST", "/harvest/search", {
    workspace: suite.workspace,
    body: { query, limit: 10 }
  })
  expect(answer.status).toBe(200)
  return (answer.body.results as Array<{ id: string }>).map((hit) => hit.id)
}

const eventsOf = async (channelId: string) => {
  const answer = await call(suite.base, "GET", `/webhook-channels/${channelId}/events`, { workspace: suite.workspace })
  expect(answer.status).toBe(200)
  return answer.body.events as Array<{ externalId: string; status: string; lastError: string | null }>
}

const telegramVoice = (updateId: number, fileId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId % 1000,
      from: { id: 4242, is_bot: false, first_name: "Ana" },
      chat: { id: 4242, type: "private" },
      date: nowSeconds(),
      voice: { file_id: fileId, file_unique_id: fileId.slice(0, 12), duration: 7, mime_type: "audio/ogg" },
      ...extra
    }
  })

const whatsappAudio = (wamid: string, mediaId: string) =>
  JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: "106540352242922" },
              contacts: [{ profile: { name: "Ana" }, wa_id: "16505551234" }],
              messages: [
                {
                  from: "16505551234",
                  id: wamid,
                  timestamp: String(nowSeconds()),
                  type: "audio",
                  audio: { mime_type: "audio/ogg; codecs=opus", id: mediaId, voice: true }
                }
              ]
            }
          }
        ]
      }
    ]
  })

describe("voice notes from chat channels", () => {
  let telegram: { id: string; webhookUrl: string }
  let whatsapp: { id: string; webhookUrl: string }
  beforeAll(async () => {
    await routes()
    telegram = await createChannel(suite, {
      kind: "telegram",
      name: "TG voice",
      signingSecret: TG_SECRET,
      botToken: TG_TOKEN
    })
    whatsapp = await createChannel(suite, {
      kind: "whatsapp",
      name: "WA voice",
      signingSecret: WA_SECRET,
      verifyToken: "voice verify",
      botToken: WA_TOKEN
    })
  })

  const deliverTelegram = (body: string) =>
    send(suite.base, "POST", new URL(telegram.webhookUrl).pathname, body, {
      "x-telegram-bot-api-secret-token": TG_SECRET
    })
  const deliverWhatsApp = (body: string) =>
    send(suite.base, "POST", new URL(whatsapp.webhookUrl).pathname, body, {
      "x-hub-signature-256": hubSignature(WA_SECRET, body)
    })

  it("stores a Telegram voice note as an artifact, transcribes it, shows it in the note and answers it", async () => {
    const wav = speechWav("Remember to book the ferry to Lundy on Friday")
    const fileId = "AwACAgQAAxkBAAIBvoiceTG1"
    platform.addTelegramFile({ token: TG_TOKEN, fileId, filePath: "voice/file_7.oga", bytes: wav })
    const updateId = 700_000_001
    const body = telegramVoice(updateId, fileId)
    const delivered = await deliverTelegram(body)
    expect(delivered.status).toBe(200)
    expect(delivered.text).toBe("")

    // The reply: the transcript answered like a text, through sendMessage.
    const sent = await until(
      async () => platform.calls.find((c) => c.path === `/bot${TG_TOKEN}/sendMessage` && c.body.chat_id === "4242"),
      "the Telegram reply"
    )
    expect(sent.body).toEqual({ chat_id: "4242", text: `Noted: ${SPOKEN}` })

    // The audio, byte for byte, as an artifact of the channel's workspace, transcribed by the route.
    const [artifact, ...others] = await channelArtifacts("channel:telegram")
    expect(others).toEqual([])
    expect(artifact).toMatchObject({ filename: "file_7.oga", mimeType: "audio/ogg" })
    expect((await fileOf(artifact!.id)).equals(Buffer.from(wav))).toBe(true)
    expect(provider.transcriptions.some((t) => Buffer.from(t.bytes).equals(Buffer.from(wav)))).toBe(true)
    const content = await call(suite.base, "GET", `/artifacts/${artifact!.id}/content`, { workspace: suite.workspace })
    expect(content.body).toMatchObject({ status: "text", extractor: "transcription", content: SPOKEN })
    expect(await searchIds("ferry Lundy")).toContain(artifact!.id)

    // The note: the voice note's card links the audio and shows the transcript; the reply is logged after it.
    const text = await noteText()
    expect(text).toContain("telegram · 4242: Voice note (0:07)")
    expect(text).toContain(`[file_7.oga](/admin/artifacts/${artifact!.id})`)
    expect(text).toContain(`Transcript: ${SPOKEN}`)
    expect(text).toContain(`reply to 4242: Noted: ${SPOKEN}`)
    const [event] = (await storedEvents(suite.db, telegram.id)).filter((row) => row.external_id === String(updateId))
    expect(event!.status).toBe("replied")

    // A redelivery of the same update stores nothing and fetches nothing again.
    const getFiles = () => platform.calls.filter((c) => c.path.includes("/getFile?")).length
    const before = { getFiles: getFiles(), downloads: platform.calls.filter((c) => c.path.startsWith("/file/")).length }
    expect(before.getFiles).toBe(1)
    expect((await deliverTelegram(body)).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    expect(getFiles()).toBe(before.getFiles)
    expect(platform.calls.filter((c) => c.path.startsWith("/file/")).length).toBe(before.downloads)
    expect(await channelArtifacts("channel:telegram")).toHaveLength(1)
    expect(await storedEvents(suite.db, telegram.id)).toHaveLength(1)
  })

  it("stores a WhatsApp voice note through the media lookup and its bearer, checked against its sha256", async () => {
    const wav = speechWav("Remember to book the ferry to Lundy on Friday")
    const mediaId = "1037543291543636"
    platform.addWhatsAppMedia({ token: WA_TOKEN, mediaId, mimeType: "audio/ogg", bytes: wav })
    const wamid = "wamid.HBgLMTY1MDUwNzY1MjAVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA="
    const delivered = await deliverWhatsApp(whatsappAudio(wamid, mediaId))
    expect(delivered.status).toBe(200)

    const sent = await until(
      async () => platform.calls.find((c) => c.path === "/106540352242922/messages"),
      "the WhatsApp reply"
    )
    expect(sent.authorization).toBe(`Bearer ${WA_TOKEN}`)
    expect(sent.body).toEqual({
      messaging_product: "whatsapp",
      to: "16505551234",
      type: "text",
      text: { body: `Noted: ${SPOKEN}` }
    })
    const lookups = platform.calls.filter((c) => c.path === `/${mediaId}` || c.path === `/media-download/${mediaId}`)
    expect(lookups.map((c) => [c.path, c.authorization])).toEqual([
      [`/${mediaId}`, `Bearer ${WA_TOKEN}`],
      [`/media-download/${mediaId}`, `Bearer ${WA_TOKEN}`]
    ])
    const [artifact] = await channelArtifacts("channel:whatsapp")
    expect((await fileOf(artifact!.id)).equals(Buffer.from(wav))).toBe(true)
    expect(await noteText()).toContain("whatsapp · 16505551234: Voice note")
  })

  it("keeps a voice note with no words in the note, saying so, and does not answer it", async () => {
    const fileId = "AwACAgQAAxkBAAIBquiet"
    platform.addTelegramFile({ token: TG_TOKEN, fileId, filePath: "voice/quiet.oga", bytes: speechWav(" ") })
    const updateId = 700_000_006
    expect((await deliverTelegram(telegramVoice(updateId, fileId))).status).toBe(200)
    const event = await until(
      async () =>
        (await eventsOf(telegram.id)).find((e) => e.externalId === String(updateId) && e.status === "captured"),
      "the wordless voice note to be captured"
    )
    expect(event.lastError).toBe(
      "in the note; the voice note has no transcript to answer (the transcription holds no words)"
    )
    expect(await noteText()).toContain("No transcript: the transcription holds no words")
  })

  it("ends a voice note whose file the platform no longer has failed, with the reason on the channel's event", async () => {
    const updateId = 700_000_002
    // No such file at the platform: getFile answers 400 invalid file_id.
    expect((await deliverTelegram(telegramVoice(updateId, "AwACAgQAAxkBAAIBgone"))).status).toBe(200)
    const event = await until(async () => {
      const events = await eventsOf(telegram.id)
      return events.find((e) => e.externalId === String(updateId) && e.status === "failed")
    }, "the event to fail")
    expect(event.lastError).toBe("the voice note could not be fetched: Telegram getFile answered 400")
    expect(await noteText()).toContain("telegram · 4242: Voice note (0:07)")
  })

  it("retries a download the platform failed for a moment, then gives up with the reason once the limit is reached", async () => {
    const wav = speechWav("Lundy")
    const flaky = "AwACAgQAAxkBAAIBflaky"
    platform.addTelegramFile({ token: TG_TOKEN, fileId: flaky, filePath: "voice/flaky.oga", bytes: wav })
    platform.failNext(flaky, 502, 1)
    const recovered = 700_000_003
    expect((await deliverTelegram(telegramVoice(recovered, flaky))).status).toBe(200)
    await until(async () => {
      const events = await eventsOf(telegram.id)
      return events.find((e) => e.externalId === String(recovered) && e.status === "replied")
    }, "the flaky voice note to be answered")

    const broken = "AwACAgQAAxkBAAIBbroken"
    platform.addTelegramFile({ token: TG_TOKEN, fileId: broken, filePath: "voice/broken.oga", bytes: wav })
    platform.failNext(broken, 503, 1000)
    const failing = 700_000_004
    expect((await deliverTelegram(telegramVoice(failing, broken))).status).toBe(200)
    const event = await until(
      async () => {
        const events = await eventsOf(telegram.id)
        return events.find((e) => e.externalId === String(failing) && e.status === "failed")
      },
      "the broken voice note to fail",
      300
    )
    expect(event.lastError).toBe("the voice note could not be fetched: the Telegram file download answered 503")
  })

  it("does not keep a WhatsApp download that does not match the sha256 the media lookup gave", async () => {
    const mediaId = "1037543291549999"
    platform.addWhatsAppMedia({
      token: WA_TOKEN,
      mediaId,
      mimeType: "audio/ogg",
      bytes: speechWav("Lundy"),
      sha256: "0".repeat(64)
    })
    const wamid = "wamid.HBgLMTY1MDUwNzY1MjAVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgB="
    expect((await deliverWhatsApp(whatsappAudio(wamid, mediaId))).status).toBe(200)
    const event = await until(
      async () => (await eventsOf(whatsapp.id)).find((e) => e.externalId === wamid && e.status === "failed"),
      "the mismatched download to fail",
      300
    )
    expect(event.lastError).toBe(
      "the voice note could not be fetched: the WhatsApp media download does not match its sha256"
    )
    expect(await channelArtifacts("channel:whatsapp")).toHaveLength(1)
  })

  it("keeps a voice note to a channel without a bot token in the note only, and says why", async () => {
    const secret = "telegram_voice_tokenless_0123456"
    const channel = await createChannel(suite, { kind: "telegram", name: "No token", signingSecret: secret })
    const updateId = 700_000_005
    const delivered = await send(
      suite.base,
      "POST",
      new URL(channel.webhookUrl).pathname,
      telegramVoice(updateId, "AwACAgQAAxkBAAIBnotoken"),
      { "x-telegram-bot-api-secret-token": secret }
    )
    expect(delivered.status).toBe(200)
    const event = await until(
      async () => (await eventsOf(channel.id)).find((e) => e.status === "captured"),
      "the event to be captured"
    )
    expect(event.lastError).toBe("in the note; the voice note was not fetched: the telegram channel has no bot token")
    expect(platform.calls.some((c) => c.path.includes("AwACAgQAAxkBAAIBnotoken"))).toBe(false)
  })

  it("never shows the bot tokens in an answer or a log line", async () => {
    const events = JSON.stringify([...(await eventsOf(telegram.id)), ...(await eventsOf(whatsapp.id))])
    const note = await noteText()
    const channels = JSON.stringify(
      (await call(suite.base, "GET", "/webhook-channels", { workspace: suite.workspace })).body
    )
    for (const secret of [TG_TOKEN, WA_TOKEN]) {
      expect(events).not.toContain(secret)
      expect(note).not.toContain(secret)
      expect(channels).not.toContain(secret)
      expect(suite.output()).not.toContain(secret)
    }
    // The log does say what went wrong, without the URL that holds the token.
    expect(suite.output()).toContain("Telegram file download answered 503")
  })
})
