// What a verified delivery turns into, platform by platform: the external id that deduplicates it and the messages
// the reply worker will answer (and must not answer: bots).
import { describe, expect, it } from "@effect/vitest"
import * as Deliveries from "../../src/webhooks/Deliveries"

const eventsOf = (parsed: Deliveries.Parsed) => {
  if (parsed._tag !== "Events") throw new Error(`expected events, got ${parsed._tag}`)
  return parsed.events
}

describe("reading verified deliveries", () => {
  it("Slack: marks a bot's message fromBot, so the worker never answers a bot", () => {
    const [event] = eventsOf(
      Deliveries.slack({
        type: "event_callback",
        event_id: "Ev1",
        event: { type: "message", subtype: "bot_message", bot_id: "B1", channel: "C1", text: "beep", thread_ts: "1.2" }
      })
    )
    expect(event!.payload.messages).toEqual([
      { conversationId: "C1", senderId: "B1", text: "beep", threadId: "1.2", fromBot: true }
    ])
  })

  it("Slack: acknowledges other envelope types without storing, and refuses an event without event_id", () => {
    expect(eventsOf(Deliveries.slack({ type: "app_rate_limited" }))).toEqual([])
    expect(Deliveries.slack({ type: "event_callback", event: {} })._tag).toBe("Invalid")
  })

  it("Telegram: keeps a voice note's file id, type, length and size, and an audio file's caption", () => {
    const [voice] = eventsOf(
      Deliveries.telegram({
        update_id: 7,
        message: {
          message_id: 3,
          from: { id: 42, is_bot: false },
          chat: { id: 42 },
          voice: { file_id: "AwACAg", file_unique_id: "AgAD", duration: 7, mime_type: "audio/ogg", file_size: 10340 }
        }
      })
    )
    expect(voice!.payload.messages).toEqual([
      {
        conversationId: "42",
        senderId: "42",
        text: "",
        messageId: "3",
        fromBot: false,
        audio: { fileId: "AwACAg", mimeType: "audio/ogg", durationSeconds: 7, fileSize: 10340, voice: true }
      }
    ])
    const [audio] = eventsOf(
      Deliveries.telegram({
        update_id: 8,
        message: { message_id: 4, chat: { id: 1 }, caption: "the talk", audio: { file_id: "CQACAg", duration: 600 } }
      })
    )
    expect(audio!.payload.messages[0]).toMatchObject({
      text: "the talk",
      audio: { fileId: "CQACAg", durationSeconds: 600, voice: false }
    })
    // A voice object without a file id is no attachment: the update is kept with no message.
    const [broken] = eventsOf(
      Deliveries.telegram({ update_id: 9, message: { chat: { id: 1 }, voice: { file_id: 5 } } })
    )
    expect(broken!.payload.messages).toEqual([])
  })

  it("WhatsApp: keeps an audio message's media id and whether it was recorded as a voice note", () => {
    const [event] = eventsOf(
      Deliveries.whatsapp({
        entry: [
          {
            changes: [
              {
                value: {
                  metadata: { phone_number_id: "1065" },
                  messages: [
                    {
                      from: "1650",
                      id: "wamid.A",
                      type: "audio",
                      audio: { id: "1037", mime_type: "audio/ogg; codecs=opus", voice: true }
                    }
                  ]
                }
              }
            ]
          }
        ]
      })
    )
    expect(event!.payload.messages).toEqual([
      {
        conversationId: "1650",
        senderId: "1650",
        text: "",
        messageId: "wamid.A",
        accountId: "1065",
        audio: { fileId: "1037", mimeType: "audio/ogg; codecs=opus", voice: true }
      }
    ])
  })

  it("Telegram: reads captions and channel posts, and stores updates without text with no message", () => {
    const [caption] = eventsOf(
      Deliveries.telegram({ update_id: 5, channel_post: { message_id: 1, chat: { id: -9 }, caption: "photo!" } })
    )
    expect(caption!.payload.messages).toEqual([
      { conversationId: "-9", senderId: "-9", text: "photo!", messageId: "1", fromBot: false }
    ])
    const [sticker] = eventsOf(Deliveries.telegram({ update_id: 6, message: { chat: { id: 1 }, sticker: {} } }))
    expect(sticker).toMatchObject({ externalId: "6", payload: { messages: [] } })
  })

  it("WhatsApp: reads interactive replies, keeps media messages without text, and refuses a message without id", () => {
    const body = (messages: Array<unknown>) => ({
      entry: [{ changes: [{ value: { metadata: { phone_number_id: "PN" }, messages } }] }]
    })
    const events = eventsOf(
      Deliveries.whatsapp(
        body([
          { id: "w1", from: "49", type: "interactive", interactive: { button_reply: { id: "yes", title: "Yes" } } },
          { id: "w2", from: "49", type: "image", image: { id: "media" } }
        ])
      )
    )
    expect(events.map((e) => [e.externalId, e.payload.messages.map((m) => m.text)])).toEqual([
      ["w1", ["Yes"]],
      ["w2", []]
    ])
    expect(Deliveries.whatsapp(body([{ from: "49", type: "text", text: { body: "x" } }]))._tag).toBe("Invalid")
  })

  it("Matrix: one event per transaction, with only room messages as messages", () => {
    const [event] = eventsOf(
      Deliveries.matrix(
        {
          events: [
            { type: "m.room.member", room_id: "!r", sender: "@a", content: { membership: "join" } },
            { type: "m.room.message", room_id: "!r", sender: "@a", event_id: "$1", content: { body: "hi" } }
          ]
        },
        "txn1"
      )
    )
    expect(event).toMatchObject({
      externalId: "txn1",
      payload: { messages: [{ conversationId: "!r", senderId: "@a", text: "hi", messageId: "$1" }] }
    })
  })

  it("refuses bodies that are not JSON objects", () => {
    for (const text of ["", "[]", "42", "{", "null"]) {
      expect(Deliveries.parseJson(Buffer.from(text))).toEqual({
        _tag: "Invalid",
        message: "the body is not a JSON object"
      })
    }
  })

  it("refuses a body nesting deeper than 256 levels before parsing it, and reads one at the limit", () => {
    const nested = (depth: number) => `{"a":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`
    expect(Deliveries.parseJson(Buffer.from(nested(256)))._tag).toBe("Object")
    expect(Deliveries.parseJson(Buffer.from(nested(257)))).toEqual({
      _tag: "Invalid",
      message: "the body nests objects and arrays more than 256 levels deep, which no platform sends"
    })
  })
})
