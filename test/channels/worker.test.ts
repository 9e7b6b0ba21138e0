// The Channels service in-process, on a real database as carabase_app: resolveInbound finds a channel by id alone
// and records into its workspace, and the methods the reply worker will call claim, finish and open what it needs.
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, ManagedRuntime, Option, Redacted } from "effect"
import { Channels } from "../../src/channels/Channels"
import * as ChannelsLayer from "../../src/channels/Channels"
import type { InboundEvent } from "../../src/channels/InboundPayload"
import * as Gateway from "../../src/gateway/Gateway"
import * as Crypto from "../../src/platform/Crypto"
import { appLayerFor } from "../../src/platform/Db"
import * as RlsScope from "../../src/platform/RlsScope"
import { CurrentWorkspace, type WorkspaceId } from "../../src/platform/CurrentWorkspace"
import { connect, createDatabase, type TestDatabase } from "../support/database"

let db: TestDatabase
let runtime: ManagedRuntime.ManagedRuntime<Channels, unknown>
const A = crypto.randomUUID() as WorkspaceId
const B = crypto.randomUUID() as WorkspaceId

beforeAll(async () => {
  db = await createDatabase("channels_worker")
  const owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
  await owner.end()
  const app = appLayerFor(db.appUrl, 4)
  const crypt = Layer.succeed(Crypto.Crypto, Crypto.make(Redacted.make(crypto.randomBytes(32))))
  runtime = ManagedRuntime.make(
    ChannelsLayer.layer.pipe(
      Layer.provide(RlsScope.layer),
      Layer.provide(Gateway.layer),
      Layer.provide(crypt),
      Layer.provide(app)
    ) as Layer.Layer<Channels, unknown>
  )
})

afterAll(async () => {
  await runtime?.dispose()
  await db?.drop()
})

const run = <A>(effect: Effect.Effect<A, unknown, Channels>) => runtime.runPromise(effect)
const inWorkspace = <A>(ws: WorkspaceId, effect: Effect.Effect<A, unknown, Channels | CurrentWorkspace>) =>
  run(Effect.provideService(effect, CurrentWorkspace, ws))

const message = (id: string, text: string): InboundEvent => ({
  externalId: id,
  payload: { kind: "telegram", messages: [{ conversationId: "chat", senderId: "u", text }], raw: { id } }
})

describe("Channels.resolveInbound", () => {
  it("finds a channel by id with no workspace given, opens its secrets, and records into its workspace", async () => {
    const channel = await inWorkspace(
      B,
      Effect.flatMap(Channels, (c) =>
        c.create({ kind: "telegram", name: "bot", signingSecret: "tg_secret", verifyToken: "vt", botToken: "123:bot" })
      )
    )
    const stored = await run(
      Effect.flatMap(Channels, (c) =>
        c.resolveInbound(channel.id, "telegram", (found, record) =>
          Effect.gen(function* () {
            expect(Option.isSome(found)).toBe(true)
            const value = Option.getOrThrow(found)
            expect(value.workspaceId).toBe(B)
            expect(Redacted.value(value.signingSecret)).toBe("tg_secret")
            expect(Option.map(value.verifyToken, Redacted.value)).toEqual(Option.some("vt"))
            return yield* record([message("1", "one"), message("2", "two"), message("1", "dup in batch")])
          })
        )
      )
    )
    expect(stored).toEqual(Option.some(2))
    const again = await run(
      Effect.flatMap(Channels, (c) =>
        c.resolveInbound(channel.id, "telegram", (_found, record) => record([message("2", "again")]))
      )
    )
    expect(again).toEqual(Option.some(0))
    const owner = await connect(db.ownerUrl)
    const { rows } = await owner.query(
      "select workspace_id, external_id from channel_events where channel_id = $1 order by external_id",
      [channel.id]
    )
    await owner.end()
    expect(rows).toEqual([
      { workspace_id: B, external_id: "1" },
      { workspace_id: B, external_id: "2" }
    ])
  })

  it("stores nothing, and says so, when the channel is deleted between its lookup and the record", async () => {
    const channel = await inWorkspace(
      A,
      Effect.flatMap(Channels, (c) => c.create({ kind: "telegram", name: "gone", signingSecret: "tg_gone" }))
    )
    const stored = await run(
      Effect.flatMap(Channels, (c) =>
        c.resolveInbound(channel.id, "telegram", (found, record) =>
          Effect.gen(function* () {
            expect(Option.isSome(found)).toBe(true)
            yield* Effect.provideService(c.remove(channel.id), CurrentWorkspace, A)
            return yield* record([message("9", "late")])
          })
        )
      )
    )
    expect(stored).toEqual(Option.none())
    const owner = await connect(db.ownerUrl)
    const { rows } = await owner.query("select count(*)::int as n from channel_events where channel_id = $1", [
      channel.id
    ])
    await owner.end()
    expect(rows[0].n).toBe(0)
  })

  it("stores concurrent deliveries, committed together, and a deleted channel fails only its own", async () => {
    const C = crypto.randomUUID() as WorkspaceId
    const setup = await connect(db.ownerUrl)
    await setup.query("insert into workspaces (id, name) values ($1, 'C')", [C])
    await setup.end()
    const [keep, gone] = await inWorkspace(
      C,
      Effect.flatMap(Channels, (c) =>
        Effect.all([
          c.create({ kind: "telegram", name: "keep", signingSecret: "tg_keep" }),
          c.create({ kind: "telegram", name: "gone", signingSecret: "tg_gone2" })
        ])
      )
    )
    const [recordKeep, recordGone] = await run(
      Effect.flatMap(Channels, (c) =>
        Effect.all(
          [keep!, gone!].map((ch) => c.resolveInbound(ch.id, "telegram", (_f, record) => Effect.succeed(record)))
        )
      )
    )
    await inWorkspace(
      C,
      Effect.flatMap(Channels, (c) => c.remove(gone!.id))
    )
    const results = await run(
      Effect.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? recordKeep! : recordGone!)([message(`m${i}`, `n${i}`)])),
        { concurrency: "unbounded" }
      )
    )
    expect(results.filter((_, i) => i % 2 === 0)).toEqual(Array.from({ length: 20 }, () => Option.some(1)))
    expect(results.filter((_, i) => i % 2 === 1)).toEqual(Array.from({ length: 20 }, () => Option.none()))
    const owner = await connect(db.ownerUrl)
    const { rows } = await owner.query(
      "select channel_id, count(*)::int as n from channel_events where channel_id = any($1) group by channel_id",
      [[keep!.id, gone!.id]]
    )
    await owner.end()
    expect(rows).toEqual([{ channel_id: keep!.id, n: 20 }])
  })

  it("finds nothing for an unknown id or a channel of another kind", async () => {
    const channel = await inWorkspace(
      A,
      Effect.flatMap(Channels, (c) => c.create({ kind: "slack", name: "s", signingSecret: "x" }))
    )
    for (const [id, kind] of [
      [crypto.randomUUID(), "slack"],
      [channel.id, "telegram"]
    ] as const) {
      const found = await run(
        Effect.flatMap(Channels, (c) => c.resolveInbound(id, kind, (f) => Effect.succeed(Option.isSome(f))))
      )
      expect(found).toBe(false)
    }
  })
})

describe("the reply worker's methods", () => {
  it("claims received events oldest first, once, only in its own workspace, and finishes them", async () => {
    const channel = await inWorkspace(
      A,
      Effect.flatMap(Channels, (c) =>
        c.create({
          kind: "telegram",
          name: "w",
          signingSecret: "s",
          botToken: "777:token",
          outboundUrl: "https://api.telegram.org"
        })
      )
    )
    await run(
      Effect.flatMap(Channels, (c) =>
        c.resolveInbound(channel.id, "telegram", (_f, record) =>
          Effect.forEach(["a", "b", "c"], (id) => record([message(`w-${id}`, id)]))
        )
      )
    )
    expect(
      await inWorkspace(
        B,
        Effect.flatMap(Channels, (c) => c.claimReceived(10))
      )
    ).toEqual(expect.not.arrayContaining([expect.objectContaining({ channelId: channel.id })]))
    const first = await inWorkspace(
      A,
      Effect.flatMap(Channels, (c) => c.claimReceived(2))
    )
    expect(first.map((e) => e.externalId)).toEqual(["w-a", "w-b"])
    expect(first[0]!.payload.messages[0]!.text).toBe("a")
    expect(first[0]!.kind).toBe("telegram")
    const second = await inWorkspace(
      A,
      Effect.flatMap(Channels, (c) => c.claimReceived(10))
    )
    expect(second.map((e) => e.externalId)).toEqual(["w-c"])
    expect(
      await inWorkspace(
        A,
        Effect.flatMap(Channels, (c) => c.finishEvent(first[0]!.id, "replied"))
      )
    ).toBe(true)
    expect(
      await inWorkspace(
        B,
        Effect.flatMap(Channels, (c) => c.finishEvent(first[1]!.id, "replied"))
      )
    ).toBe(false)
    const events = await inWorkspace(
      A,
      Effect.flatMap(Channels, (c) => c.events(channel.id, 10))
    )
    expect(Object.fromEntries(events.map((e) => [e.externalId, e.status]))).toEqual({
      "w-a": "replied",
      "w-b": "processing",
      "w-c": "processing"
    })
  })

  it("keeps a failed reply's retry state: not due before its time, due once woken, failed at the cap", async () => {
    const channel = await inWorkspace(
      A,
      Effect.flatMap(Channels, (c) =>
        c.create({ kind: "telegram", name: "retry", signingSecret: "r", botToken: "888:token" })
      )
    )
    await run(
      Effect.flatMap(Channels, (c) =>
        c.resolveInbound(channel.id, "telegram", (_f, record) => record([message("r-1", "one"), message("r-2", "two")]))
      )
    )
    const inA = <X>(f: (c: Effect.Effect.Success<typeof Channels>) => Effect.Effect<X, unknown, CurrentWorkspace>) =>
      inWorkspace(A, Effect.flatMap(Channels, f))
    const claimMine = () =>
      inA((c) => c.claimReceived(10)).then((claimed) => claimed.filter((e) => e.channelId === channel.id))
    const [event, other] = await claimMine()
    expect([event!.externalId, other!.externalId]).toEqual(["r-1", "r-2"])
    expect(await inA((c) => c.finishEvent(other!.id, "replied"))).toBe(true)
    expect(event!.attempts).toBe(0)
    expect(event!.replies).toEqual({})
    expect(await inA((c) => c.recordReply(event!.id, 0, "sent once"))).toBe(true)
    const retry = { id: event!.id, reason: "gateway unreachable", delayMs: 60_000, counted: true, maxAttempts: 2 }
    expect(await inA((c) => c.retryLater(retry))).toEqual(Option.some("received"))
    // Waiting out its backoff: not claimed, and the events route shows why and until when.
    expect(await claimMine()).toEqual([])
    const [waiting] = (await inA((c) => c.events(channel.id, 10))).filter((e) => e.externalId === "r-1")
    expect(waiting).toMatchObject({ status: "received", attempts: 1, lastError: "gateway unreachable" })
    expect(waiting!.nextAttemptAt).not.toBeNull()
    // The gateway is back: due at once, with the reply already sent on record.
    expect(await inA((c) => c.wake)).toBeGreaterThanOrEqual(1)
    const [again] = await claimMine()
    expect(again).toMatchObject({ externalId: "r-1", attempts: 1, replies: { "0": "sent once" } })
    // The second counted failure reaches the cap of 2: failed, nothing more due.
    expect(await inA((c) => c.retryLater(retry))).toEqual(Option.some("failed"))
    const [failed] = (await inA((c) => c.events(channel.id, 10))).filter((e) => e.externalId === "r-1")
    expect(failed).toMatchObject({ status: "failed", attempts: 2, nextAttemptAt: null })
    expect(await claimMine()).toEqual([])
  })

  it("opens the outbound credentials for its own workspace only", async () => {
    const channel = await inWorkspace(
      A,
      Effect.flatMap(Channels, (c) =>
        c.create({
          kind: "matrix",
          name: "m",
          signingSecret: "hs",
          botToken: "as_token",
          outboundUrl: "https://hs.example"
        })
      )
    )
    const mine = await inWorkspace(
      A,
      Effect.flatMap(Channels, (c) => c.outbound(channel.id))
    )
    expect(Option.map(mine, (o) => [o.kind, Option.map(o.botToken, Redacted.value), o.outboundUrl])).toEqual(
      Option.some(["matrix", Option.some("as_token"), Option.some("https://hs.example")])
    )
    expect(
      Option.isNone(
        await inWorkspace(
          B,
          Effect.flatMap(Channels, (c) => c.outbound(channel.id))
        )
      )
    ).toBe(true)
  })
})
