// The reply worker: claims received chat-platform events, asks the agent gateway for an answer to each message (one
// OpenClaw session per conversation), sends it back through the platform, and logs the exchange into the day's note.
// Events end "replied", "ignored" (nothing to answer, e.g. another bot) or "failed" after three tries. While the
// gateway is not configured, events wait as "received". A pass starts as soon as a delivery stores a new event, and
// every 2 s regardless. A retry resumes after the messages already answered. At boot, events a previous process was
// answering when it died wait again (at least once: a reply sent just before a crash may be sent twice, except on
// Matrix, whose transaction ids make a resend a no-op; its note entry is not written twice).
import { Effect, Layer, Schedule } from "effect"
import { Channels, layer as channelsLayer, type ClaimedEvent } from "../channels/Channels"
import { Gateway } from "../gateway/Gateway"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { CurrentWorkspace, type WorkspaceId } from "../platform/CurrentWorkspace"
import { Workspaces, layer as workspacesLayer } from "../workspaces/Workspaces"
import { outboundConfig, sendReply } from "./Outbound"

const POLL = "2 seconds"
const GAP = "50 millis"
const BATCH = 10

const SYSTEM =
  "You are the owner's personal assistant answering them in a chat app. Be brief and helpful; plain text only."

export const layer = Layer.scopedDiscard(
  Effect.gen(function* () {
    const channels = yield* Channels
    const gateway = yield* Gateway
    const notes = yield* Notes
    const workspaces = yield* Workspaces
    const config = yield* outboundConfig

    const answer = (workspaceId: WorkspaceId, event: ClaimedEvent) => {
      // The replies already sent for this event, by message: a retry (a later message failed) resumes after them
      // instead of asking and sending again what the person has already been answered.
      const sent = new Map<number, string>()
      return Effect.gen(function* () {
        const outbound = yield* channels.outbound(event.channelId)
        if (outbound._tag === "None") return "failed" as const
        const messages = event.payload.messages.filter((message) => !message.fromBot && message.text.trim() !== "")
        if (messages.length === 0) return "ignored" as const
        const target = yield* gateway.target()
        for (const [index, message] of messages.entries()) {
          let reply = sent.get(index)
          if (reply === undefined) {
            const answered = yield* gateway.complete(target, {
              messages: [
                { role: "system", content: SYSTEM },
                { role: "user", content: message.text }
              ],
              headers: {
                "x-openclaw-session-key": `carabase:${workspaceId}:channel:${event.channelId}:${message.conversationId}`
              }
            })
            reply = answered.trim()
            yield* sendReply(config, outbound.value, message, reply, `${event.id}-${index}`)
            sent.set(index, reply)
          }
          // Keyed, so a retry after a failed write logs the exchange once.
          yield* notes.appendLogEntry({
            content: `${event.kind} · ${message.senderId}: ${message.text}\n\n${reply}`,
            tags: ["chat", event.kind],
            idempotencyKey: `channel-event:${event.id}:${index}`
          })
        }
        return "replied" as const
      }).pipe(
        Effect.retry({ times: 2, schedule: Schedule.exponential("1 second") }),
        Effect.catchAll((error) =>
          Effect.logWarning(
            `could not answer a ${event.kind} message: ${(error as { message?: string }).message}`
          ).pipe(Effect.as("failed" as const))
        ),
        Effect.flatMap((status) => channels.finishEvent(event.id, status)),
        Effect.annotateLogs({ service: "ReplyWorker", event: event.id })
      )
    }

    const pass = Effect.gen(function* () {
      if ((yield* Effect.either(gateway.target()))._tag === "Left") return
      for (const workspace of yield* workspaces.list) {
        const claimed = yield* channels.claimReceived(BATCH).pipe(Effect.provideService(CurrentWorkspace, workspace.id))
        yield* Effect.forEach(claimed, (event) => answer(workspace.id, event), { discard: true }).pipe(
          Effect.provideService(CurrentWorkspace, workspace.id)
        )
      }
    }).pipe(Effect.catchAllCause((cause) => Effect.logError("reply worker pass failed", cause)))

    const requeue = Effect.gen(function* () {
      for (const workspace of yield* workspaces.list) {
        const count = yield* channels.requeueAbandoned.pipe(Effect.provideService(CurrentWorkspace, workspace.id))
        if (count > 0) yield* Effect.logWarning(`${count} chat event(s) cut off by a previous process will be answered`)
      }
    }).pipe(Effect.catchAllCause((cause) => Effect.logError("cannot requeue chat events cut off by a crash", cause)))

    // At most one pass per GAP: under a burst of deliveries a pass takes all that arrived meanwhile, instead of one
    // pass (a workspace list and a claim per workspace) per delivery.
    const wake = Effect.zipRight(Effect.sleep(GAP), Effect.raceFirst(channels.received, Effect.sleep(POLL)))
    yield* Effect.zipRight(requeue, Effect.forever(Effect.zipRight(pass, wake))).pipe(Effect.forkScoped)
  })
).pipe(Layer.provide([channelsLayer, notesLayer, workspacesLayer]))
