// Sending a reply back through each platform's documented send-message API, with the channel's bot token. Base URLs
// are configurable so a test (or a proxy) can stand in for the platform:
//   Slack     POST {CARABASE_SLACK_API_URL}/chat.postMessage            Bearer <bot token>  { channel, text, thread_ts? }
//   Telegram  POST {CARABASE_TELEGRAM_API_URL}/bot<token>/sendMessage                       { chat_id, text }
//   WhatsApp  POST {CARABASE_WHATSAPP_API_URL}/<phone_number_id>/messages  Bearer <token>   { messaging_product, to, type, text }
//   Matrix    PUT  {outboundUrl}/_matrix/client/v3/rooms/<room>/send/m.room.message/<txn>  Bearer <as_token>
//   Generic   POST {outboundUrl}                                          { conversationId, text, inReplyTo? }
import { Config, Data, Effect, Option, Redacted } from "effect"
import type { OutboundChannel } from "../channels/Channels"
import type { InboundMessage } from "../channels/InboundPayload"

export class SendFailed extends Data.TaggedError("SendFailed")<{ readonly message: string }> {}

export const outboundConfig = Config.all({
  slack: Config.string("CARABASE_SLACK_API_URL").pipe(Config.withDefault("https://slack.com/api")),
  telegram: Config.string("CARABASE_TELEGRAM_API_URL").pipe(Config.withDefault("https://api.telegram.org")),
  whatsapp: Config.string("CARABASE_WHATSAPP_API_URL").pipe(Config.withDefault("https://graph.facebook.com/v21.0"))
})
export type OutboundConfig = Config.Config.Success<typeof outboundConfig>

const trim = (url: string) => url.replace(/\/+$/, "")

const post = (
  url: string,
  init: { method?: string; bearer?: Redacted.Redacted<string>; body: unknown },
  label: string
) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(url, {
        method: init.method ?? "POST",
        headers: {
          "content-type": "application/json",
          ...(init.bearer === undefined ? {} : { authorization: `Bearer ${Redacted.value(init.bearer)}` })
        },
        body: JSON.stringify(init.body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(15_000)])
      })
      const text = await response.text()
      if (!response.ok) throw new Error(`${label} answered ${response.status}`)
      // Slack answers 200 with { ok: false, error } for refusals.
      if (label === "Slack" && !(JSON.parse(text) as { ok?: boolean }).ok) throw new Error("Slack refused the message")
    },
    catch: (error) => new SendFailed({ message: error instanceof Error ? error.message : `${label} send failed` })
  })

const needToken = (channel: OutboundChannel) =>
  Option.match(channel.botToken, {
    onNone: () =>
      Effect.fail(new SendFailed({ message: `the ${channel.kind} channel has no bot token to reply with` })),
    onSome: Effect.succeed
  })

const needUrl = (channel: OutboundChannel) =>
  Option.match(channel.outboundUrl, {
    onNone: () =>
      Effect.fail(new SendFailed({ message: `the ${channel.kind} channel has no outboundUrl to reply to` })),
    onSome: Effect.succeed
  })

export const sendReply = (
  config: OutboundConfig,
  channel: OutboundChannel,
  to: InboundMessage,
  text: string,
  txn: string
) =>
  Effect.gen(function* () {
    switch (channel.kind) {
      case "slack":
        return yield* post(
          `${trim(config.slack)}/chat.postMessage`,
          {
            bearer: yield* needToken(channel),
            body: { channel: to.conversationId, text, ...(to.threadId ? { thread_ts: to.threadId } : {}) }
          },
          "Slack"
        )
      case "telegram": {
        const token = yield* needToken(channel)
        return yield* post(
          `${trim(config.telegram)}/bot${Redacted.value(token)}/sendMessage`,
          { body: { chat_id: to.conversationId, text } },
          "Telegram"
        )
      }
      case "whatsapp":
        if (to.accountId === undefined)
          return yield* new SendFailed({ message: "no WhatsApp phone number id to reply from" })
        return yield* post(
          `${trim(config.whatsapp)}/${encodeURIComponent(to.accountId)}/messages`,
          {
            bearer: yield* needToken(channel),
            body: { messaging_product: "whatsapp", to: to.conversationId, type: "text", text: { body: text } }
          },
          "WhatsApp"
        )
      case "matrix":
        return yield* post(
          `${trim(yield* needUrl(channel))}/_matrix/client/v3/rooms/${encodeURIComponent(to.conversationId)}/send/m.room.message/${encodeURIComponent(txn)}`,
          { method: "PUT", bearer: yield* needToken(channel), body: { msgtype: "m.text", body: text } },
          "Matrix"
        )
      case "generic":
        return yield* post(
          yield* needUrl(channel),
          { body: { conversationId: to.conversationId, text, ...(to.messageId ? { inReplyTo: to.messageId } : {}) } },
          "the outbound URL"
        )
    }
  })
