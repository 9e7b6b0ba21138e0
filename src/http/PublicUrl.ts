// The base URLs outside callers use to reach this host: CARABASE_PUBLIC_URL for everything (OAuth callbacks, device
// pairing), CARABASE_WEBHOOK_PUBLIC_URL for chat platforms' webhooks when only the webhook listener is published.
// Without them, the request's own Host, which the request guard has already checked is one of this host's names, so
// a page cannot make the host hand out an attacker's URL.
import { HttpServerRequest } from "@effect/platform"
import { Config, Effect, Option } from "effect"

const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/

const baseUrl = (name: string) =>
  Config.option(Config.string(name)).pipe(
    Config.map(Option.map((url) => url.trim().replace(/\/+$/, ""))),
    Config.map(Option.filter((url) => url !== ""))
  )

export const publicBase = baseUrl("CARABASE_PUBLIC_URL")
export const webhookPublicBase = baseUrl("CARABASE_WEBHOOK_PUBLIC_URL")

const fromRequest = (configured: Option.Option<string>) =>
  Effect.map(HttpServerRequest.HttpServerRequest, (request) =>
    Option.getOrElse(configured, () => {
      const host = request.headers["host"] ?? ""
      return `http://${HOST_HEADER.test(host) ? host : "localhost"}`
    })
  )

/** The base URL outside callers use to reach this host: CARABASE_PUBLIC_URL, else the request's Host header. */
export const requestBase = Effect.map(publicBase, fromRequest)

/** The base of webhook URLs: CARABASE_WEBHOOK_PUBLIC_URL, else as requestBase. */
export const webhookBase = Effect.map(Config.all([webhookPublicBase, publicBase]), ([webhook, general]) =>
  fromRequest(Option.orElse(webhook, () => general))
)

/** Whether webhook URLs start with a configured public base (else with the request's own address). */
export const webhookBaseIsPublic = Config.map(
  Config.all([webhookPublicBase, publicBase]),
  ([webhook, general]) => Option.isSome(webhook) || Option.isSome(general)
)
