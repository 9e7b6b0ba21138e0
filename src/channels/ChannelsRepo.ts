// The channels SQL: webhook_channels (secrets as sealed bytes) and channel_events with their reply state. Workspace
// statements run inside the caller's RLS scope; an inbound lookup is one statement on its own (sql/0010), and the
// capture of inbound events one statement of the transaction that also writes them into the note.
import { SqlError, SqlSchema } from "@effect/sql"
import { Data, Effect, Either, Option, ParseResult, Schema } from "effect"
import { AppDb } from "../platform/Db"
import { isStorableText, toStorableText } from "../schema/StorableText"
import { WorkspaceId } from "../platform/CurrentWorkspace"
import { ChannelId, ChannelKind } from "./ChannelsApi"
import { InboundPayload } from "./InboundPayload"

const ChannelRow = Schema.Struct({
  id: ChannelId,
  kind: ChannelKind,
  name: Schema.String,
  createdAt: Schema.DateTimeUtcFromDate,
  hasBotToken: Schema.Boolean,
  hasOutboundUrl: Schema.Boolean
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
  status: Schema.String,
  attempts: Schema.Int,
  nextAttemptAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  lastError: Schema.NullOr(Schema.String)
})

const ClaimedRow = Schema.Struct({
  id: Schema.UUID,
  channelId: ChannelId,
  kind: ChannelKind,
  externalId: Schema.String,
  receivedAt: Schema.DateTimeUtcFromDate,
  payload: Schema.parseJson(InboundPayload),
  attempts: Schema.Int,
  /** The replies already sent, by the position of the message they answer (see answerable). */
  replies: Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.String })),
  /** The artifacts holding the audio already fetched, by the position of its message (see answerable). */
  media: Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.String }))
})
export type ClaimedRow = typeof ClaimedRow.Type

/** An event a delivery stored for the first time (a redelivery stores nothing and is not among them). */
const StoredRow = Schema.Struct({ id: Schema.UUID, channelId: Schema.UUID, externalId: Schema.String })
export type StoredRow = typeof StoredRow.Type

export const EventStatuses = ["received", "processing", "replied", "ignored", "failed", "captured"] as const
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
/** The channel's row went away between lookup and insert (the composite foreign key of channel_events). */
const isForeignKeyViolation = (error: SqlError.SqlError) => (error.cause as { code?: string } | null)?.code === "23503"

/** Stored rows that stop decoding, or an insert that returns nothing, are host defects, not client errors. */
const orDie = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.orDie(effect)

const decodeClaimed = Schema.decodeUnknownEither(ClaimedRow)

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
      returning id, kind, name, created_at, bot_token_sealed is not null as has_bot_token,
        outbound_url is not null as has_outbound_url`
  })

  const list = SqlSchema.findAll({
    Request: Schema.Void,
    Result: ChannelRow,
    execute: () => sql`
      select id, kind, name, created_at, bot_token_sealed is not null as has_bot_token,
        outbound_url is not null as has_outbound_url
      from webhook_channels order by created_at, id`
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
      select id, external_id, received_at, status, attempts, next_attempt_at, last_error from channel_events
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
   * Stores deliveries of one workspace (the caller's RLS scope) once per (channel, external id), as one statement of
   * the caller's transaction; answers the events that are new. A delivery whose channel was deleted since its lookup
   * fails the statement with a foreign key violation (ChannelGone), and the caller's transaction stores nothing.
   */
  const captureStatement = SqlSchema.findAll({
    Request: Schema.String,
    Result: StoredRow,
    execute: (events) => sql`
      insert into channel_events (channel_id, external_id, payload, received_at)
      select (e ->> 'channel')::uuid, e ->> 'external_id', e -> 'payload', clock_timestamp()
      from jsonb_array_elements(${events}::jsonb) with ordinality as t (e, n)
      order by n
      on conflict (channel_id, external_id) do nothing
      returning id, channel_id, external_id`
  })
  const capture = (deliveries: ReadonlyArray<InboundDelivery>): Effect.Effect<ReadonlyArray<StoredRow>, ChannelGone> =>
    Effect.suspend(() =>
      captureStatement(
        JSON.stringify(
          deliveries.flatMap((d) =>
            d.events.map((e) => ({ channel: d.channelId, external_id: e.externalId, payload: e.payload }))
          ),
          storable
        )
      )
    ).pipe(
      Effect.catchIf(
        (error) => error._tag === "SqlError" && isForeignKeyViolation(error),
        () => Effect.fail(new ChannelGone())
      ),
      Effect.catchTags({ SqlError: Effect.die, ParseError: Effect.die })
    )

  const claimRows = (limit: number) => sql`
      -- The due ids are picked once, in their own CTE: as a LIMIT subquery inside the UPDATE's IN, the planner may
      -- scan it again per row and claim more than the limit.
      with due as (
        select id from channel_events
        where status = 'received' and (next_attempt_at is null or next_attempt_at <= now())
        order by received_at, id limit ${limit} for update skip locked
      ), claimed as (
        update channel_events e set status = 'processing'
        from webhook_channels c
        where c.id = e.channel_id and e.id in (select id from due)
        returning e.id, e.channel_id, c.kind, e.external_id, e.received_at, e.payload::text as payload, e.attempts,
          e.replies::text as replies, e.media::text as media
      )
      select * from claimed order by received_at, id`

  /**
   * Claims up to `limit` due events. One whose stored row does not decode (a payload of another shape) is a poison
   * event: it ends failed with the reason, and the others are claimed as usual, rather than failing every claim.
   */
  const claim = (limit: number) =>
    Effect.gen(function* () {
      const claimed: Array<ClaimedRow> = []
      for (const row of yield* claimRows(limit)) {
        const decoded = decodeClaimed(row)
        if (Either.isRight(decoded)) {
          claimed.push(decoded.right)
          continue
        }
        const issue = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)[0]
        const where = issue === undefined || issue.path.length === 0 ? "" : ` at ${issue.path.join(".")}`
        const reason = `the stored event cannot be read${where} (${issue?.message ?? "unknown shape"}), so it is not answered`
        yield* Effect.logWarning(reason).pipe(Effect.annotateLogs({ service: "Channels", event: String(row.id) }))
        yield* setStatus({ id: String(row.id), status: "failed", reason: reason.slice(0, 500) })
      }
      return claimed
    })

  /** At boot: events a previous process claimed and never finished go back to waiting (the host is their only worker). */
  const requeue = SqlSchema.findAll({
    Request: Schema.Void,
    Result: Schema.Struct({ id: Schema.UUID }),
    execute: () => sql`update channel_events set status = 'received' where status = 'processing' returning id`
  })

  /** Ends an event: no retry is due any more; `reason` (or none) says why it ended so when it did not reply. */
  const setStatus = SqlSchema.findAll({
    Request: Schema.Struct({
      id: Schema.UUID,
      status: Schema.Literal(...EventStatuses),
      reason: Schema.NullOr(Schema.String)
    }),
    Result: Schema.Struct({ id: Schema.UUID }),
    execute: ({ id, status, reason }) => sql`
      update channel_events set status = ${status}, next_attempt_at = null, last_error = ${reason}
      where id = ${id} returning id`
  })

  /**
   * A failed attempt: counted (when `counted`) and the event waits again until `delayMs` from now, or, once
   * `maxAttempts` are used up, ends failed. Answers the status it was left in.
   */
  const retryLater = SqlSchema.findAll({
    Request: Schema.Struct({
      id: Schema.UUID,
      reason: Schema.String,
      delayMs: Schema.Number,
      counted: Schema.Boolean,
      maxAttempts: Schema.Number
    }),
    Result: Schema.Struct({ status: Schema.Literal(...EventStatuses) }),
    execute: ({ id, reason, delayMs, counted, maxAttempts }) => sql`
      update channel_events set
        attempts = attempts + ${counted ? 1 : 0},
        status = case when attempts + ${counted ? 1 : 0} >= ${maxAttempts} then 'failed' else 'received' end,
        next_attempt_at = case when attempts + ${counted ? 1 : 0} >= ${maxAttempts} then null
                               else now() + make_interval(secs => ${delayMs / 1000}) end,
        last_error = ${reason}
      where id = ${id} returning status`
  })

  /**
   * Records, in its own commit and before anything else is tried, what was done for the message at `index`: the reply
   * sent to it (`replies`), or the artifact its audio was stored as (`media`).
   */
  const recordDone = (column: "replies" | "media") =>
    SqlSchema.findAll({
      Request: Schema.Struct({ id: Schema.UUID, index: Schema.Int, value: Schema.String }),
      Result: Schema.Struct({ id: Schema.UUID }),
      execute: ({ id, index, value }) => sql`
        update channel_events set ${sql(column)} = ${sql(column)} || jsonb_build_object(${String(index)}::text, ${value}::text)
        where id = ${id} returning id`
    })
  const recordReply = recordDone("replies")
  const recordMedia = recordDone("media")

  /** The gateway answered again: events waiting out a backoff are due now. Answers how many. */
  const wake = SqlSchema.findAll({
    Request: Schema.Void,
    Result: Schema.Struct({ id: Schema.UUID }),
    execute: () => sql`
      update channel_events set next_attempt_at = now()
      where status = 'received' and next_attempt_at > now() returning id`
  })

  return {
    insert: (channel: NewChannel) => orDie(insert(channel)),
    list: orDie(list(undefined)),
    remove: (id: ChannelId) => Effect.map(orDie(remove(id)), (rows) => rows.length > 0),
    exists: (id: ChannelId) => Effect.map(orDie(exists(id)), (rows) => rows.length > 0),
    events: (channelId: ChannelId, limit: number) => orDie(events({ channelId, limit })),
    sealed: (id: ChannelId) => orDie(sealed(id)),
    lookup: (channelId: ChannelId) => orDie(lookup(channelId)),
    capture,
    claim: (limit: number) => orDie(claim(limit)),
    requeue: Effect.map(orDie(requeue(undefined)), (rows) => rows.length),
    setStatus: (id: string, status: EventStatus, reason: string | null) =>
      Effect.map(orDie(setStatus({ id, status, reason })), (rows) => rows.length > 0),
    retryLater: (request: {
      readonly id: string
      readonly reason: string
      readonly delayMs: number
      readonly counted: boolean
      readonly maxAttempts: number
    }) =>
      Effect.map(orDie(retryLater(request)), (rows) =>
        rows.length === 0 ? Option.none<EventStatus>() : Option.some(rows[0]!.status)
      ),
    recordReply: (id: string, index: number, text: string) =>
      Effect.map(orDie(recordReply({ id, index, value: text })), (rows) => rows.length > 0),
    recordMedia: (id: string, index: number, artifactId: string) =>
      Effect.map(orDie(recordMedia({ id, index, value: artifactId })), (rows) => rows.length > 0),
    wake: Effect.map(orDie(wake(undefined)), (rows) => rows.length)
  }
})

export type ChannelsRepo = Effect.Effect.Success<typeof make>
