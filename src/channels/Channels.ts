// Webhook channels: each is one chat platform endpoint of a workspace, with its secrets sealed bound to their row.
// Workspace routes manage them inside the RLS scope; inbound deliveries, which carry no workspace, find their channel
// through resolveInbound (the channel_lookup policy) and then store their events in its workspace. Capture first: the
// commit that stores a delivery's new events also writes their messages into the day's note (a logCard tagged with
// the channel's kind), whatever the agent's state, so a delivery acknowledged is a message in the note. The reply is
// the reply worker's, later, with the retry state kept on the event.
import * as crypto from "node:crypto"
import { Context, Effect, Layer, Option, Queue, Redacted, Schema } from "effect"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { Crypto, type SecretBinding } from "../platform/Crypto"
import { RlsScope } from "../platform/RlsScope"
import * as TtlCache from "../platform/TtlCache"
import { toStorableText } from "../schema/StorableText"
import type { CurrentWorkspace, WorkspaceId } from "../platform/CurrentWorkspace"
import { Writer } from "../platform/Writer"
import {
  canReply,
  ChannelId,
  ChannelNotFound,
  type ChannelEvent,
  type ChannelKind,
  type CreateChannel
} from "./ChannelsApi"
import * as ChannelsRepo from "./ChannelsRepo"
import * as InboundRecorder from "./InboundRecorder"
import type { ClaimedRow, EventStatus, InboundDelivery } from "./ChannelsRepo"
import { answerable, captureText, InboundPayload, type InboundEvent } from "./InboundPayload"

/** A channel as the owner sees it; the HTTP face adds its webhook URL. */
export interface ChannelRecord {
  readonly id: ChannelId
  readonly kind: ChannelKind
  readonly name: string
  readonly createdAt: ChannelsRepo.ChannelRow["createdAt"]
  readonly canReply: boolean
}

const toRecord = (row: ChannelsRepo.ChannelRow): ChannelRecord => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  createdAt: row.createdAt,
  canReply: canReply(row.kind, { botToken: row.hasBotToken, outboundUrl: row.hasOutboundUrl })
})

/** The note's key of a captured message: its event and its position among the event's answerable messages. */
export const captureKey = (eventId: string, index: number) => `channel-capture:${eventId}:${index}`

const isPayload = Schema.is(InboundPayload)

/** What an inbound route needs to verify a delivery: the channel's workspace and its opened secrets. */
export interface InboundChannel {
  readonly id: ChannelId
  readonly workspaceId: WorkspaceId
  readonly kind: ChannelKind
  readonly signingSecret: Redacted.Redacted<string>
  readonly verifyToken: Option.Option<Redacted.Redacted<string>>
}

/** What the reply worker needs to answer on the platform. */
export interface OutboundChannel {
  readonly id: ChannelId
  readonly kind: ChannelKind
  readonly botToken: Option.Option<Redacted.Redacted<string>>
  readonly outboundUrl: Option.Option<string>
}

export type ClaimedEvent = ClaimedRow

/**
 * Stores accepted events in the channel's workspace; answers how many were new (the rest were redeliveries), or None
 * when the channel was deleted after the lookup.
 */
export type RecordInbound = (events: ReadonlyArray<InboundEvent>) => Effect.Effect<Option.Option<number>>

export interface ChannelsShape {
  readonly create: (input: CreateChannel) => Effect.Effect<ChannelRecord, never, CurrentWorkspace>
  readonly list: Effect.Effect<ReadonlyArray<ChannelRecord>, never, CurrentWorkspace>
  readonly remove: (id: ChannelId) => Effect.Effect<void, ChannelNotFound, CurrentWorkspace>
  readonly events: (
    id: ChannelId,
    limit: number
  ) => Effect.Effect<ReadonlyArray<ChannelEvent>, ChannelNotFound, CurrentWorkspace>
  /**
   * Looks up the channel `channelId` through its capability policy (none when it does not exist or is of another
   * kind) and runs `use` with it; `record` stores events in the channel's workspace, on conflict do nothing. Lookup
   * and record are one statement each, and only the record commits anything.
   */
  readonly resolveInbound: <A, E, R>(
    channelId: ChannelId,
    kind: ChannelKind,
    use: (channel: Option.Option<InboundChannel>, record: RecordInbound) => Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E, R>
  /** For the reply worker: completes when a delivery stored new events since the last call (or at once, the first time). */
  readonly received: Effect.Effect<void>
  /** For the reply worker, at boot: events a previous process left `processing` wait again; answers how many. */
  readonly requeueAbandoned: Effect.Effect<number, never, CurrentWorkspace>
  /** For the reply worker: marks up to `limit` received events as processing and returns them, oldest first. */
  readonly claimReceived: (limit: number) => Effect.Effect<ReadonlyArray<ClaimedEvent>, never, CurrentWorkspace>
  /** Ends an event (no retry due any more); `reason` says why it did not reply, when it did not. */
  readonly finishEvent: (
    id: string,
    status: Exclude<EventStatus, "received" | "processing">,
    reason?: string
  ) => Effect.Effect<boolean, never, CurrentWorkspace>
  /**
   * For the reply worker: an attempt that did not reply; the event waits `delayMs` and is tried again, or, once it
   * has failed `maxAttempts` counted times, ends failed. Answers the status it was left in (None: it is gone).
   */
  readonly retryLater: (request: {
    readonly id: string
    readonly reason: string
    readonly delayMs: number
    readonly counted: boolean
    readonly maxAttempts: number
  }) => Effect.Effect<Option.Option<EventStatus>, never, CurrentWorkspace>
  /** For the reply worker: the reply to message `index` of the event was sent (checked before any send). */
  readonly recordReply: (id: string, index: number, text: string) => Effect.Effect<boolean, never, CurrentWorkspace>
  /** For the reply worker: the audio of message `index` of the event is stored as artifact `artifactId`. */
  readonly recordMedia: (
    id: string,
    index: number,
    artifactId: string
  ) => Effect.Effect<boolean, never, CurrentWorkspace>
  /** For the reply worker, once the gateway answers again: events waiting out a backoff are due now. */
  readonly wake: Effect.Effect<number, never, CurrentWorkspace>
  readonly outbound: (channelId: ChannelId) => Effect.Effect<Option.Option<OutboundChannel>, never, CurrentWorkspace>
}

export class Channels extends Context.Tag("carabase/Channels")<Channels, ChannelsShape>() {}

const TABLE = "webhook_channels"
const newChannelId = Schema.decodeSync(ChannelId)
const binding = (rowId: string, column: string): SecretBinding => ({ table: TABLE, column, rowId })

/**
 * Channel rows (sealed secrets, never opened ones) are kept after a lookup so a delivery does not pay a round trip
 * to read them: channels are only created and deleted through this service, and a delete forgets its entry. An entry
 * expires after a minute all the same; unknown ids are never kept. A delivery racing the delete of its channel is
 * still refused: its insert meets the foreign key, and it answers 404 with nothing stored.
 */
const LOOKUP_FOR_MS = 60_000
const LOOKUP_MAX = 1_000

export const layer = Layer.scoped(
  Channels,
  Effect.gen(function* () {
    const repo = yield* ChannelsRepo.make
    const rls = yield* RlsScope
    const secrets = yield* Crypto
    const notes = yield* Notes

    /**
     * One workspace's deliveries in one transaction: their new events, and the messages in them as logCards in the
     * day's note (one write). A note already at its size limit takes nothing: the events are stored all the same,
     * with a warning, so the delivery is not refused and redelivered forever.
     */
    const captureIn = (workspaceId: WorkspaceId, deliveries: ReadonlyArray<InboundDelivery>) =>
      rls.run(
        workspaceId,
        Effect.gen(function* () {
          const stored = yield* repo.capture(deliveries)
          const fresh = new Map(stored.map((row) => [`${row.channelId}\n${row.externalId}`, row.id]))
          const counts: Array<number> = []
          const entries: Array<{ content: string; tags: ReadonlyArray<string>; idempotencyKey: string }> = []
          const kinds = new Set<string>()
          for (const delivery of deliveries) {
            let count = 0
            for (const event of delivery.events) {
              const key = `${delivery.channelId}\n${event.externalId}`
              const id = fresh.get(key)
              if (id === undefined) continue
              fresh.delete(key)
              count++
              if (!isPayload(event.payload)) continue
              const kind = event.payload.kind
              for (const [index, message] of answerable(event.payload).entries()) {
                kinds.add(kind)
                entries.push({
                  // The note is jsonb too: NUL and unpaired surrogates become U+FFFD, as in the stored event.
                  content: toStorableText(captureText(kind, message)),
                  tags: [kind],
                  idempotencyKey: captureKey(id, index)
                })
              }
            }
            counts.push(count)
          }
          yield* notes.appendLogEntries(entries).pipe(
            Writer.as("channel", [...kinds].join(",")),
            Effect.catchTag("NoteTooLarge", (error) =>
              Effect.logWarning(`${entries.length} chat message(s) stored but not captured: ${error.message}`).pipe(
                Effect.annotateLogs("service", "Channels")
              )
            )
          )
          return counts
        })
      )

    /** The group commit's store: each workspace's deliveries in their own transaction, all at once. */
    const capture: InboundRecorder.Store = (deliveries) =>
      Effect.gen(function* () {
        const byWorkspace = new Map<string, Array<InboundDelivery>>()
        for (const delivery of deliveries) {
          const list = byWorkspace.get(delivery.workspaceId) ?? []
          list.push(delivery)
          byWorkspace.set(delivery.workspaceId, list)
        }
        const counts = new Map<InboundDelivery, number>()
        yield* Effect.forEach(
          byWorkspace,
          ([workspaceId, list]) =>
            Effect.map(captureIn(workspaceId as WorkspaceId, list), (stored) =>
              list.forEach((delivery, index) => counts.set(delivery, stored[index] ?? 0))
            ),
          { concurrency: "unbounded", discard: true }
        )
        return deliveries.map((delivery) => counts.get(delivery) ?? 0)
      })

    const record = yield* InboundRecorder.make(capture)
    const stored = yield* Queue.sliding<void>(1)
    const lookups = TtlCache.make<ChannelsRepo.InboundRow>({ ttlMs: LOOKUP_FOR_MS, max: LOOKUP_MAX })
    const lookup = (channelId: ChannelId) =>
      Effect.suspend(() => {
        const hit = lookups.get(channelId)
        if (hit !== undefined) return Effect.succeed(Option.some(hit))
        return Effect.tap(repo.lookup(channelId), (row) =>
          Option.isSome(row) ? Effect.sync(() => lookups.set(channelId, row.value)) : Effect.void
        )
      })

    const seal = (id: ChannelId, column: string, value: string | undefined) =>
      value === undefined ? Effect.succeed(null) : secrets.seal(Redacted.make(value), binding(id, column))

    // A sealed value that no longer opens means a changed master key or a tampered row: a host defect.
    const open = (id: ChannelId, column: string, sealed: Uint8Array | null) =>
      sealed === null
        ? Effect.succeed(Option.none<Redacted.Redacted<string>>())
        : Effect.map(Effect.orDie(secrets.openString(sealed, binding(id, column))), Option.some)

    const requireChannel = (id: ChannelId) =>
      Effect.flatMap(repo.exists(id), (found) => (found ? Effect.void : Effect.fail(ChannelNotFound.of(id))))

    return {
      create: (input) =>
        rls.current(
          Effect.gen(function* () {
            const id = newChannelId(crypto.randomUUID())
            const row = yield* repo.insert({
              id,
              kind: input.kind,
              name: input.name,
              signingSecretSealed: yield* secrets.seal(
                Redacted.make(input.signingSecret),
                binding(id, "signing_secret_sealed")
              ),
              verifyTokenSealed: yield* seal(id, "verify_token_sealed", input.verifyToken),
              botTokenSealed: yield* seal(id, "bot_token_sealed", input.botToken),
              outboundUrl: input.outboundUrl ?? null
            })
            return toRecord(row)
          })
        ),
      list: rls.current(Effect.map(repo.list, (rows) => rows.map(toRecord))),
      remove: (id) =>
        rls
          .current(
            Effect.flatMap(repo.remove(id), (removed) => (removed ? Effect.void : Effect.fail(ChannelNotFound.of(id))))
          )
          .pipe(Effect.ensuring(Effect.sync(() => lookups.delete(id)))),
      events: (id, limit) => rls.current(Effect.zipRight(requireChannel(id), repo.events(id, limit))),
      resolveInbound: (channelId, kind, use) =>
        Effect.gen(function* () {
          const row = yield* lookup(channelId)
          if (Option.isNone(row) || row.value.kind !== kind) {
            return yield* use(Option.none(), () => Effect.dieMessage("resolveInbound: no channel to record into"))
          }
          const found = row.value
          const signingSecret = yield* open(found.id, "signing_secret_sealed", found.signingSecretSealed)
          const channel: InboundChannel = {
            id: found.id,
            workspaceId: found.workspaceId,
            kind: found.kind,
            signingSecret: Option.getOrThrow(signingSecret),
            verifyToken: yield* open(found.id, "verify_token_sealed", found.verifyTokenSealed)
          }
          return yield* use(Option.some(channel), (events) =>
            events.length === 0
              ? Effect.succeed(Option.some(0))
              : record({ workspaceId: found.workspaceId, channelId: found.id, events }).pipe(
                  Effect.tap((count) =>
                    Option.getOrElse(count, () => 0) > 0 ? Queue.offer(stored, undefined) : Effect.void
                  )
                )
          )
        }),
      received: Queue.take(stored),
      requeueAbandoned: rls.current(repo.requeue),
      claimReceived: (limit) => rls.current(repo.claim(limit)),
      finishEvent: (id, status, reason) => rls.current(repo.setStatus(id, status, reason ?? null)),
      retryLater: (request) => rls.current(repo.retryLater(request)),
      recordReply: (id, index, text) => rls.current(repo.recordReply(id, index, text)),
      recordMedia: (id, index, artifactId) => rls.current(repo.recordMedia(id, index, artifactId)),
      wake: rls.current(repo.wake),
      outbound: (channelId) =>
        rls.current(
          Effect.gen(function* () {
            const row = yield* repo.sealed(channelId)
            if (Option.isNone(row)) return Option.none()
            const found = row.value
            return Option.some<OutboundChannel>({
              id: found.id,
              kind: found.kind,
              botToken: yield* open(found.id, "bot_token_sealed", found.botTokenSealed),
              outboundUrl: Option.fromNullable(found.outboundUrl)
            })
          })
        )
    } satisfies ChannelsShape
  })
).pipe(Layer.provide(notesLayer))
