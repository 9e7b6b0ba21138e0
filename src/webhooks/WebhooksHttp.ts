// Inbound webhook endpoints, mounted as raw routes so bodies are verified exactly as received. No x-workspace-id:
// the channel id in the path names the channel, and through it the workspace. Every delivery is read (1 MiB at
// most), checked against its channel's secret (a decoy secret when the channel does not exist, so an unknown channel
// costs the same work before its 404), and only then parsed and stored, once per platform delivery id.
import { HttpApiBuilder, HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Clock, Effect, Option, Redacted, Schema } from "effect"
import { Channels } from "../channels/Channels"
import { ChannelId } from "../channels/ChannelsApi"
import * as Kinds from "./Kinds"
import { readRawBody } from "../http/RawBody"
import * as Signatures from "./Signatures"

/** A channel id in the path, any case (it is looked up lowercased). */
const channelIdOf = (value: string) => Option.liftPredicate(value.toLowerCase(), Schema.is(ChannelId))
const TXN_ID = /^[\x21-\x7e]{1,255}$/
const CHALLENGE = /^[\x21-\x7e]{1,512}$/
const VERIFY_TOKEN = /^[\x20-\x7e]{1,4096}$/

const queryOf = (request: HttpServerRequest.HttpServerRequest) => {
  const at = request.url.indexOf("?")
  return new URLSearchParams(at === -1 ? "" : request.url.slice(at + 1))
}

const logRejected = (kind: string, channelId: string, reason: string) =>
  Effect.logInfo("webhook delivery rejected").pipe(Effect.annotateLogs({ kind, channel: channelId, reason }))

export const WebhooksHttpLive = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const channels = yield* Channels

    const receive = (kind: Kinds.Kind) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const params = yield* HttpRouter.params
        const channelId = params["channelId"] ?? ""
        const readBody = yield* Effect.either(readRawBody(request))
        if (readBody._tag === "Left") {
          return readBody.left._tag === "BodyTooLarge"
            ? kind.error(413, "the body is larger than 1 MiB")
            : kind.error(400, "the body could not be read")
        }
        const txnId = params["txnId"]
        if (txnId !== undefined && !TXN_ID.test(txnId)) return kind.error(400, "malformed transaction id")
        const delivery: Kinds.Delivery = {
          headers: request.headers,
          query: queryOf(request),
          body: readBody.right,
          nowSeconds: Math.floor((yield* Clock.currentTimeMillis) / 1000),
          ...(txnId === undefined ? {} : { txnId })
        }
        const unknown = kind.error(404, "no webhook channel with this id")
        const id = channelIdOf(channelId)
        if (Option.isNone(id)) {
          kind.verify(delivery, kind.decoy)
          return unknown
        }
        return yield* channels.resolveInbound(id.value, kind.kind, (channel, record) =>
          Effect.gen(function* () {
            const verdict = kind.verify(
              delivery,
              Option.match(channel, { onNone: () => kind.decoy, onSome: (c) => Redacted.value(c.signingSecret) })
            )
            if (Option.isNone(channel)) return unknown
            if (!verdict.ok) {
              yield* logRejected(kind.kind, channelId, verdict.reason)
              return kind.error(Kinds.rejectionStatus(kind.kind, verdict.reason), Kinds.reasonText(verdict.reason))
            }
            const parsed = kind.parse(delivery)
            switch (parsed._tag) {
              case "Invalid":
                return kind.error(400, parsed.message)
              case "Challenge":
                return HttpServerResponse.unsafeJson({ challenge: parsed.challenge })
              case "Events":
                return Option.isSome(yield* record(parsed.events)) ? kind.accepted : unknown
            }
          })
        )
      })

    /** Meta's subscription handshake: echo hub.challenge when hub.verify_token is the channel's verify token. */
    const whatsappChallenge = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const channelId = (yield* HttpRouter.params)["channelId"] ?? ""
      const query = queryOf(request)
      const challenge = query.get("hub.challenge") ?? ""
      const check = (token: string) =>
        Signatures.verifyToken({
          secret: token,
          given: query.get("hub.verify_token") ?? undefined,
          format: VERIFY_TOKEN
        })
      const unknown = Kinds.whatsapp.error(404, "no webhook channel with this id")
      const id = channelIdOf(channelId)
      if (Option.isNone(id)) {
        check(Kinds.whatsapp.decoy)
        return unknown
      }
      return yield* channels.resolveInbound(id.value, "whatsapp", (channel) =>
        Effect.gen(function* () {
          const token = Option.flatMap(channel, (c) => c.verifyToken)
          const verdict = check(Option.match(token, { onNone: () => Kinds.whatsapp.decoy, onSome: Redacted.value }))
          if (Option.isNone(channel)) return unknown
          if (!verdict.ok || Option.isNone(token) || query.get("hub.mode") !== "subscribe") {
            yield* logRejected("whatsapp", channelId, verdict.ok ? "not a subscribe request" : verdict.reason)
            return Kinds.whatsapp.error(403, "the verify token does not match this channel's")
          }
          if (!CHALLENGE.test(challenge)) return Kinds.whatsapp.error(400, "hub.challenge is missing or malformed")
          return HttpServerResponse.text(challenge, { headers: { "x-content-type-options": "nosniff" } })
        })
      )
    })

    const base = "/api/v1/webhooks"
    yield* router.post(`${base}/slack/:channelId`, receive(Kinds.slack))
    yield* router.post(`${base}/telegram/:channelId`, receive(Kinds.telegram))
    yield* router.post(`${base}/whatsapp/:channelId`, receive(Kinds.whatsapp))
    yield* router.get(`${base}/whatsapp/:channelId`, whatsappChallenge)
    yield* router.post(`${base}/generic/:channelId`, receive(Kinds.generic))
    // The application service URL is the webhook URL; homeservers append the legacy or the versioned path.
    yield* router.put(`${base}/matrix/:channelId/transactions/:txnId`, receive(Kinds.matrix))
    yield* router.put(`${base}/matrix/:channelId/_matrix/app/v1/transactions/:txnId`, receive(Kinds.matrix))
  })
)
