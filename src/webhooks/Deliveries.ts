// What each platform's verified delivery means: the events to store (each with the platform's delivery id, the key
// that makes a redelivery a no-op) and the messages in them, or a handshake to answer without storing anything.
// Pure functions over the parsed body; they run only after the signature check passed.
import { Schema } from "effect"
import { InboundAudio, type InboundEvent, type InboundMessage } from "../channels/InboundPayload"
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../platform/JsonDepth"

export type Parsed =
  | { readonly _tag: "Events"; readonly events: ReadonlyArray<InboundEvent> }
  | { readonly _tag: "Challenge"; readonly challenge: string }
  | { readonly _tag: "Invalid"; readonly message: string }

type Invalid = Extract<Parsed, { readonly _tag: "Invalid" }>
const invalid = (message: string): Invalid => ({ _tag: "Invalid", message })
const events = (list: ReadonlyArray<InboundEvent>): Parsed => ({ _tag: "Events", events: list })

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)
const idOf = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number" && Number.isSafeInteger(value)
      ? String(value)
      : undefined
const EXTERNAL_ID = /^[\x21-\x7e]{1,255}$/

/** Drops the optional fields that are absent, so the stored JSON has no nulls standing for nothing. */
const message = (fields: {
  conversationId: string
  senderId: string
  text: string
  messageId?: string | undefined
  threadId?: string | undefined
  accountId?: string | undefined
  fromBot?: boolean | undefined
  audio?: InboundAudio | undefined
}): InboundMessage =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as InboundMessage

const decodeAudio = Schema.decodeUnknownOption(InboundAudio)
const size = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0
    ? value
    : typeof value === "string" && /^\d{1,15}$/.test(value)
      ? Number(value)
      : undefined

/**
 * A voice note or audio file as the normal form keeps it, or undefined when the platform's object is not one (no
 * usable id): the message is then kept as its caption alone, like any text.
 */
const audioOf = (fields: {
  fileId: unknown
  mimeType: unknown
  durationSeconds?: unknown
  fileSize?: unknown
  voice: boolean
}): InboundAudio | undefined => {
  const found = decodeAudio(
    Object.fromEntries(
      Object.entries({
        fileId: str(fields.fileId),
        mimeType: str(fields.mimeType),
        durationSeconds: size(fields.durationSeconds),
        fileSize: size(fields.fileSize),
        voice: fields.voice
      }).filter(([, value]) => value !== undefined)
    )
  )
  return found._tag === "Some" ? found.value : undefined
}

/** Telegram's `voice` (a recorded voice note) or `audio` (a music or audio file) of a message. */
const telegramAudio = (found: Json | undefined): InboundAudio | undefined => {
  if (found === undefined) return undefined
  const voice = isObject(found["voice"]) ? found["voice"] : undefined
  const part = voice ?? (isObject(found["audio"]) ? found["audio"] : undefined)
  return part === undefined
    ? undefined
    : audioOf({
        fileId: part["file_id"],
        mimeType: part["mime_type"],
        durationSeconds: part["duration"],
        fileSize: part["file_size"],
        voice: voice !== undefined
      })
}

const notAnObject = invalid("the body is not a JSON object")
const tooDeep = invalid(
  `the body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep, which no platform sends`
)

/**
 * The body as JSON; platforms all send JSON objects, anything else is a 400 after verification. So is a body nesting
 * deeper than any platform does: storing it would recurse that deep (JSON.stringify) and overflow the stack.
 */
export const parseJson = (body: Uint8Array): { readonly _tag: "Object"; readonly value: Json } | Invalid => {
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) return tooDeep
  try {
    const value: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"))
    return isObject(value) ? { _tag: "Object", value } : notAnObject
  } catch {
    return notAnObject
  }
}

/** Slack Events API: url_verification is a handshake; an event_callback is stored under its event_id. */
export const slack = (body: Json): Parsed => {
  if (body["type"] === "url_verification") {
    const challenge = str(body["challenge"])
    return challenge === undefined ? invalid("url_verification without a challenge") : { _tag: "Challenge", challenge }
  }
  if (body["type"] !== "event_callback") return events([])
  const eventId = str(body["event_id"])
  if (eventId === undefined || !EXTERNAL_ID.test(eventId)) return invalid("event_callback without a valid event_id")
  const event = isObject(body["event"]) ? body["event"] : {}
  const text = str(event["text"])
  const channel = str(event["channel"])
  const messages =
    text !== undefined && channel !== undefined && (event["type"] === "message" || event["type"] === "app_mention")
      ? [
          message({
            conversationId: channel,
            senderId: str(event["user"]) ?? str(event["bot_id"]) ?? "",
            text,
            messageId: str(event["ts"]),
            threadId: str(event["thread_ts"]),
            accountId: str(body["team_id"]),
            fromBot: event["bot_id"] !== undefined || event["subtype"] === "bot_message"
          })
        ]
      : []
  return events([{ externalId: eventId, payload: { kind: "slack", messages, raw: body } }])
}

/** Telegram Bot API: one Update per delivery, stored under its update_id. */
export const telegram = (body: Json): Parsed => {
  const updateId = body["update_id"]
  if (typeof updateId !== "number" || !Number.isSafeInteger(updateId)) return invalid("an Update needs an update_id")
  const found = [body["message"], body["edited_message"], body["channel_post"], body["edited_channel_post"]].find(
    isObject
  )
  const chat = found !== undefined && isObject(found["chat"]) ? found["chat"] : undefined
  const from = found !== undefined && isObject(found["from"]) ? found["from"] : undefined
  const audio = telegramAudio(found)
  const text = found === undefined ? undefined : (str(found["text"]) ?? str(found["caption"]))
  const chatId = idOf(chat?.["id"])
  const messages =
    (text !== undefined || audio !== undefined) && chatId !== undefined
      ? [
          message({
            conversationId: chatId,
            senderId: idOf(from?.["id"]) ?? chatId,
            text: text ?? "",
            messageId: idOf(found?.["message_id"]),
            fromBot: from?.["is_bot"] === true,
            audio
          })
        ]
      : []
  return events([{ externalId: String(updateId), payload: { kind: "telegram", messages, raw: body } }])
}

const whatsappText = (msg: Json): string | undefined => {
  const part = (key: string) => (isObject(msg[key]) ? (msg[key] as Json) : {})
  switch (msg["type"]) {
    case "text":
      return str(part("text")["body"])
    case "button":
      return str(part("button")["text"])
    case "interactive": {
      const interactive = part("interactive")
      const reply = isObject(interactive["button_reply"]) ? interactive["button_reply"] : interactive["list_reply"]
      return isObject(reply) ? str(reply["title"]) : undefined
    }
    default:
      return undefined
  }
}

/** A WhatsApp `audio` message: `audio: { id, mime_type, sha256?, voice? }` (voice: recorded in the app). */
const whatsappAudio = (msg: Json): InboundAudio | undefined => {
  const part = msg["type"] === "audio" && isObject(msg["audio"]) ? msg["audio"] : undefined
  return part === undefined
    ? undefined
    : audioOf({ fileId: part["id"], mimeType: part["mime_type"], voice: part["voice"] === true })
}

/**
 * WhatsApp Cloud API: a delivery batches changes; each message is stored on its own under its message id (wamid).
 * Status updates (sent, delivered, read) carry no message and are acknowledged without being stored.
 */
export const whatsapp = (body: Json): Parsed => {
  const found: Array<InboundEvent> = []
  for (const entry of Array.isArray(body["entry"]) ? body["entry"] : []) {
    if (!isObject(entry)) continue
    for (const change of Array.isArray(entry["changes"]) ? entry["changes"] : []) {
      const value = isObject(change) && isObject(change["value"]) ? change["value"] : undefined
      if (value === undefined || !Array.isArray(value["messages"])) continue
      const metadata = isObject(value["metadata"]) ? value["metadata"] : {}
      for (const msg of value["messages"]) {
        if (!isObject(msg)) continue
        const id = str(msg["id"])
        if (id === undefined || !EXTERNAL_ID.test(id)) return invalid("a WhatsApp message without a valid id")
        const from = str(msg["from"])
        const text = whatsappText(msg)
        const audio = whatsappAudio(msg)
        const messages =
          from !== undefined && (text !== undefined || audio !== undefined)
            ? [
                message({
                  conversationId: from,
                  senderId: from,
                  text: text ?? "",
                  messageId: id,
                  accountId: str(metadata["phone_number_id"]),
                  audio
                })
              ]
            : []
        const raw = { metadata, contacts: value["contacts"] ?? [], message: msg }
        found.push({ externalId: id, payload: { kind: "whatsapp", messages, raw } })
      }
    }
  }
  return events(found)
}

/** Matrix application service: one transaction per delivery, stored under its transaction id. */
export const matrix = (body: Json, txnId: string): Parsed => {
  if (!Array.isArray(body["events"])) return invalid("a transaction needs an events array")
  const messages = body["events"].flatMap((event): Array<InboundMessage> => {
    if (!isObject(event) || event["type"] !== "m.room.message" || !isObject(event["content"])) return []
    const text = str(event["content"]["body"])
    const room = str(event["room_id"])
    const sender = str(event["sender"])
    return text === undefined || room === undefined || sender === undefined
      ? []
      : [message({ conversationId: room, senderId: sender, text, messageId: str(event["event_id"]) })]
  })
  return events([{ externalId: txnId, payload: { kind: "matrix", messages, raw: body } }])
}

/**
 * A generic Standard Webhooks sender, stored under its webhook-id. A body `{ text, conversationId?, senderId? }` is a
 * message to answer; any other JSON object is kept as it came.
 */
export const generic = (body: Json, webhookId: string): Parsed => {
  const text = str(body["text"])
  const conversationId = str(body["conversationId"]) ?? str(body["senderId"])
  const messages =
    text !== undefined
      ? [message({ conversationId: conversationId ?? "", senderId: str(body["senderId"]) ?? "", text })]
      : []
  return events([{ externalId: webhookId, payload: { kind: "generic", messages, raw: body } }])
}
