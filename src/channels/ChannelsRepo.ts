// The channels SQL: webhook_channels (secrets as sealed bytes) and channel_events. Workspace statements run inside
// the caller's RLS scope; the inbound ones inside the lookup transaction of Channels.inbound.
import { SqlError, SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"
import { AppDb } from "../platform/Db"
import { ChannelKind } from "./ChannelsApi"
import { InboundPayload } from "./InboundPayload"

const ChannelRow = Schema.Struct({
  id: Schema.UUID,
  kind: ChannelKind,
  name: Schema.String,
  createdAt: Schema.DateTimeUtcFromDate
})
export type ChannelRow = typeof ChannelRow.Type

const SealedRow = Schema.Struct({
  id: Schema.UUID,
  workspaceId: Schema.UUID,
  kind: ChannelKind,
  signingSecretSealed: Schema.Uint8ArrayFromSelf,
  verifyTokenSealed: Schema.NullOr(Schema.Uint8ArrayFromSelf),
  botTokenSealed: Schema.NullOr(Schema.Uint8ArrayFromSelf),
  outboundUrl: Schema.NullOr(Schema.String)
})
export type SealedRow = typeof SealedRow.Type

const EventRow = Schema.Struct({
  id: Schema.UUID,
  externalId: Schema.String,
  receivedAt: Schema.DateTimeUtcFromDate,
  status: Schema.String
})

const ClaimedRow = Schema.Struct({
  id: Schema.UUID,
  channelId: Schema.UUID,
  kind: ChannelKind,
  externalId: Schema.String,
  receivedAt: Schema.DateTimeUtcFromDate,
  payload: Schema.parseJson(InboundPayload)
})
export type ClaimedRow = typeof ClaimedRow.Type

export const EventStatuses = ["received", "processing", "replied", "ignored", "failed"] as const
export type EventStatus = (typeof EventStatuses)[number]

export interface NewChannel {
  readonly id: string
  readonly kind: ChannelKind
  readonly name: string
  readonly signingSecretSealed: Uint8Array
  readonly verifyTokenSealed: Uint8Array | null
  readonly botTokenSealed: Uint8Array | null
  readonly outboundUrl: string | null
}

/** jsonb refuses the NUL character; a signed delivery carrying one is still stored, with U+FFFD in its place. */
const toJsonb = (events: ReadonlyArray<{ externalId: string; payload: unknown }>) =>
  JSON.stringify(
    events.map((e) => ({ external_id: e.externalId, payload: e.payload })),
    (_key, value: unknown) => (typeof value === "string" ? value.replaceAll("\u0000", "\ufffd") : value)
  )

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
    Request: Schema.UUID,
    Result: Schema.Struct({ id: Schema.UUID }),
    execute: (id) => sql`delete from webhook_channels where id = ${id} returning id`
  })

  const exists = SqlSchema.findAll({
    Request: Schema.UUID,
    Result: Schema.Struct({ id: Schema.UUID }),
    execute: (id) => sql`select id from webhook_channels where id = ${id}`
  })

  const events = SqlSchema.findAll({
    Request: Schema.Struct({ channelId: Schema.UUID, limit: Schema.Number }),
    Result: EventRow,
    execute: ({ channelId, limit }) => sql`
      select id, external_id, received_at, status from channel_events
      where channel_id = ${channelId}
      order by received_at desc, id desc
      limit ${limit}`
  })

  const sealed = SqlSchema.findOne({
    Request: Schema.UUID,
    Result: SealedRow,
    execute: (id) => sql`
      select id, workspace_id, kind, signing_secret_sealed, verify_token_sealed, bot_token_sealed, outbound_url
      from webhook_channels where id = ${id}`
  })

  /** Inside the inbound transaction: only the channel named by app.channel_id is visible (policy channel_lookup). */
  const lookup = (channelId: string) =>
    sql`select set_config('app.channel_id', ${channelId}, true)`.pipe(Effect.zipRight(sealed(channelId)), orDie)

  /** Switches the inbound transaction to the channel's workspace and stores what is new; returns how many were. */
  const record = (
    workspaceId: string,
    channelId: string,
    events: ReadonlyArray<{ externalId: string; payload: unknown }>
  ) =>
    Effect.gen(function* () {
      yield* sql`select set_config('app.workspace_id', ${workspaceId}, true)`
      if (events.length === 0) return 0
      const rows = yield* sql<{ id: string }>`
        insert into channel_events (channel_id, external_id, payload, received_at)
        select ${channelId}::uuid, e.external_id, e.payload, clock_timestamp()
        from jsonb_to_recordset(${toJsonb(events)}::jsonb)
          as e(external_id text, payload jsonb)
        on conflict (channel_id, external_id) do nothing
        returning id`
      return rows.length
    }).pipe(orDie)

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

  const setStatus = SqlSchema.findAll({
    Request: Schema.Struct({ id: Schema.UUID, status: Schema.Literal(...EventStatuses) }),
    Result: Schema.Struct({ id: Schema.UUID }),
    execute: ({ id, status }) => sql`update channel_events set status = ${status} where id = ${id} returning id`
  })

  return {
    insert: (channel: NewChannel) => orDie(insert(channel)),
    list: orDie(list(undefined)),
    remove: (id: string) => Effect.map(orDie(remove(id)), (rows) => rows.length > 0),
    exists: (id: string) => Effect.map(orDie(exists(id)), (rows) => rows.length > 0),
    events: (channelId: string, limit: number) => orDie(events({ channelId, limit })),
    sealed: (id: string) => orDie(sealed(id)),
    lookup,
    record,
    claim: (limit: number) => orDie(claim(limit)),
    setStatus: (id: string, status: EventStatus) =>
      Effect.map(orDie(setStatus({ id, status })), (rows) => rows.length > 0),
    transaction: <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      sql
        .withTransaction(effect)
        .pipe(
          Effect.catchIf((error): error is SqlError.SqlError => error instanceof SqlError.SqlError, Effect.die)
        ) as Effect.Effect<A, E, R>
  }
})

export type ChannelsRepo = Effect.Effect.Success<typeof make>
