// Declaration of the webhook-channels routes: chat platforms that deliver messages to the host by webhook. Secrets
// go in and are never returned. Imports only effect and @effect/platform.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { uuidId } from "../schema/Ids"
import { bounded, storable } from "../schema/TextSchemas"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const ChannelKinds = ["slack", "telegram", "whatsapp", "matrix", "generic"] as const
export const ChannelKind = Schema.Literal(...ChannelKinds)
export type ChannelKind = typeof ChannelKind.Type

/** A webhook channel's id: also the capability in its webhook URL. */
export const ChannelId = uuidId("ChannelId")
export type ChannelId = typeof ChannelId.Type

export const Channel = Schema.Struct({
  id: ChannelId,
  kind: ChannelKind,
  name: Schema.String,
  /** Where the platform delivers: `<public base>/api/v1/webhooks/<kind>/<id>`. The id is the capability. */
  webhookUrl: Schema.String,
  /**
   * Whether webhookUrl starts with a configured public address (CARABASE_WEBHOOK_PUBLIC_URL or CARABASE_PUBLIC_URL).
   * False: it is the address this request came in on (127.0.0.1, the tailnet name), which a platform on the internet
   * cannot reach; the platform needs a public URL first.
   */
  webhookUrlIsPublic: Schema.Boolean,
  createdAt: Schema.DateTimeUtc,
  /**
   * Whether the host can answer on this channel (it has what `replyNeeds` names). Without it messages are still
   * captured into the day's note; they are just not answered.
   */
  canReply: Schema.Boolean
})
export type Channel = typeof Channel.Type

export const ChannelEvent = Schema.Struct({
  id: Schema.UUID,
  externalId: Schema.String,
  receivedAt: Schema.DateTimeUtc,
  /**
   * received (captured, the reply waiting: first try, or a retry at nextAttemptAt), processing, replied, ignored
   * (nothing to answer), captured (in the note; the channel cannot reply) or failed (the retries ran out).
   */
  status: Schema.String,
  /** Reply attempts that failed so far. */
  attempts: Schema.Int,
  nextAttemptAt: Schema.NullOr(Schema.DateTimeUtc),
  /** Why the last attempt did not reply, or why the event ended as it did. */
  lastError: Schema.NullOr(Schema.String)
})
export type ChannelEvent = typeof ChannelEvent.Type

/** What a channel of this kind needs to reply, in words for the owner. */
export const replyNeeds = (kind: ChannelKind): string =>
  kind === "generic"
    ? "an outbound URL"
    : kind === "matrix"
      ? "a bot token (the as_token) and an outbound URL (the homeserver)"
      : "a bot token"

/** Whether a channel with (or without) a bot token and an outbound URL can reply. */
export const canReply = (kind: ChannelKind, has: { readonly botToken: boolean; readonly outboundUrl: boolean }) =>
  kind === "generic" ? has.outboundUrl : kind === "matrix" ? has.botToken && has.outboundUrl : has.botToken

const ChannelName = bounded("name", 200)

const secretField = (field: string) =>
  Schema.String.pipe(
    Schema.minLength(1, { message: () => `${field} must not be empty` }),
    Schema.maxLength(4096, { message: () => `${field} must be at most 4096 characters` }),
    storable(field)
  )

const OutboundUrl = Schema.String.pipe(
  Schema.maxLength(2000, { message: () => "outboundUrl must be at most 2000 characters" }),
  storable("outboundUrl"),
  Schema.filter((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), {
    message: () => "outboundUrl must be an http:// or https:// URL"
  })
)

const TELEGRAM_SECRET = /^[A-Za-z0-9_-]{1,256}$/
/** Slack's signing secret and Meta's app secret are issued as 32 letters and digits (hex in practice). */
const ISSUED_32 = /^[A-Za-z0-9]{32}$/
/** Telegram's secret_token and Matrix's hs_token are chosen by the owner: long enough not to be guessed. */
export const MIN_CHOSEN_SECRET = 16
const STANDARD_SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/

/** The key bytes of a Standard Webhooks secret (`whsec_<base64>`), or undefined when it is not one. */
export const standardWebhooksKey = (secret: string): Uint8Array | undefined => {
  const match = STANDARD_SECRET.exec(secret)
  if (match === null || match[1]!.length % 4 === 1) return undefined
  let binary: string
  try {
    binary = atob(match[1]!)
  } catch {
    return undefined
  }
  // Strict: the text must be exactly the canonical encoding of the bytes it decodes to.
  if (btoa(binary).replace(/=+$/, "") !== match[1]!.replace(/=+$/, "")) return undefined
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}

/** What each platform needs beyond the common fields; violations name the field they are about. */
const kindRules = (input: {
  readonly kind: ChannelKind
  readonly signingSecret: string
  readonly verifyToken?: string | undefined
}) => {
  switch (input.kind) {
    case "slack":
      return ISSUED_32.test(input.signingSecret)
        ? true
        : {
            path: ["signingSecret"],
            message:
              "a Slack signing secret is the 32 letters and digits Slack shows under Basic Information > App Credentials > Signing Secret (not the bot token or the client secret)"
          }
    case "telegram":
      return !TELEGRAM_SECRET.test(input.signingSecret)
        ? {
            path: ["signingSecret"],
            message: "a Telegram secret token is 1-256 characters of A-Z, a-z, 0-9, _ and - (setWebhook secret_token)"
          }
        : input.signingSecret.length < MIN_CHOSEN_SECRET
          ? {
              path: ["signingSecret"],
              message: `a Telegram secret token you choose must be at least ${MIN_CHOSEN_SECRET} characters (A-Z, a-z, 0-9, _ and -), so it cannot be guessed (e.g. ./scripts/gen-secret.sh 16)`
            }
          : true
    case "matrix":
      return input.signingSecret.length >= MIN_CHOSEN_SECRET
        ? true
        : {
            path: ["signingSecret"],
            message: `a Matrix hs_token must be at least ${MIN_CHOSEN_SECRET} characters (the registration file's hs_token; generate a long random one)`
          }
    case "generic": {
      const key = standardWebhooksKey(input.signingSecret)
      return key !== undefined && key.length >= 24 && key.length <= 64
        ? true
        : {
            path: ["signingSecret"],
            message: "a generic (Standard Webhooks) secret is whsec_ followed by the base64 of a 24 to 64 byte key"
          }
    }
    case "whatsapp":
      return !ISSUED_32.test(input.signingSecret)
        ? {
            path: ["signingSecret"],
            message:
              "a WhatsApp app secret is the 32 letters and digits Meta shows under App settings > Basic > App secret"
          }
        : input.verifyToken !== undefined
          ? true
          : { path: ["verifyToken"], message: "a WhatsApp channel needs the verifyToken Meta sends to subscribe" }
  }
}

export const CreateChannel = Schema.Struct({
  kind: ChannelKind,
  name: ChannelName,
  /** Slack signing secret, WhatsApp app secret, Telegram secret_token, Matrix hs_token, or whsec_ key. */
  signingSecret: secretField("signingSecret"),
  verifyToken: Schema.optional(secretField("verifyToken")),
  botToken: Schema.optional(secretField("botToken")),
  outboundUrl: Schema.optional(OutboundUrl)
}).pipe(Schema.filter(kindRules))
export type CreateChannel = typeof CreateChannel.Type

export class ChannelNotFound extends Schema.TaggedError<ChannelNotFound>()(
  "ChannelNotFound",
  { message: Schema.String, channelId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(channelId: string) {
    return new ChannelNotFound({
      channelId,
      message: `no webhook channel ${channelId} in this workspace: list them with GET /webhook-channels`
    })
  }
}

const ChannelPath = Schema.Struct({ id: ChannelId })

export class ChannelsApi extends HttpApiGroup.make("channels")
  .add(
    HttpApiEndpoint.post("create", "/webhook-channels")
      .setPayload(CreateChannel)
      .addSuccess(Schema.Struct({ channel: Channel }), { status: 201 })
  )
  .add(HttpApiEndpoint.get("list", "/webhook-channels").addSuccess(Schema.Struct({ channels: Schema.Array(Channel) })))
  .add(
    HttpApiEndpoint.del("remove", "/webhook-channels/:id")
      .setPath(ChannelPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(ChannelNotFound)
  )
  .add(
    HttpApiEndpoint.get("events", "/webhook-channels/:id/events")
      .setPath(ChannelPath)
      .setUrlParams(
        Schema.Struct({
          limit: Schema.optional(
            Schema.NumberFromString.pipe(
              Schema.int({ message: () => "limit must be an integer from 1 to 500" }),
              Schema.between(1, 500, { message: () => "limit must be an integer from 1 to 500" })
            )
          )
        })
      )
      .addSuccess(Schema.Struct({ events: Schema.Array(ChannelEvent) }))
      .addError(ChannelNotFound)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
