// Optional API keys: off by default (no header needed); with CARABASE_API_KEYS_REQUIRED=true every /api/v1 route
// but health, version, webhooks, OAuth callbacks and device pushes answers 401 without a live key. Keys are created,
// listed and revoked with the CLI, printed once and stored as their SHA-256.
import { spawnSync } from "node:child_process"
import * as crypto from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createDatabase, type TestDatabase } from "../support/database"
import { cliJs, hostEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { asOwner } from "../support/hostSuite"
import { freePort } from "../support/ports"

interface Host {
  base: string
  db: TestDatabase
  process: HostProcess
}

const start = async (label: string, env: Record<string, string>): Promise<Host> => {
  const db = await createDatabase(label)
  const port = await freePort()
  const process = startHost({ cwd: scratchDir(), env: hostEnv(db, port, env) })
  await process.ready()
  return { base: `http://127.0.0.1:${port}`, db, process }
}

let on: Host
let off: Host

beforeAll(async () => {
  // One after the other: two first boots migrating at once race on the cluster-wide carabase_app role.
  on = await start("api_keys_on", { CARABASE_API_KEYS_REQUIRED: "true" })
  off = await start("api_keys_off", {})
})

afterAll(async () => {
  for (const host of [on, off]) {
    await host?.process.stop()
    await host?.db.drop()
  }
})

const cli = (host: Host, ...args: Array<string>) =>
  spawnSync(process.execPath, [cliJs, ...args], {
    cwd: scratchDir(),
    env: hostEnv(host.db, 0),
    encoding: "utf8"
  })

const request = async (host: Host, method: string, path: string, key?: string, body?: unknown) => {
  const response = await fetch(`${host.base}${path}`, {
    method,
    redirect: "manual",
    headers: {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await response.text()
  return { status: response.status, text, json: text === "" ? undefined : JSON.parse(text) }
}

describe("API keys off (the default)", () => {
  it("needs no Authorization header, and ignores one", async () => {
    expect((await request(off, "GET", "/api/v1/workspaces")).status).toBe(200)
    expect((await request(off, "GET", "/api/v1/workspaces", "whatever")).status).toBe(200)
  })
})

describe("API keys required", () => {
  let key: string
  let keyId: string

  it("api-keys:create prints the key once and stores only its SHA-256", async () => {
    const created = cli(on, "api-keys:create", "--name", "laptop")
    expect(created.status, created.stderr).toBe(0)
    key = created.stdout.trim()
    expect(key).toMatch(/^cbk_[A-Za-z0-9_-]{43}$/)
    keyId = /created API key ([0-9a-f-]{36})/.exec(created.stderr)![1]!
    const rows = await asOwner(on.db, (db) => db.query("select name, key_hash from api_keys where id = $1", [keyId]))
    expect(rows.rows[0].name).toBe("laptop")
    expect(Buffer.from(rows.rows[0].key_hash).equals(crypto.createHash("sha256").update(key).digest())).toBe(true)
    const listed = cli(on, "api-keys:list")
    expect(listed.status).toBe(0)
    expect(listed.stdout).toContain(keyId)
    expect(listed.stdout).toContain("laptop")
    expect(listed.stdout).toContain("active")
    expect(listed.stdout).not.toContain(key)
  })

  it("a route without a key, or with a wrong one, is 401; with the key it answers", async () => {
    const none = await request(on, "GET", "/api/v1/workspaces")
    expect(none.status).toBe(401)
    expect(none.json).toMatchObject({ _tag: "ApiKeyRequired" })
    expect(none.json.message).toContain("Authorization: Bearer")
    expect((await request(on, "GET", "/api/v1/workspaces", `cbk_${"A".repeat(43)}`)).status).toBe(401)
    expect((await request(on, "GET", "/api/v1/workspaces", "garbage")).status).toBe(401)
    expect((await request(on, "POST", "/api/v1/workspaces", undefined, { name: "x" })).status).toBe(401)
    expect((await request(on, "GET", "/api/v1/workspaces", key)).status).toBe(200)
    const created = await request(on, "POST", "/api/v1/workspaces", key, { name: "with key" })
    expect(created.status).toBe(201)
    // Starting a connection from a client that holds the key (the web UI) gets past the guard to the handler, which
    // answers for the workspace (it has no GitHub app yet: 409), where a navigation to GET start could only be 401.
    const start = await fetch(`${on.base}/api/v1/auth/github/start`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "x-workspace-id": created.json.workspace.id }
    })
    expect(start.status).toBe(409)
    expect(((await start.json()) as { _tag: string })._tag).toBe("OAuthAppMissing")
  })

  it("health, version, webhooks, OAuth callbacks and device pushes need no key", async () => {
    expect((await request(on, "GET", "/api/v1/health")).status).toBe(200)
    expect((await request(on, "GET", "/api/v1/version")).status).toBe(200)
    const webhook = await request(on, "POST", `/api/v1/webhooks/generic/${crypto.randomUUID()}`, undefined, {})
    expect(webhook.status).toBe(404)
    const callback = await request(on, "GET", "/api/v1/auth/github/callback?code=x&state=y")
    expect(callback.status).toBe(400)
    expect(callback.json._tag).toBe("OAuthStateInvalid")
    const push = await request(on, "POST", "/api/v1/harvester-devices/push", undefined, {
      documents: [{ title: "t", text: "x" }]
    })
    expect(push.status).toBe(401)
    expect(push.json._tag).toBe("DeviceUnauthorized")
    // What is not exempt stays guarded, even next to an exempt path.
    expect((await request(on, "GET", "/api/v1/auth/github/start")).status).toBe(401)
    expect((await request(on, "POST", "/api/v1/auth/github/start")).status).toBe(401)
    expect(
      (await request(on, "POST", "/api/v1/harvester-devices/claim", undefined, { code: "ABCD-1234" })).status
    ).toBe(401)
  })

  it("api-keys:revoke makes the key useless; bad ids are usage errors or failures", async () => {
    const revoked = cli(on, "api-keys:revoke", keyId)
    expect(revoked.status, revoked.stderr).toBe(0)
    expect((await request(on, "GET", "/api/v1/workspaces", key)).status).toBe(401)
    expect(cli(on, "api-keys:list").stdout).toContain("revoked")
    expect(cli(on, "api-keys:revoke", "not-a-uuid").status).toBe(2)
    expect(cli(on, "api-keys:revoke").status).toBe(2)
    const unknown = cli(on, "api-keys:revoke", crypto.randomUUID())
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toContain("no API key")
  })

  it("no key appears in the host's log", () => {
    expect(`${on.process.stdout()}${on.process.stderr()}`).not.toContain(key)
  })
})
