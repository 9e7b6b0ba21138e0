// The lookup policies of sql/0009: a transaction that sets app.oauth_state_hash, app.pairing_code_hash or
// app.device_token_hash to the SHA-256 of a presented secret reads the one row it names and nothing more: no other
// row, and no UPDATE or DELETE of it until app.workspace_id is set. The app can read api_keys and never write them.
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type pg from "pg"
import { connect, createDatabase, type TestDatabase } from "../support/database"

let db: TestDatabase
let owner: pg.Client
const A = crypto.randomUUID()
const B = crypto.randomUUID()
const hash = (text: string) => crypto.createHash("sha256").update(text).digest()

const cases = [
  {
    table: "oauth_states",
    setting: "app.oauth_state_hash",
    insert:
      "insert into oauth_states (workspace_id, provider, state_hash, code_verifier_sealed, redirect_uri, expires_at) values ($1, 'github', $2, '\\x00', 'http://x/cb', now() + interval '10 minutes')",
    column: "state_hash"
  },
  {
    table: "harvester_pairing_codes",
    setting: "app.pairing_code_hash",
    insert:
      "insert into harvester_pairing_codes (workspace_id, code_hash, connector, device_name, expires_at) values ($1, $2, 'files', 'x', now() + interval '10 minutes')",
    column: "code_hash"
  },
  {
    table: "harvester_devices",
    setting: "app.device_token_hash",
    insert: "insert into harvester_devices (workspace_id, token_hash, name) values ($1, $2, 'x')",
    column: "token_hash"
  }
] as const

beforeAll(async () => {
  db = await createDatabase("connector_lookup")
  owner = await connect(db.ownerUrl)
  await owner.query("insert into workspaces (id, name) values ($1, 'A'), ($2, 'B')", [A, B])
  for (const c of cases) {
    await owner.query(c.insert, [A, hash(`${c.table}-a`)])
    await owner.query(c.insert, [B, hash(`${c.table}-b1`)])
    await owner.query(c.insert, [B, hash(`${c.table}-b2`)])
  }
})

afterAll(async () => {
  await owner?.end()
  await db?.drop()
})

const asApp = async <T>(settings: Record<string, string>, body: (client: pg.Client) => Promise<T>) => {
  const client = await connect(db.appUrl)
  try {
    await client.query("begin")
    for (const [name, value] of Object.entries(settings)) {
      await client.query("select set_config($1, $2, true)", [name, value])
    }
    return await body(client)
  } finally {
    await client.query("rollback").catch(() => undefined)
    await client.end()
  }
}

describe.each(cases)("the $table lookup policy", (c) => {
  it("shows exactly the row whose hash is set, with its workspace, and no other", async () => {
    await asApp({ [c.setting]: hash(`${c.table}-b1`).toString("hex") }, async (client) => {
      const { rows } = await client.query(`select workspace_id, ${c.column} as h from ${c.table}`)
      expect(rows.map((r) => [r.workspace_id, Buffer.from(r.h).equals(hash(`${c.table}-b1`))])).toEqual([[B, true]])
    })
  })

  it("shows nothing for an unknown hash, and allows no update or delete without the workspace", async () => {
    await asApp({ [c.setting]: hash("nothing").toString("hex") }, async (client) => {
      expect((await client.query(`select 1 from ${c.table}`)).rows).toEqual([])
    })
    await asApp({ [c.setting]: hash(`${c.table}-b1`).toString("hex") }, async (client) => {
      expect((await client.query(`delete from ${c.table}`)).rowCount).toBe(0)
      expect((await client.query(`update ${c.table} set created_at = now()`)).rowCount).toBe(0)
    })
  })

  it("with workspace A set, adds only the named row of B to A's rows", async () => {
    await asApp({ "app.workspace_id": A, [c.setting]: hash(`${c.table}-b2`).toString("hex") }, async (client) => {
      const { rows } = await client.query(`select workspace_id from ${c.table} order by workspace_id = $1 desc`, [A])
      expect(rows.map((r) => r.workspace_id)).toEqual([A, B])
    })
  })
})

describe("api_keys", () => {
  it("the app reads it and cannot insert, update or delete", async () => {
    await owner.query("insert into api_keys (name, key_hash) values ('k', $1)", [hash("key")])
    await asApp({}, async (client) => {
      expect((await client.query("select name from api_keys")).rows).toEqual([{ name: "k" }])
    })
    for (const statement of [
      "insert into api_keys (key_hash) values (sha256('x'))",
      "update api_keys set revoked_at = now()",
      "delete from api_keys"
    ]) {
      await asApp({}, async (client) => {
        await expect(client.query(statement)).rejects.toThrow(/permission denied/)
      })
    }
  })
})
