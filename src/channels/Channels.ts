// Webhook channels: each is one chat platform endpoint of a workspace, with its secrets sealed bound to their row.
// Workspace routes manage them inside the RLS scope; inbound deliveries, which carry no workspace, find their channel
// through resolveInbound (the channel_lookup policy) and then store their events in its workspace.
import * as crypto from "node:crypto"
import { Context, Effect, Layer, Option, Queue, Redacted, Schema } from "effect"
import { Crypto, type SecretBinding } from "../platform/Crypto"
import { RlsScope } from "../platform/RlsScope"
import * as TtlCache from "../platform/TtlCache"
import type { CurrentWorkspace, WorkspaceId } from "../platform/CurrentWorkspace"
import { ChannelId, ChannelNotFound, type ChannelEvent, type ChannelKind, type CreateChannel } from "./ChannelsApi"
import * as ChannelsRepo from "./ChannelsRepo"
import * as InboundRecorder from "./InboundRecorder"
import type { ClaimedRow, EventStatus } from "./ChannelsRepo"
import type { InboundEvent } from "./InboundPayload"

/** A channel as the owner sees it; the HTTP face adds its webhook URL. */
export interface ChannelRecord {
  readonly id: ChannelId
  readonly kind: ChannelKind
  readonly name: string
  readonly createdAt: ChannelsRepo.ChannelRow["createdAt"]
}

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
  readonly finishEvent: (
    id: string,
    status: Exclude<EventStatus, "received">
  ) => Effect.Effect<boolean, never, CurrentWorkspace>
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
    const record = yield* InboundRecorder.make(repo.record)
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
            return yield* repo.insert({
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
          })
        ),
      list: rls.current(repo.list),
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
      finishEvent: (id, status) => rls.current(repo.setStatus(id, status)),
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
)
