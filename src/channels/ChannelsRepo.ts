// The channels SQL: webhook_channels (secrets as sealed bytes) and channel_events. Workspace statements run inside
// the caller's RLS scope; the inbound ones are two statements (sql/0010) that run on their own.
import { SqlError, SqlSchema } from "@effect/sql"
import { Data, Effect, Option, Schema } from "effect"
import { AppDb } from "../platform/Db"
import { isStorableText, toStorableText } from "../schema/StorableText"
import { WorkspaceId } from "../platform/CurrentWorkspace"
import { ChannelId, ChannelKind } from "./ChannelsApi"
import { InboundPayload } from "./InboundPayload"

const ChannelRow = Schema.Struct({
  id: ChannelId,
  kind: ChannelKind,
  name: Schema.String,
  createdAt: Schema.DateTimeUtcFromDate
})
export type ChannelRow = typeof ChannelRow.Type

const SealedRow = Schema.Struct({
  id: ChannelId,
  workspaceId: WorkspaceId,
  kind: ChannelKind,
  signingSecretSealed: Schema.Uint8ArrayFromSelf,
  verifyTokenSealed: Schema.NullOr(Schema.Uint8ArrayFromSelf),
  botTokenSealed: Schema.NullOr(Schema.Uint8ArrayFromSelf),
  outboundUrl: Schema.NullOr(Schema.String)
})
export type SealedRow = typeof SealedRow.Type

export const InboundRow = Schema.Struct({
  id: ChannelId,
  workspaceId: WorkspaceId,
  kind: ChannelKind,
  signingSecretSealed: Schema.Uint8ArrayFromSelf,
  verifyTokenSealed: Schema.NullOr(Schema.Uint8ArrayFromSelf)
})

export type InboundRow = typeof InboundRow.Type

const EventRow = Schema.Struct({
  id: Schema.UUID,
  externalId: Schema.String,
  receivedAt: Schema.DateTimeUtcFromDate,
  status: Schema.String
})

const ClaimedRow = Schema.Struct({
  id: Schema.UUID,
  channelId: ChannelId,
  kind: ChannelKind,
  externalId: Schema.String,
  receivedAt: Schema.DateTimeUtcFromDate,
  payload: Schema.parseJson(InboundPayload)
})
export type ClaimedRow = typeof ClaimedRow.Type

export const EventStatuses = ["received", "processing", "replied", "ignored", "failed"] as const
export type EventStatus = (typeof EventStatuses)[number]

export interface NewChannel {
  readonly id: ChannelId
  readonly kind: ChannelKind
  readonly name: string
  readonly signingSecretSealed: Uint8Array
  readonly verifyTokenSealed: Uint8Array | null
  readonly botTokenSealed: Uint8Array | null
  readonly outboundUrl: string | null
}

/** A verified delivery to store: its channel, that channel's workspace, and the events in it. */
export interface InboundDelivery {
  readonly workspaceId: string
  readonly channelId: string
  readonly events: ReadonlyArray<{ readonly externalId: string; readonly payload: unknown }>
}

/** The channel of a delivery was deleted between its lookup and its record. */
export class ChannelGone extends Data.TaggedError("ChannelGone") {}

/**
 * jsonb refuses the NUL character and unpaired UTF-16 surrogates (which JSON can spell, `"\ud800"`); a signed delivery
 * carrying one, in a value or a key, is still stored, with U+FFFD in its place.
 */
const storable = (_key: string, value: unknown) => {
  if (typeof value === "string") return toStorableText(value)
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value
  const keys = Object.keys(value)
  return keys.every(isStorableText)
    ? value
    : Object.fromEntries(keys.map((key) => [toStorableText(key), (value as Record<string, unknown>)[key]]))
}
const batchJsonb = (deliveries: ReadonlyArray<InboundDelivery>) =>
  JSON.stringify(
    deliveries.map((d) => ({
      channel: d.channelId,
      workspace: d.workspaceId,
      events: d.events.map((e) => ({ external_id: e.externalId, payload: e.payload }))
    })),
    storable
  )

/** The channel's row went away between lookup and insert (the composite foreign key of channel_events). */
const isForeignKeyViolation = (error: SqlError.SqlError) => (error.cause as { code?: string } | null)?.code === "23503"

/** Stored rows that stop decoding, or an insert that returns nothing, are host defects, not client errors. */
const orDie = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.orDie(effect)

export const make = Effect.gen(function* () {
  const sql = yield* AppDb

  const insert = SqlSchema.single({
    Request: Schema.Any as Schema.Schema<NewChannel>,
    Result: ChannelRow,
    execute: (c) => sql`
      insert into webhook_channels
        (id, kind, name, signing_secret_sealed, verify_token_sealed, bot_token_sealed, outbound_url)
      values (${c.id}, ${c.kind}, ${c.name}, ${c.signingSecretSealed}, ${c.verifyTokenSealed}, ${c.botTokenSealed},
              ${c.outboundUrl})
      returning id, kind, name, created_at`
  })

  const list = SqlSchema.findAll({
    Request: Schema.Void,
    Result: ChannelRow,
    execute: () => sql`select id, kind, name, created_at from webhook_channels order by created_at, id`
  })

  const remove = SqlSchema.findAll({
    Request: ChannelId,
    Result: Schema.Struct({ id: ChannelId }),
    execute: (id) => sql`delete from webhook_channels where id = ${id} returning id`
  })

  const exists = SqlSchema.findAll({
    Request: ChannelId,
    Result: Schema.Struct({ id: ChannelId }),
    execute: (id) => sql`select id from webhook_channels where id = ${id}`
  })

  const events = SqlSchema.findAll({
    Request: Schema.Struct({ channelId: ChannelId, limit: Schema.Number }),
    Result: EventRow,
    execute: ({ channelId, limit }) => sql`
      select id, external_id, received_at, status from channel_events
      where channel_id = ${channelId}
      order by received_at desc, id desc
      limit ${limit}`
  })

  const sealed = SqlSchema.findOne({
    Request: ChannelId,
    Result: SealedRow,
    execute: (id) => sql`
      select id, workspace_id, kind, signing_secret_sealed, verify_token_sealed, bot_token_sealed, outbound_url
      from webhook_channels where id = ${id}`
  })

  /** The channel an inbound delivery names, read through the channel_lookup policy (sql/0010). Nothing to commit. */
  const lookup = SqlSchema.findOne({
    Request: ChannelId,
    Result: InboundRow,
    execute: (id) => sql`
      select id, workspace_id, kind, signing_secret_sealed, verify_token_sealed from carabase_inbound_channel(${id})`
  })

  /**
   * Stores verified deliveries, each in its channel's workspace and once per external id, in one statement and one
   * commit (sql/0010); answers each delivery's count of new events, in order. A delivery whose channel was deleted
   * since its lookup fails the statement with a foreign key violation (ChannelGone), and nothing of it is stored.
   */
  const recordBatch = SqlSchema.findOne({
    Request: Schema.String,
    Result: Schema.Struct({ stored: Schema.NullOr(Schema.Array(Schema.Int)) }),
    execute: (batch) => sql`select carabase_record_inbound_batch(${batch}::jsonb) as stored`
  })
  const record = (deliveries: ReadonlyArray<InboundDelivery>): Effect.Effect<ReadonlyArray<number>, ChannelGone> =>
    // Inside the effect: a payload JSON.stringify cannot take is a defect of this call, not a throw at its caller.
    Effect.suspend(() => recordBatch(batchJsonb(deliveries))).pipe(
      Effect.map((row) => Option.flatMapNullable(row, (found) => found.stored).pipe(Option.getOrElse(() => []))),
      Effect.catchIf(
        (error) => error._tag === "SqlError" && isForeignKeyViolation(error),
        () => Effect.fail(new ChannelGone())
      ),
      Effect.catchTags({ SqlError: Effect.die, ParseError: Effect.die })
    )

  const claim = SqlSchema.findAll({
    Request: Schema.Number,
    Result: ClaimedRow,
    execute: (limit) => sql`
      with claimed as (
        update channel_events e set status = 'processing'
        from webhook_channels c
        where c.id = e.channel_id
          and e.id in (select id from channel_events where status = 'received'
                       order by received_at, id limit ${limit} for update skip locked)
        returning e.id, e.channel_id, c.kind, e.external_id, e.received_at, e.payload::text as payload
      )
      select * from claimed order by received_at, id`
  })

  /** At boot: events a previous process claimed and never finished go back to waiting (the host is their only worker). */
  const requeue = SqlSchema.findAll({
    Request: Schema.Void,
    Result: Schema.Struct({ id: Schema.UUID }),
    execute: () => sql`update channel_events set status = 'received' where status = 'processing' returning id`
  })

  const setStatus = SqlSchema.findAll({
    Request: Schema.Struct({ id: Schema.UUID, status: Schema.Literal(...EventStatuses) }),
    Result: Schema.Struct({ id: Schema.UUID }),
    execute: ({ id, status }) => sql`update channel_events set status = ${status} where id = ${id} returning id`
  })

  return {
    insert: (channel: NewChannel) => orDie(insert(channel)),
    list: orDie(list(undefined)),
    remove: (id: ChannelId) => Effect.map(orDie(remove(id)), (rows) => rows.length > 0),
    exists: (id: ChannelId) => Effect.map(orDie(exists(id)), (rows) => rows.length > 0),
    events: (channelId: ChannelId, limit: number) => orDie(events({ channelId, limit })),
    sealed: (id: ChannelId) => orDie(sealed(id)),
    lookup: (channelId: ChannelId) => orDie(lookup(channelId)),
    record,
    claim: (limit: number) => orDie(claim(limit)),
    requeue: Effect.map(orDie(requeue(undefined)), (rows) => rows.length),
    setStatus: (id: string, status: EventStatus) =>
      Effect.map(orDie(setStatus({ id, status })), (rows) => rows.length > 0)
  }
})

export type ChannelsRepo = Effect.Effect.Success<typeof make>
