// Deleting a workspace removes every row of it in every workspace-scoped table, found from the catalog as the RLS
// suite finds them (with the RLS suite's sample row for each), and nothing of another workspace; clients still naming
// it are told it does not exist, its live stream ends, its MCP sessions close, and a job queued for it finishes
// without error.
import * as crypto from "node:crypto"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { describe, expect, it } from "@effect/vitest"
import { newParents, parentInserts, samples } from "../db/fixtures"
import { asOwner, call, createWorkspace, hostSuite, openEvents } from "../support/hostSuite"
import { standardHeaders } from "../webhooks/signer"

const suite = hostSuite("workspace_delete")

const workspaceTables = () =>
  asOwner(suite.db, async (owner) => {
    const found = await owner.query<{ table_name: string }>(
      `select c.table_name from information_schema.columns c
         join information_schema.tables t using (table_schema, table_name)
        where c.table_schema = 'public' and c.column_name = 'workspace_id' and t.table_type = 'BASE TABLE'
        order by 1`
    )
    return found.rows.map((row) => row.table_name)
  })

/** One sample row (and its parents) in every workspace-scoped table, as the owner. */
const seedEverything = (workspace: string, tables: ReadonlyArray<string>) =>
  asOwner(suite.db, async (owner) => {
    const parents = newParents()
    for (const insert of parentInserts(workspace, parents)) await owner.query(insert.sql, [...insert.params])
    for (const table of tables) {
      const insert = samples[table]!(workspace, parents)
      await owner.query(insert.sql, [...insert.params])
    }
  })

const countsOf = (workspace: string, tables: ReadonlyArray<string>) =>
  asOwner(suite.db, async (owner) => {
    const counts: Record<string, number> = {}
    for (const table of tables) {
      const { rows } = await owner.query(`select count(*)::int as n from ${table} where workspace_id = $1`, [workspace])
      counts[table] = rows[0].n
    }
    const own = await owner.query("select count(*)::int as n from workspaces where id = $1", [workspace])
    counts["workspaces"] = own.rows[0].n
    return counts
  })

describe("the catalog", () => {
  it("every workspace_id column references workspaces ON DELETE CASCADE, so no table can be forgotten", async () => {
    const tables = await workspaceTables()
    expect(tables.length).toBeGreaterThanOrEqual(20)
    const cascading = await asOwner(suite.db, (owner) =>
      owner.query<{ table: string }>(`
        select c.conrelid::regclass::text as table
          from pg_constraint c
          join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
         where c.contype = 'f' and c.confrelid = 'workspaces'::regclass and c.confdeltype = 'c'
           and array_length(c.conkey, 1) = 1 and a.attname = 'workspace_id'
         order by 1`)
    )
    expect(cascading.rows.map((row) => row.table)).toEqual(tables)
  })
})

describe("DELETE /workspaces/:id", () => {
  it("removes every row of the workspace in every workspace-scoped table, and nothing of another", async () => {
    const tables = await workspaceTables()
    const missing = tables.filter((table) => samples[table] === undefined)
    expect(missing, "add a sample row for these tables in test/db/fixtures.ts").toEqual([])
    const doomed = await createWorkspace(suite.base, "Doomed")
    const other = await createWorkspace(suite.base, "Bystander")
    await seedEverything(doomed, tables)
    await seedEverything(other, tables)
    const before = await countsOf(doomed, tables)
    const othersBefore = await countsOf(other, tables)
    for (const table of tables) expect(before[table], `${table} was seeded`).toBeGreaterThan(0)

    const answer = await call(suite.base, "DELETE", `/workspaces/${doomed}`, { body: { confirm: "Doomed" } })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({
      deleted: { id: doomed, name: "Doomed" },
      final: true,
      message: 'workspace "Doomed" and everything in it were deleted; this cannot be undone'
    })

    const after = await countsOf(doomed, tables)
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([])
    expect(await countsOf(other, tables)).toEqual(othersBefore)
  })

  it("afterwards the workspace is unknown: its id is 404 WorkspaceNotFound, and it is no longer listed", async () => {
    const id = await createWorkspace(suite.base, "Short-lived")
    // Known to the host (and so cached by its workspace check) before it goes.
    expect((await call(suite.base, "GET", "/memories", { workspace: id })).status).toBe(200)
    expect((await call(suite.base, "DELETE", `/workspaces/${id}`, { body: { confirm: "Short-lived" } })).status).toBe(
      200
    )
    for (const [method, path] of [
      ["GET", "/memories"],
      ["GET", "/workspace-settings"],
      ["POST", "/folios"]
    ] as const) {
      const answer = await call(suite.base, method, path, {
        workspace: id,
        ...(method === "POST" ? { body: { name: "x" } } : {})
      })
      expect(answer, `${method} ${path}`).toMatchObject({ status: 404, body: { _tag: "WorkspaceNotFound" } })
    }
    const again = await call(suite.base, "DELETE", `/workspaces/${id}`, { body: { confirm: "Short-lived" } })
    expect(again).toMatchObject({ status: 404, body: { _tag: "WorkspaceNotFound" } })
    const listed = await call(suite.base, "GET", "/workspaces")
    expect(listed.body.workspaces.map((w: { id: string }) => w.id)).not.toContain(id)
  })

  it("its live stream gets a last `workspace deleted` notice, then ends", async () => {
    const id = await createWorkspace(suite.base, "Watched")
    const events = await openEvents(suite.base, id)
    try {
      await events.until(/event: ready/)
      await call(suite.base, "DELETE", `/workspaces/${id}`, { body: { confirm: "Watched" } })
      await events.until(new RegExp(`"type":"workspace","action":"deleted","id":"${id}"`))
      await expect(events.until(/never comes/)).rejects.toThrow(/event stream ended/)
    } finally {
      events.close()
    }
  })

  it("an MCP session bound to it is closed: its next request is refused, naming the deletion", async () => {
    const id = await createWorkspace(suite.base, "Agent's")
    const client = new Client({ name: "carabase-test", version: "1.0.0" })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${suite.base}/mcp`), {
        requestInit: { headers: { "x-workspace-id": id } }
      })
    )
    try {
      expect((await client.listTools()).tools.length).toBeGreaterThan(0)
      await call(suite.base, "DELETE", `/workspaces/${id}`, { body: { confirm: "Agent's" } })
      await expect(client.listTools()).rejects.toThrow(/was deleted: this MCP session is closed/)
    } finally {
      await client.close().catch(() => undefined)
    }
  })

  it("a webhook channel of it, known to the host from an earlier delivery, is refused with a 404 afterwards", async () => {
    const id = await createWorkspace(suite.base, "Hooked")
    const secret = `whsec_${Buffer.from("a generic sender's 32-byte key!!").toString("base64")}`
    const created = await call(suite.base, "POST", "/webhook-channels", {
      workspace: id,
      body: { kind: "generic", name: "Doorbell", signingSecret: secret }
    })
    expect(created.status).toBe(201)
    const path = new URL(created.body.channel.webhookUrl).pathname
    const deliver = async () => {
      const body = JSON.stringify({ text: "ding", conversationId: "door", senderId: "bell" })
      const headers = { "content-type": "application/json", ...standardHeaders(secret, crypto.randomUUID(), body) }
      return (await fetch(`${suite.base}${path}`, { method: "POST", headers, body })).status
    }
    expect(await deliver()).toBe(204)
    expect((await call(suite.base, "DELETE", `/workspaces/${id}`, { body: { confirm: "Hooked" } })).status).toBe(200)
    expect(await deliver()).toBe(404)
  })

  it("a job queued for the workspace before it went finishes without error", async () => {
    const id = await createWorkspace(suite.base, "Busy")
    const queued = await call(suite.base, "POST", "/jobs/corpus-curation/run", { workspace: id })
    expect(queued.status).toBe(202)
    expect((await call(suite.base, "DELETE", `/workspaces/${id}`, { body: { confirm: "Busy" } })).status).toBe(200)
    const deadline = Date.now() + 30_000
    let states: Array<string> = []
    while (Date.now() < deadline) {
      states = await asOwner(suite.db, async (owner) => {
        const { rows } = await owner.query<{ state: string }>(
          "select state from pgboss.job where name = 'corpus-curation' and data ->> 'workspaceId' = $1",
          [id]
        )
        return rows.map((row) => row.state)
      })
      if (states.length > 0 && states.every((state) => state === "completed")) break
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(states).toEqual(["completed"])
  })
})
