// What an accepted inbound delivery is stored as (channel_events.payload): the messages the reply worker answers,
// normalised across platforms, plus the platform's own object for anything the normal form leaves out.
import { Schema } from "effect"
import { ChannelKind } from "./ChannelsApi"

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
  fromBot: Schema.optional(Schema.Boolean)
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
 * The messages of an event that are captured into the note and answered, in order: a person's, with some text. A
 * message's position in this list names it in the capture's and the reply's keys.
 */
export const answerable = (payload: InboundPayload): ReadonlyArray<InboundMessage> =>
  payload.messages.filter((message) => !message.fromBot && message.text.trim() !== "")
