// Handlers of the channels group. A channel's webhookUrl starts with CARABASE_WEBHOOK_PUBLIC_URL or CARABASE_PUBLIC_URL
// when set (the address the platforms reach, e.g. a Tailscale Funnel URL), else with http://<the request's Host>.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { webhookBase, webhookBaseIsPublic } from "../http/PublicUrl"
import { Channels, type ChannelRecord } from "./Channels"
import type { ChannelKind } from "./ChannelsApi"

export const webhookPath = (kind: ChannelKind, id: string) => `/api/v1/webhooks/${kind}/${id}`

export const ChannelsHttpLive = HttpApiBuilder.group(CarabaseApi, "channels", (handlers) =>
  Effect.gen(function* () {
    const channels = yield* Channels
    const base = yield* webhookBase
    const webhookUrlIsPublic = yield* webhookBaseIsPublic
    const withUrl = (channel: ChannelRecord) =>
      Effect.map(base, (prefix) => ({
        ...channel,
        webhookUrl: `${prefix}${webhookPath(channel.kind, channel.id)}`,
        webhookUrlIsPublic
      }))
    return handlers
      .handle("create", ({ payload }) =>
        Effect.map(Effect.flatMap(channels.create(payload), withUrl), (channel) => ({ channel }))
      )
      .handle("list", () =>
        Effect.map(
          Effect.flatMap(channels.list, (list) => Effect.forEach(list, withUrl)),
          (list) => ({ channels: list })
        )
      )
      .handle("remove", ({ path }) => channels.remove(path.id))
      .handle("events", ({ path, urlParams }) =>
        Effect.map(channels.events(path.id, urlParams.limit ?? 100), (events) => ({ events }))
      )
  })
)
