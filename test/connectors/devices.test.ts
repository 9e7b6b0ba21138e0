// Harvester devices over real HTTP: pairing codes (format, 10-minute expiry, single use), claiming without a
// workspace header, a token shown once and stored as its SHA-256, pushes into the harvest pipeline (searchable,
// idempotent per document), 401 without a valid token and after revocation, and workspace isolation.
import { execFileSync } from "node:child_process"
import * as crypto from "node:crypto"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { asOwner } from "../support/hostSuite"
import { api, connectorSuite } from "./suite"

const suite = connectorSuite("connectors_devices")
let other: string
const tokens: Array<string> = []

beforeAll(async () => {
  other = (await api(suite, "POST", "/api/v1/workspaces", { body: { name: "other" }, workspace: null })).json.workspace
    .id
})

const pair = async (workspace = suite.workspace, deviceName = "Laptop") => {
  const reply = await api(suite, "POST", "/api/v1/harvester-devices/pairing-codes", {
    body: { connector: "files", deviceName },
    workspace
  })
  expect(reply.status).toBe(201)
  return reply.json.code as string
}

const claim = (code: string) =>
  api(suite, "POST", "/api/v1/harvester-devices/claim", { body: { code }, workspace: null })

const paired = async (workspace = suite.workspace, name = "Laptop") => {
  const reply = await claim(await pair(workspace, name))
  expect(reply.status).toBe(201)
  tokens.push(reply.json.token)
  return reply.json as { token: string; device: { id: string; name: string } }
}

const push = (token: string | undefined, documents: unknown) =>
  api(suite, "POST", "/api/v1/harvester-devices/push", {
    body: { documents },
    workspace: null,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` }
  })

const search = async (workspace: string, query: string) =>
  (await api(suite, "POST", "/api/v1/harvest/search", { body: { query, limit: 20 }, workspace })).json
    .results as Array<{
    title: string
  }>

describe("pairing codes", () => {
  it("are ABCD-1234 and last 10 minutes", async () => {
    const reply = await api(suite, "POST", "/api/v1/harvester-devices/pairing-codes", {
      body: { connector: "files", deviceName: "Phone" }
    })
    expect(reply.status).toBe(201)
    expect(reply.json.code).toMatch(/^[A-Z]{4}-[0-9]{4}$/)
    const ttl = new Date(reply.json.expiresAt).getTime() - Date.now()
    expect(ttl).toBeGreaterThan(590_000)
    expect(ttl).toBeLessThanOrEqual(600_000)
    const stored = await asOwner(suite.db, (db) =>
      db.query("select code_hash from harvester_pairing_codes where code_hash = $1", [
        crypto.createHash("sha256").update(reply.json.code).digest()
      ])
    )
    expect(stored.rows).toHaveLength(1)
  })

  it("answers 400 naming the field for a bad request, and needs a workspace", async () => {
    const bad = await api(suite, "POST", "/api/v1/harvester-devices/pairing-codes", {
      body: { connector: "files", deviceName: " " }
    })
    expect(bad.status).toBe(400)
    expect(bad.text).toContain("deviceName")
    const none = await api(suite, "POST", "/api/v1/harvester-devices/pairing-codes", {
      body: { connector: "files", deviceName: "x" },
      workspace: null
    })
    expect(none.status).toBe(400)
  })

  it("are single use: a second claim of the same code is 400", async () => {
    const code = await pair()
    const first = await claim(code.toLowerCase())
    expect(first.status).toBe(201)
    tokens.push(first.json.token)
    expect(first.json.token).toMatch(/^cbd_[A-Za-z0-9_-]{43}$/)
    expect(first.json.device).toMatchObject({ name: "Laptop", connector: "files", revokedAt: null })
    const second = await claim(code)
    expect(second.status).toBe(400)
    expect(second.json).toMatchObject({ _tag: "PairingCodeInvalid" })
    expect(second.json.message).toContain("already used")
  })

  it("expire after 10 minutes: 400", async () => {
    const code = await pair()
    await asOwner(suite.db, (db) =>
      db.query("update harvester_pairing_codes set expires_at = now() - interval '1 second' where code_hash = $1", [
        crypto.createHash("sha256").update(code).digest()
      ])
    )
    const reply = await claim(code)
    expect(reply.status).toBe(400)
    expect(reply.json.message).toContain("expired")
    expect((await claim(code)).status).toBe(400)
  })

  it("a malformed or unknown code is 400", async () => {
    const malformed = await claim("ABCD1234")
    expect(malformed.status).toBe(400)
    expect(malformed.text).toContain("ABCD-1234")
    const unknown = await claim("ZZZZ-0000")
    expect(unknown.status).toBe(400)
    expect(unknown.json.message).toContain("unknown")
  })
})

describe("devices", () => {
  it("the token is stored only as its SHA-256 and never listed", async () => {
    const { device, token } = await paired(suite.workspace, "Desk")
    const rows = await asOwner(suite.db, (db) =>
      db.query("select token_hash from harvester_devices where id = $1", [device.id])
    )
    expect(Buffer.from(rows.rows[0].token_hash).equals(crypto.createHash("sha256").update(token).digest())).toBe(true)
    const listed = await api(suite, "GET", "/api/v1/harvester-devices")
    expect(listed.status).toBe(200)
    expect(listed.json.devices.map((d: { id: string }) => d.id)).toContain(device.id)
    expect(Object.keys(listed.json.devices[0]).sort()).toEqual([
      "connector",
      "createdAt",
      "id",
      "lastSeenAt",
      "name",
      "revokedAt"
    ])
    expect(listed.text).not.toContain(token)
    expect((await api(suite, "GET", "/api/v1/harvester-devices", { workspace: other })).json.devices).toEqual([])
  })

  it("a push goes into the harvest pipeline of the device's workspace, and pushing again updates", async () => {
    const { device, token } = await paired()
    const documents = [
      { title: "Zephyrine notes", text: "The zephyrine protocol needs a quorum.", url: "https://example.org/z" },
      { title: "Second", text: "Marmalade recipes and the quorum of jars.", externalId: "doc-2" }
    ]
    // A field the push does not know is refused, naming it, rather than dropped; nothing of that push is stored.
    const unknown = await push(token, [documents[0]!, { ...documents[1]!, extra: "not a push field" }])
    expect(unknown.status).toBe(400)
    expect(unknown.json.issues).toContainEqual(expect.objectContaining({ path: ["documents", 1, "extra"] }))
    const first = await push(token, documents)
    expect(first.status).toBe(200)
    expect(first.json).toEqual({ accepted: 2, created: 2, updated: 0 })
    const again = await push(token, documents)
    expect(again.json).toEqual({ accepted: 2, created: 0, updated: 2 })
    expect((await search(suite.workspace, "zephyrine")).map((r) => r.title)).toContain("Zephyrine notes")
    expect(await search(other, "zephyrine")).toEqual([])
    const stored = await asOwner(suite.db, (db) =>
      db.query("select source, external_id, workspace_id from artifacts where connection_id = $1 order by 2", [
        device.id
      ])
    )
    expect(stored.rows).toEqual([
      { source: "harvester:files", external_id: "doc-2", workspace_id: suite.workspace },
      { source: "harvester:files", external_id: "https://example.org/z", workspace_id: suite.workspace }
    ])
    const listed = await api(suite, "GET", "/api/v1/harvester-devices")
    expect(listed.json.devices.find((d: { id: string }) => d.id === device.id).lastSeenAt).not.toBeNull()
  })

  it("a push without a valid token is 401; a bad body is 400", async () => {
    const doc = [{ title: "t", text: "x" }]
    const none = await push(undefined, doc)
    expect(none.status).toBe(401)
    expect(none.json).toMatchObject({ _tag: "DeviceUnauthorized" })
    expect((await push("not-a-token", doc)).status).toBe(401)
    expect((await push(`cbd_${crypto.randomBytes(32).toString("base64url")}`, doc)).status).toBe(401)
    const { token } = await paired()
    const empty = await push(token, [])
    expect(empty.status).toBe(400)
    expect(empty.text).toContain("at least one document")
    const noText = await push(token, [{ title: "t" }])
    expect(noText.status).toBe(400)
    expect(noText.text).toContain("text")
  })

  it("a revoked device gets 401; revoking an unknown one is 404", async () => {
    const { device, token } = await paired()
    expect((await push(token, [{ title: "before", text: "x" }])).status).toBe(200)
    expect((await api(suite, "DELETE", `/api/v1/harvester-devices/${device.id}`, { workspace: other })).status).toBe(
      404
    )
    expect((await api(suite, "DELETE", `/api/v1/harvester-devices/${device.id}`)).status).toBe(204)
    const after = await push(token, [{ title: "after", text: "x" }])
    expect(after.status).toBe(401)
    expect(after.json.message).toContain("revoked")
    const listed = await api(suite, "GET", "/api/v1/harvester-devices")
    expect(listed.json.devices.find((d: { id: string }) => d.id === device.id).revokedAt).not.toBeNull()
    expect((await api(suite, "DELETE", `/api/v1/harvester-devices/${crypto.randomUUID()}`)).status).toBe(404)
  })

  it("tokens are in no log line and not in a dump of the database", () => {
    expect(tokens.length).toBeGreaterThan(3)
    const logs = `${suite.host.stdout()}\n${suite.host.stderr()}`
    const dump = execFileSync("pg_dump", ["--dbname", suite.db.ownerUrl, "--data-only", "--no-owner"], {
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "ignore"]
    }).toString("latin1")
    expect(dump).toContain("harvester_devices")
    for (const token of tokens) {
      expect(logs.includes(token)).toBe(false)
      expect(dump.includes(token)).toBe(false)
    }
  })
})

describe("sync rules", () => {
  it("PUT stores a validated document per integration and GET gives it back", async () => {
    const document = {
      rules: [
        { name: "work", match: { tags: ["work"] }, folios: ["Research"], tags: ["harvested"], injectToTimeline: true },
        { name: "all", matchAll: true, tags: ["device"], enabled: true },
        { name: "off", matchAll: true, enabled: false, folios: ["Never"] }
      ]
    }
    const put = await api(suite, "PUT", "/api/v1/sync-rules/files", { body: document })
    expect(put.status).toBe(200)
    expect(put.json.integration).toBe("files")
    const got = await api(suite, "GET", "/api/v1/sync-rules/files")
    expect(got.json.rules).toEqual([
      { name: "work", match: { tags: ["work"] }, folios: ["Research"], tags: ["harvested"], injectToTimeline: true },
      { name: "all", matchAll: true, tags: ["device"] },
      { name: "off", matchAll: true, enabled: false, folios: ["Never"] }
    ])
    expect((await api(suite, "GET", "/api/v1/sync-rules/files", { workspace: other })).json.rules).toEqual([])
    expect((await api(suite, "GET", "/api/v1/sync-rules/github")).json.rules).toEqual([])
  })

  it("answers 400 naming what is wrong", async () => {
    const badName = await api(suite, "GET", "/api/v1/sync-rules/Not%20Valid")
    expect(badName.status).toBe(400)
    expect(badName.text).toContain("integration must be")
    const badRule = await api(suite, "PUT", "/api/v1/sync-rules/files", {
      body: { rules: [{ match: { kinds: ["commit"] } }] }
    })
    expect(badRule.status).toBe(400)
    expect(badRule.text).toContain("kinds")
    expect((await api(suite, "PUT", "/api/v1/sync-rules/files", { body: { rules: "x" } })).status).toBe(400)
    // The stored document is unchanged by refused ones.
    expect((await api(suite, "GET", "/api/v1/sync-rules/files")).json.rules).toHaveLength(3)
  })

  it("a device push is tagged, committed to the routed folio and logged on the timeline, once", async () => {
    const folio = await api(suite, "POST", "/api/v1/folios", { body: { name: "Research" } })
    expect(folio.status).toBe(201)
    const folioId = folio.json.folio.id as string
    const { token } = await paired()
    const doc = { title: "Quasar survey notes", text: "quasars everywhere", tags: ["work"], externalId: "q-1" }
    expect((await push(token, [doc, { title: "Unrouted", text: "plain" }])).json.created).toBe(2)
    expect((await push(token, [doc])).json).toEqual({ accepted: 1, created: 0, updated: 1 })
    const stored = await asOwner(suite.db, (db) =>
      db.query("select id, metadata from artifacts where external_id = 'q-1'")
    )
    expect(stored.rows[0].metadata.tags).toEqual(["work", "harvested", "device"])
    expect(stored.rows[0].metadata.folios).toEqual(["Research"])
    const detail = await api(suite, "GET", `/api/v1/folios/${folioId}`)
    const commits = detail.json.folio.commits as Array<{ message: string; artifactIds: Array<string> }>
    expect(commits.filter((c) => c.message.includes("Quasar survey notes"))).toHaveLength(1)
    expect(commits[0]!.artifactIds).toEqual([stored.rows[0].id])
    const notes = await asOwner(suite.db, (db) =>
      db.query("select text_content from daily_notes where workspace_id = $1", [suite.workspace])
    )
    const text = notes.rows.map((r) => r.text_content).join("\n")
    expect(text.match(/Quasar survey notes/g)).toHaveLength(1)
    expect(text).not.toContain("Unrouted")
  })
})
