// Handlers of the channels group. A channel's webhookUrl starts with CARABASE_PUBLIC_URL when set (the address the
// platforms reach, e.g. a Tailscale Funnel or reverse proxy URL), else with http://<the request's Host header>.
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Config, Effect, Option } from "effect"
import { CarabaseApi } from "../http/Api"
import { Channels, type ChannelRecord } from "./Channels"
import type { ChannelKind } from "./ChannelsApi"

export const webhookPath = (kind: ChannelKind, id: string) => `/api/v1/webhooks/${kind}/${id}`

const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/

export const publicBase = Config.option(Config.string("CARABASE_PUBLIC_URL")).pipe(
  Config.map(Option.map((url) => url.trim().replace(/\/+$/, ""))),
  Config.map(Option.filter((url) => url !== ""))
)

/** The base URL outside callers use to reach this host: CARABASE_PUBLIC_URL, else the request's Host header. */
export const requestBase = Effect.map(publicBase, (configured) =>
  Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
    Option.getOrElse(configured, () => {
      const host = request.headers["host"] ?? ""
      return `http://${HOST_HEADER.test(host) ? host : "localhost"}`
    })
  )
)

export const ChannelsHttpLive = HttpApiBuilder.group(CarabaseApi, "channels", (handlers) =>
  Effect.gen(function* () {
    const channels = yield* Channels
    const base = yield* requestBase
    const withUrl = (channel: ChannelRecord) =>
      Effect.map(base, (prefix) => ({ ...channel, webhookUrl: `${prefix}${webhookPath(channel.kind, channel.id)}` }))
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
