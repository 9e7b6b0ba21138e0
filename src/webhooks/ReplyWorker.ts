// The reply worker: the second step of capture first, reply second. The messages of a delivery are already in the
// day's note (Channels captured them in the commit that acknowledged it); this worker claims the events waiting for a
// reply, asks the workspace's `chat` model for an answer to each message (ModelCalls: the `chat` route, else the
// OpenClaw gateway, one OpenClaw session per conversation), sends it back through the platform, and logs the reply
// into the note.
//
// A voice note (Telegram, WhatsApp) is first fetched, stored as an artifact and transcribed (VoiceNotes): the event
// waits for its transcript without using up attempts, then the transcript is answered like a text.
//
// Events end "replied", "ignored" (nothing to answer, e.g. another bot), "captured" (the channel has no bot token or
// outbound URL to reply with, or a voice note has no transcript) or "failed" (the retries ran out, or a voice note
// cannot be fetched). An attempt that fails (the gateway is down, the
// platform refuses) is tried twice more at once, then the event waits with backoff (CARABASE_REPLY_RETRY_DELAY_SECONDS,
// doubling, at most 30 minutes apart) for at most CARABASE_REPLY_RETRY_LIMIT attempts; its attempts, next retry and
// last reason are kept on the event (a reason names the route or gateway that failed). While some wait on the
// gateway, it is probed every few seconds, and once it answers again every waiting event is due at once. While
// nothing can answer (no `chat` route and no gateway configured, or a route whose key does not open), events wait
// without using up their attempts.
//
// A reply is never sent twice: the event records each reply once it is sent, and every attempt (a retry, or a host
// restarted after a crash, which puts events it had claimed back to waiting) checks that record before sending. Only a
// crash between the platform's acceptance and that record, a moment, can repeat one (Matrix's transaction ids make
// even that resend a no-op).
import { whenBackgroundWork } from "../platform/BackgroundWork"
import { layer as artifactsLayer } from "../artifacts/Artifacts"
import { Clock, Config, Effect, Either, Layer, Option, Schedule } from "effect"
import { Channels, layer as channelsLayer, type ClaimedEvent } from "../channels/Channels"
import { canReply, replyNeeds } from "../channels/ChannelsApi"
import { answerable } from "../channels/InboundPayload"
import { Gateway } from "../gateway/Gateway"
import type { GatewayUnconfigured } from "../gateway/GatewayErrors"
import { apiBaseOf, type Target } from "../gateway/Target"
import { ModelCalls, layer as modelCallsLayer } from "../models/ModelCalls"
import type { ModelRouteUnusable } from "../models/ModelRoutesApi"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { CurrentWorkspace, type WorkspaceId } from "../platform/CurrentWorkspace"
import { Writer } from "../platform/Writer"
import { Workspaces, layer as workspacesLayer } from "../workspaces/Workspaces"
import { outboundConfig, sendReply } from "./Outbound"
import * as VoiceNotes from "./VoiceNotes"

const POLL = "2 seconds"
const GAP = "50 millis"
const BATCH = 10
/** While events wait on the gateway, how often it is asked whether it is back. */
const PROBE_MS = 3_000
/** The longest wait between two attempts of one event. */
const MAX_DELAY_MS = 30 * 60_000
/** While the gateway is not configured, how long an event waits before it is looked at again. */
const UNCONFIGURED_DELAY_MS = 60_000

const SYSTEM =
  "You are the owner's personal assistant answering them in a chat app. Be brief and helpful; plain text only."

export const retryConfig = Config.all({
  delaySeconds: Config.integer("CARABASE_REPLY_RETRY_DELAY_SECONDS").pipe(
    Config.withDefault(10),
    Config.validate({ message: "must be an integer from 1 to 3600", validation: (n) => n >= 1 && n <= 3600 })
  ),
  limit: Config.integer("CARABASE_REPLY_RETRY_LIMIT").pipe(
    Config.withDefault(20),
    Config.validate({ message: "must be an integer from 1 to 1000", validation: (n) => n >= 1 && n <= 1000 })
  )
})

/** The wait after the `failures`-th failed attempt (1-based): the base delay, doubling, at most MAX_DELAY_MS. */
export const backoffMs = (baseSeconds: number, failures: number) =>
  Math.min(MAX_DELAY_MS, baseSeconds * 1000 * 2 ** Math.min(20, Math.max(0, failures - 1)))

const reasonOf = (error: unknown) => {
  const message = (error as { message?: unknown }).message
  return (typeof message === "string" && message !== "" ? message : "the reply failed").slice(0, 500)
}

export const layer = Layer.scopedDiscard(
  Effect.gen(function* () {
    const channels = yield* Channels
    const gateway = yield* Gateway
    const calls = yield* ModelCalls
    const notes = yield* Notes
    const workspaces = yield* Workspaces
    const config = yield* outboundConfig
    const retry = yield* retryConfig
    const voiceNotes = yield* VoiceNotes.make(channels, notes, config)
    // Nothing is known to wait on the gateway until an attempt fails on it; events left waiting out a backoff by a
    // previous process are made due at boot instead (see `requeue`), so a host with nothing waiting asks the gateway
    // nothing, and one with something waiting tries it once and only then starts probing.
    let waitingOnGateway = false
    let probedAt = 0
    const gatewayApi = apiBaseOf(gateway.config.url, { appendV1: true }).href
    /** Whether a failed reply waits on the environment's gateway (the one the probe asks), not another provider. */
    const isEnvGateway = (target: Target) => target.provider === "openclaw" && target.apiBase.href === gatewayApi

    const answer = (
      workspaceId: WorkspaceId,
      event: ClaimedEvent,
      target: Either.Either<Target, GatewayUnconfigured | ModelRouteUnusable>
    ) => {
      // The replies already sent, by message: checked before each send, so no attempt sends one again.
      const sent = new Map(Object.entries(event.replies))
      return Effect.gen(function* () {
        const outbound = yield* channels.outbound(event.channelId)
        if (Option.isNone(outbound)) return yield* channels.finishEvent(event.id, "failed", "the channel is gone")
        const channel = outbound.value
        const messages = answerable(event.payload)
        if (messages.length === 0) return yield* channels.finishEvent(event.id, "ignored")
        const prepared = yield* voiceNotes.prepare(event, channel, messages)
        switch (prepared._tag) {
          case "End":
            return yield* channels.finishEvent(event.id, prepared.status, prepared.reason)
          case "Wait":
            return yield* channels.retryLater({
              id: event.id,
              reason: prepared.reason,
              delayMs: retry.delaySeconds * 1000,
              counted: false,
              maxAttempts: retry.limit
            })
          case "Retry": {
            const status = yield* channels.retryLater({
              id: event.id,
              reason: prepared.reason,
              delayMs: backoffMs(retry.delaySeconds, event.attempts + 1),
              counted: true,
              maxAttempts: retry.limit
            })
            return yield* Effect.logWarning(
              `${Option.contains(status, "failed") ? "gave up on" : "will retry"} a ${event.kind} voice note: ${prepared.reason}`
            )
          }
        }
        const texts = prepared.texts
        if (texts.every((text) => text === undefined)) {
          return yield* channels.finishEvent(
            event.id,
            "captured",
            `in the note; ${prepared.unanswered ?? "nothing to answer"}`
          )
        }
        if (
          !canReply(channel.kind, {
            botToken: Option.isSome(channel.botToken),
            outboundUrl: Option.isSome(channel.outboundUrl)
          })
        ) {
          return yield* channels.finishEvent(
            event.id,
            "captured",
            `in the note; replies on this channel need ${replyNeeds(channel.kind)}`
          )
        }
        if (Either.isLeft(target)) {
          return yield* channels.retryLater({
            id: event.id,
            reason: target.left.message,
            delayMs: UNCONFIGURED_DELAY_MS,
            counted: false,
            maxAttempts: retry.limit
          })
        }
        const attempt = Effect.gen(function* () {
          for (const [index, message] of messages.entries()) {
            const text = texts[index]
            if (sent.has(String(index)) || text === undefined) continue
            const answered = yield* calls.completeOn(target.right, {
              messages: [
                { role: "system", content: SYSTEM },
                { role: "user", content: text }
              ],
              sessionKey: `carabase:${workspaceId}:channel:${event.channelId}:${message.conversationId}`
            })
            const reply = answered.trim()
            yield* sendReply(config, channel, message, reply, `${event.id}-${index}`)
            yield* channels.recordReply(event.id, index, reply)
            sent.set(String(index), reply)
            // Keyed, so a retry after a failed write logs the reply once; a full note does not make it a failure.
            yield* notes
              .appendLogEntry({
                content: `${event.kind} · reply to ${message.senderId}: ${reply}`,
                tags: ["chat", event.kind],
                idempotencyKey: `channel-reply:${event.id}:${index}`
              })
              .pipe(
                Writer.as("channel", event.kind),
                Effect.catchTag("NoteTooLarge", (error) =>
                  Effect.logWarning(`reply sent, not logged: ${error.message}`)
                )
              )
          }
        })
        return yield* attempt.pipe(
          Effect.retry({ times: 2, schedule: Schedule.exponential("1 second") }),
          Effect.matchEffect({
            onSuccess: () => channels.finishEvent(event.id, "replied"),
            onFailure: (error) =>
              Effect.gen(function* () {
                if (error._tag !== "SendFailed" && isEnvGateway(target.right)) waitingOnGateway = true
                const status = yield* channels.retryLater({
                  id: event.id,
                  reason: reasonOf(error),
                  delayMs: backoffMs(retry.delaySeconds, event.attempts + 1),
                  counted: true,
                  maxAttempts: retry.limit
                })
                yield* Effect.logWarning(
                  Option.contains(status, "failed")
                    ? `gave up answering a ${event.kind} message after ${retry.limit} attempts: ${reasonOf(error)}`
                    : `could not answer a ${event.kind} message yet (attempt ${event.attempts + 1}): ${reasonOf(error)}`
                )
              })
          })
        )
      }).pipe(Effect.annotateLogs({ service: "ReplyWorker", event: event.id }))
    }

    /** While events wait on the gateway: once it answers again, they are all due now. */
    const probe = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      if (!waitingOnGateway || now - probedAt < PROBE_MS) return
      probedAt = now
      if ((yield* gateway.state) !== "up") return
      waitingOnGateway = false
      for (const workspace of yield* workspaces.list) {
        yield* channels.wake.pipe(Effect.provideService(CurrentWorkspace, workspace.id))
      }
    })

    const pass = Effect.gen(function* () {
      yield* probe
      for (const workspace of yield* workspaces.list) {
        yield* Effect.gen(function* () {
          const claimed = yield* channels.claimReceived(BATCH)
          if (claimed.length === 0) return
          const target = yield* Effect.either(calls.target("chat"))
          yield* Effect.forEach(claimed, (event) => answer(workspace.id, event, target), { discard: true })
        }).pipe(
          Effect.provideService(CurrentWorkspace, workspace.id),
          // One workspace's failure does not hold up the others' replies.
          Effect.catchAllCause((cause) =>
            Effect.logError("reply worker pass failed for a workspace", cause).pipe(
              Effect.annotateLogs({ service: "ReplyWorker", workspace: workspace.id })
            )
          )
        )
      }
    }).pipe(Effect.catchAllCause((cause) => Effect.logError("reply worker pass failed", cause)))

    const requeue = Effect.gen(function* () {
      for (const workspace of yield* workspaces.list) {
        const count = yield* channels.requeueAbandoned.pipe(Effect.provideService(CurrentWorkspace, workspace.id))
        if (count > 0) yield* Effect.logWarning(`${count} chat event(s) cut off by a previous process will be answered`)
        // Events a previous process left waiting out a backoff (the gateway may be back by now): due at once.
        yield* channels.wake.pipe(Effect.provideService(CurrentWorkspace, workspace.id))
      }
    }).pipe(Effect.catchAllCause((cause) => Effect.logError("cannot requeue chat events cut off by a crash", cause)))

    // At most one pass per GAP: under a burst of deliveries a pass takes all that arrived meanwhile, instead of one
    // pass (a workspace list and a claim per workspace) per delivery.
    const wake = Effect.zipRight(Effect.sleep(GAP), Effect.raceFirst(channels.received, Effect.sleep(POLL)))
    yield* whenBackgroundWork(
      Effect.zipRight(requeue, Effect.forever(Effect.zipRight(pass, wake))).pipe(Effect.forkScoped)
    )
  })
).pipe(Layer.provide([channelsLayer, notesLayer, workspacesLayer, modelCallsLayer, artifactsLayer]))
