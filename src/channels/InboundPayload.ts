// What an accepted inbound delivery is stored as (channel_events.payload): the messages the reply worker answers,
// normalised across platforms, plus the platform's own object for anything the normal form leaves out.
import { Schema } from "effect"
import { ChannelKind } from "./ChannelsApi"

/**
 * A voice note or audio file attached to a message (Telegram `voice` / `audio`, WhatsApp `audio`): the platform's id
 * to fetch it with the channel's bot token, and what the platform said about it.
 */
export const InboundAudio = Schema.Struct({
  /** Telegram file_id, WhatsApp media id. */
  fileId: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1024)),
  mimeType: Schema.optional(Schema.String),
  durationSeconds: Schema.optional(Schema.NonNegative),
  fileSize: Schema.optional(Schema.NonNegative),
  /** Recorded as a voice note (Telegram `voice`, WhatsApp `voice: true`), not sent as an audio file. */
  voice: Schema.Boolean
})
export type InboundAudio = typeof InboundAudio.Type

/** One message a person sent, in the terms the reply worker needs to answer it on the same platform. */
export const InboundMessage = Schema.Struct({
  /** Where a reply goes: Slack channel, Telegram chat id, WhatsApp sender (wa_id), Matrix room id. */
  conversationId: Schema.String,
  senderId: Schema.String,
  text: Schema.String,
  /** The platform's id of this message (Slack ts, Telegram message_id, WhatsApp wamid, Matrix event id). */
  messageId: Schema.optional(Schema.String),
  /** Slack thread_ts, to reply in the thread. */
  threadId: Schema.optional(Schema.String),
  /** The receiving account: Slack team id, WhatsApp phone_number_id (the Graph API sends replies from it). */
  accountId: Schema.optional(Schema.String),
  /** Sent by a bot (Slack bot_id, Telegram is_bot): the worker must not answer, or two bots loop. */
  fromBot: Schema.optional(Schema.Boolean),
  /** A voice note or audio file; `text` is then its caption, if any. */
  audio: Schema.optional(InboundAudio)
})
export type InboundMessage = typeof InboundMessage.Type

export const InboundPayload = Schema.Struct({
  kind: ChannelKind,
  messages: Schema.Array(InboundMessage),
  raw: Schema.Unknown
})
export type InboundPayload = typeof InboundPayload.Type

/** One stored event: `externalId` is the platform's delivery id, unique per channel, so a redelivery is dropped. */
export interface InboundEvent {
  readonly externalId: string
  readonly payload: InboundPayload
}

/**
 * The messages of an event that are captured into the note and answered, in order: a person's, with some text or a
 * voice note. A message's position in this list names it in the capture's, the media's and the reply's keys.
 */
export const answerable = (payload: InboundPayload): ReadonlyArray<InboundMessage> =>
  payload.messages.filter((message) => !message.fromBot && (message.text.trim() !== "" || message.audio !== undefined))

/** `0:07`, `12:30`: a voice note's length as chat apps show it. */
export const clockDuration = (seconds: number) => {
  const whole = Math.round(seconds)
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`
}

/** What a voice note shows in the day's note, as it is captured, once its audio is stored and once transcribed. */
export interface VoiceCard {
  /** The stored audio: its artifact id and file name. */
  readonly artifact?: { readonly id: string; readonly filename: string } | undefined
  /** The transcript, or why there is none. */
  readonly transcript?: { readonly text: string } | { readonly missing: string } | undefined
}

/**
 * The markdown of a captured message's log card: `telegram · 99: water the plants`; a voice note reads
 * `telegram · 99: Voice note (0:07)`, then its caption, a link to its artifact and its transcript when known.
 */
export const captureText = (kind: string, message: InboundMessage, voice: VoiceCard = {}) => {
  const head = `${kind} · ${message.senderId}: `
  const audio = message.audio
  if (audio === undefined) return `${head}${message.text}`
  const label = audio.voice ? "Voice note" : "Audio"
  const length = audio.durationSeconds === undefined ? "" : ` (${clockDuration(audio.durationSeconds)})`
  const lines = [`${head}${label}${length}${message.text.trim() === "" ? "" : ` — ${message.text}`}`]
  if (voice.artifact !== undefined) {
    lines.push(`Audio: [${voice.artifact.filename}](/admin/artifacts/${voice.artifact.id})`)
  }
  const transcript = voice.transcript
  if (transcript !== undefined) {
    lines.push("text" in transcript ? `Transcript: ${transcript.text}` : `No transcript: ${transcript.missing}`)
  }
  return lines.join("\n\n")
}
