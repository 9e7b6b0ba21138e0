// The channel_lookup policy (sql/0008): knowing a channel's id lets a transaction that sets app.channel_id read that
// one webhook_channels row, and nothing more: no other row of its workspace, none of its events, no writes.
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type pg from "pg"
import { connect, createDatabase, type TestDatabase } from "../support/database"

let db: TestDatabase
let owner: pg.Client
const A = crypto.randomUUID()
const B = crypto.randomUUID()
const channelA = crypto.randomUUID()
const channelB1 = crypto.randomUUID()
const channelB2 = crypto.randomUUID()

beforeAll(async () => {
  db = await createDatabase("channel_lookup")
  owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
  const insert =
    "insert into webhook_channels (id, workspace_id, kind, name, signing_secret_sealed) values ($1, $2, 'slack', $3, $4)"
  await owner.query(insert, [channelA, A, "a", crypto.randomBytes(40)])
  await owner.query(insert, [channelB1, B, "b1", crypto.randomBytes(40)])
  await owner.query(insert, [channelB2, B, "b2", crypto.randomBytes(40)])
  await owner.query(
    "insert into channel_events (workspace_id, channel_id, external_id) values ($1, $2, 'evB1'), ($3, $4, 'evA')",
    [B, channelB1, A, channelA]
  )
})

afterAll(async () => {
  await owner?.end()
  await db?.drop()
})

/** A transaction as carabase_app (logged in as it), with the given settings, always rolled back. */
const asApp = async <T>(
  settings: { workspace?: string; channel?: string },
  body: (client: pg.Client) => Promise<T>
) => {
  const client = await connect(db.appUrl)
  try {
    await client.query("begin")
    if (settings.workspace !== undefined)
      await client.query("select set_config('app.workspace_id', $1, true)", [settings.workspace])
    if (settings.channel !== undefined)
      await client.query("select set_config('app.channel_id', $1, true)", [settings.channel])
    return await body(client)
  } finally {
    await client.query("rollback").catch(() => undefined)
    await client.end()
  }
}

const ids = async (client: pg.Client, sql: string, params: Array<unknown> = []) =>
  (await client.query<{ id: string }>(sql, params)).rows.map((row) => row.id).sort()

describe("the channel lookup policy", () => {
  it("with workspace A and app.channel_id naming a channel of B, shows A's rows plus that one row of B", async () => {
    await asApp({ workspace: A, channel: channelB1 }, async (client) => {
      expect(await ids(client, "select id from webhook_channels")).toEqual([channelA, channelB1].sort())
      expect(await ids(client, "select id from webhook_channels where workspace_id = $1", [B])).toEqual([channelB1])
      expect(await ids(client, "select id from webhook_channels where id = $1", [channelB2])).toEqual([])
    })
  })

  it("with only app.channel_id set, shows exactly that row, with the workspace it belongs to", async () => {
    await asApp({ channel: channelB1 }, async (client) => {
      const { rows } = await client.query("select id, workspace_id from webhook_channels")
      expect(rows).toEqual([{ id: channelB1, workspace_id: B }])
    })
  })

  it("shows nothing for an id that is no channel, and nothing once the transaction has ended", async () => {
    await asApp({ channel: crypto.randomUUID() }, async (client) => {
      expect(await ids(client, "select id from webhook_channels")).toEqual([])
    })
    const client = await connect(db.appUrl)
    try {
      await client.query("begin")
      await client.query("select set_config('app.channel_id', $1, true)", [channelB1])
      expect(await ids(client, "select id from webhook_channels")).toEqual([channelB1])
      await client.query("commit")
      expect(await ids(client, "select id from webhook_channels")).toEqual([])
    } finally {
      await client.end()
    }
  })

  it("does not open the channel's events: channel_events of B stay invisible", async () => {
    await asApp({ workspace: A, channel: channelB1 }, async (client) => {
      const { rows } = await client.query("select external_id from channel_events")
      expect(rows).toEqual([{ external_id: "evA" }])
    })
    await asApp({ channel: channelB1 }, async (client) => {
      expect((await client.query("select count(*)::int as n from channel_events")).rows[0].n).toBe(0)
    })
  })

  it("grants no UPDATE or DELETE of the looked-up row, from A or from no workspace", async () => {
    for (const settings of [{ workspace: A, channel: channelB1 }, { channel: channelB1 }]) {
      await asApp(settings, async (client) => {
        expect(
          (await client.query("update webhook_channels set name = 'pwned' where id = $1", [channelB1])).rowCount
        ).toBe(0)
        expect((await client.query("update webhook_channels set name = 'pwned'")).rowCount).toBe(
          settings.workspace === A ? 1 : 0
        )
        expect((await client.query("delete from webhook_channels where id = $1", [channelB1])).rowCount).toBe(0)
        expect((await client.query("delete from webhook_channels where workspace_id = $1", [B])).rowCount).toBe(0)
      })
    }
    const { rows } = await owner.query("select name from webhook_channels where workspace_id = $1 order by name", [B])
    expect(rows).toEqual([{ name: "b1" }, { name: "b2" }])
  })

  it("cannot store an event into B while the transaction is in A", async () => {
    await asApp({ workspace: A, channel: channelB1 }, async (client) => {
      await expect(
        client.query("insert into channel_events (workspace_id, channel_id, external_id) values ($1, $2, 'forged')", [
          B,
          channelB1
        ])
      ).rejects.toMatchObject({ code: "42501" })
    })
  })

  it("cannot insert a channel into B or move the looked-up row", async () => {
    await asApp({ workspace: A, channel: channelB1 }, async (client) => {
      await expect(
        client.query(
          "insert into webhook_channels (workspace_id, kind, name, signing_secret_sealed) values ($1, 'slack', 'x', '\\x00')",
          [B]
        )
      ).rejects.toMatchObject({ code: "42501" })
    })
    await asApp({ workspace: A, channel: channelB1 }, async (client) => {
      expect(
        (await client.query("update webhook_channels set workspace_id = $1 where id = $2", [A, channelB1])).rowCount
      ).toBe(0)
    })
  })

  it("is a SELECT-only permissive policy, next to the untouched isolation policy", async () => {
    const { rows } = await owner.query(
      "select policyname, cmd, permissive from pg_policies where tablename = 'webhook_channels' order by policyname"
    )
    expect(rows).toEqual([
      { policyname: "channel_lookup", cmd: "SELECT", permissive: "PERMISSIVE" },
      { policyname: "workspace_isolation", cmd: "ALL", permissive: "PERMISSIVE" }
    ])
  })
})

describe("the inbound functions (sql/0010), called as carabase_app", () => {
  it("carabase_inbound_channel returns exactly the named channel, and leaves no setting behind", async () => {
    await asApp({}, async (client) => {
      const { rows } = await client.query("select id, workspace_id from carabase_inbound_channel($1)", [channelB1])
      expect(rows).toEqual([{ id: channelB1, workspace_id: B }])
      expect((await client.query("select * from carabase_inbound_channel($1)", [crypto.randomUUID()])).rows).toEqual([])
      expect(await ids(client, "select id from webhook_channels")).toEqual([])
    })
  })

  it("inside workspace A's scope, a lookup of B's channel neither widens nor ends A's scope", async () => {
    await asApp({ workspace: A, channel: channelA }, async (client) => {
      await client.query("select * from carabase_inbound_channel($1)", [channelB1])
      expect(await ids(client, "select id from webhook_channels")).toEqual([channelA])
      const { rows } = await client.query("select current_setting('app.workspace_id', true) as ws")
      expect(rows).toEqual([{ ws: A }])
    })
  })

  it("carabase_record_inbound stores once per external id, in the channel's own workspace only", async () => {
    const events = JSON.stringify([
      { external_id: "fn1", payload: { n: 1 } },
      { external_id: "fn1", payload: { n: 2 } }
    ])
    await asApp({}, async (client) => {
      const stored = await client.query("select carabase_record_inbound($1, $2, $3::jsonb) as n", [
        channelB2,
        B,
        events
      ])
      expect(stored.rows).toEqual([{ n: 1 }])
      const again = await client.query("select carabase_record_inbound($1, $2, $3::jsonb) as n", [channelB2, B, events])
      expect(again.rows).toEqual([{ n: 0 }])
      // Naming workspace A for B's channel is refused by the composite foreign key, not stored under A.
      await expect(
        client.query("select carabase_record_inbound($1, $2, $3::jsonb)", [
          channelB2,
          A,
          JSON.stringify([{ external_id: "forged", payload: {} }])
        ])
      ).rejects.toMatchObject({ code: "23503" })
    })
  })

  it("inside workspace A's scope, a record into B puts A's scope back afterwards", async () => {
    await asApp({ workspace: A }, async (client) => {
      await client.query("select carabase_record_inbound($1, $2, $3::jsonb)", [
        channelB1,
        B,
        JSON.stringify([{ external_id: "scoped", payload: {} }])
      ])
      const { rows } = await client.query("select external_id from channel_events order by external_id")
      expect(rows).toEqual([{ external_id: "evA" }])
    })
  })

  it("carabase_record_inbound_batch stores each delivery in its own channel's workspace, all or nothing", async () => {
    const batch = (workspaceOfB2: string) =>
      JSON.stringify([
        { channel: channelA, workspace: A, events: [{ external_id: "batch-a", payload: {} }] },
        { channel: channelB2, workspace: workspaceOfB2, events: [{ external_id: "batch-b", payload: {} }] },
        { channel: channelA, workspace: A, events: [{ external_id: "batch-a", payload: {} }] }
      ])
    await asApp({}, async (client) => {
      // B2 claimed for workspace A: the foreign key refuses it, and the statement stores nothing of the batch.
      await expect(
        client.query("select carabase_record_inbound_batch($1::jsonb) as counts", [batch(A)])
      ).rejects.toMatchObject({ code: "23503" })
    })
    await asApp({}, async (client) => {
      const { rows } = await client.query("select carabase_record_inbound_batch($1::jsonb) as counts", [batch(B)])
      expect(rows).toEqual([{ counts: [1, 1, 0] }])
      await client.query("commit")
    })
    const stored = await owner.query(
      "select workspace_id, external_id from channel_events where external_id like 'batch-%' order by external_id"
    )
    expect(stored.rows).toEqual([
      { workspace_id: A, external_id: "batch-a" },
      { workspace_id: B, external_id: "batch-b" }
    ])
  })

  it("run as the caller (SECURITY INVOKER), owned by the owner, executable by carabase_app", async () => {
    const { rows } = await owner.query(
      `select p.proname, p.prosecdef, pg_get_userbyid(p.proowner) <> 'carabase_app' as owner_ok,
              has_function_privilege('carabase_app', p.oid, 'execute') as app_can
       from pg_proc p where p.proname like 'carabase\\_%inbound%' order by p.proname`
    )
    expect(rows).toEqual([
      { proname: "carabase_inbound_channel", prosecdef: false, owner_ok: true, app_can: true },
      { proname: "carabase_record_inbound", prosecdef: false, owner_ok: true, app_can: true },
      { proname: "carabase_record_inbound_batch", prosecdef: false, owner_ok: true, app_can: true }
    ])
  })
})
