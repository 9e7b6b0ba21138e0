// `carabase rotate-key` against secrets stored through the real host: after rotation every sealed value opens under
// the new key and none under the old, the host runs on the new key with its secrets intact, and every way rotation
// can go wrong (host still running, wrong current key, malformed new key) changes nothing.
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Crypto from "../../src/platform/Crypto"
import { runClient } from "../support/apiClient"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { cleanEnv, hostEnv, runCli, scratchDir, startHost } from "../support/hostProcess"
import { freePort } from "../support/ports"
import { standardHeaders } from "../webhooks/signer"
import { randomMasterKey } from "../support/keys"

const OLD_KEY = randomMasterKey()
const NEW_KEY = randomMasterKey()
const SIGNING_SECRET = `whsec_${Buffer.from("a 32-byte generic signing secret").toString("base64")}`
const BOT_TOKEN = "bot-token-that-must-survive-rotation"
const ROUTE_KEY = "sk-route-key-ABCD"
const ROUTE_URL = "http://127.0.0.1:9/v1"
let db: TestDatabase
let channelId: string
let workspace: string

const cryptoFor = (hex: string) => Crypto.make(Redacted.make(Buffer.from(hex, "hex")))

interface SealedValue {
  readonly table: string
  readonly column: string
  readonly id: string
  readonly value: Buffer
}

/** Every non-null `*_sealed` value in the database, read as the owner. */
const sealedValues = async (): Promise<Array<SealedValue>> => {
  const owner = await connect(db.ownerUrl)
  try {
    const { rows: columns } = await owner.query<{ table_name: string; column_name: string }>(
      "select table_name, column_name from information_schema.columns where table_schema = 'public' and column_name like '%\\_sealed' order by 1, 2"
    )
    const values: Array<SealedValue> = []
    for (const { table_name: table, column_name: column } of columns) {
      const { rows } = await owner.query<{ id: string; value: Buffer }>(
        `select id::text as id, "${column}" as value from "${table}" where "${column}" is not null order by id`
      )
      values.push(...rows.map((row) => ({ table, column, ...row })))
    }
    return values
  } finally {
    await owner.end()
  }
}

/** The database's master-key check, as the owner reads it. */
const keyCheck = async () => {
  const owner = await connect(db.ownerUrl)
  try {
    return (await owner.query<{ verifier: Buffer }>("select verifier from master_key_check")).rows[0]?.verifier
  } finally {
    await owner.end()
  }
}

/** A model route's key is also bound to the base URL it is sent to. */
const opensUnder = (hex: string, sealed: SealedValue) =>
  Effect.runPromise(
    Effect.either(
      cryptoFor(hex).openString(sealed.value, {
        table: sealed.table,
        column: sealed.column,
        rowId: sealed.id,
        ...(sealed.table === "model_routes" ? { context: ROUTE_URL } : {})
      })
    )
  ).then((result) => (result._tag === "Right" ? Redacted.value(result.right) : null))

/** A scratch folder holding .env.dev with the database and the given key, as an operator's install would. */
const installWith = (key: string) => {
  const cwd = scratchDir("carabase-rotate-")
  fs.writeFileSync(
    path.join(cwd, ".env.dev"),
    `# Carabase\nPORT=3000\nHOST_MASTER_KEY=${key}\nDATABASE_URL=${db.ownerUrl}\nAPP_DATABASE_URL=${db.appUrl}\n`,
    { mode: 0o600 }
  )
  return cwd
}

const rotate = (cwd: string, env: Record<string, string | undefined> = {}, args: Array<string> = []) =>
  runCli(["rotate-key", ...args], { cwd, env: cleanEnv(env) })

const withHost = async <A>(key: string, use: (base: string) => Promise<A>) => {
  const port = await freePort()
  const host = startHost({ cwd: scratchDir(), env: hostEnv(db, port, { HOST_MASTER_KEY: key }) })
  try {
    await host.ready()
    return await use(`http://127.0.0.1:${port}`)
  } finally {
    await host.stop()
  }
}

beforeAll(async () => {
  db = await createDatabase("rotate")
  await withHost(OLD_KEY, async (base) => {
    workspace = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Rotation" } }))).workspace.id
    const created = await runClient(
      base,
      (api) =>
        api.channels.create({
          payload: { kind: "generic", name: "Sensors", signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN }
        }),
      workspace
    )
    channelId = created.channel.id
    const route = await fetch(`${base}/api/v1/model-routes/embeddings`, {
      method: "PUT",
      headers: { "content-type": "application/json", "x-workspace-id": workspace },
      body: JSON.stringify({
        provider: "openai-compatible",
        baseUrl: ROUTE_URL,
        model: "m",
        apiKey: ROUTE_KEY
      })
    })
    expect(route.status).toBe(200)
  })
})
afterAll(() => db?.drop())

describe("carabase rotate-key", () => {
  it("refuses while the host is connected to the database, changing nothing", async () => {
    const before = await sealedValues()
    await withHost(OLD_KEY, async () => {
      const result = await rotate(installWith(OLD_KEY), { NEW_HOST_MASTER_KEY: NEW_KEY })
      expect(result.status).toBe(1)
      expect(result.stderr).toContain("stop the host first")
    })
    expect(await sealedValues()).toEqual(before)
  })

  it("with the wrong current key, or a malformed new one, fails and changes nothing", async () => {
    const before = await sealedValues()
    const wrong = await rotate(installWith(randomMasterKey()), { NEW_HOST_MASTER_KEY: NEW_KEY })
    expect(wrong.status).toBe(1)
    expect(wrong.stderr).toContain("does not open")
    expect(wrong.stderr).toContain("nothing was changed")
    const malformed = await rotate(installWith(OLD_KEY), { NEW_HOST_MASTER_KEY: "not-a-key" })
    expect(malformed.status).toBe(1)
    expect(malformed.stderr).toContain("NEW_HOST_MASTER_KEY is malformed")
    const same = await rotate(installWith(OLD_KEY), { NEW_HOST_MASTER_KEY: OLD_KEY })
    expect(same.status).toBe(1)
    for (const result of [wrong, malformed, same]) {
      expect(result.stderr + result.stdout).not.toContain(NEW_KEY)
      expect(result.stderr + result.stdout).not.toContain(OLD_KEY)
    }
    expect(await sealedValues()).toEqual(before)
  })

  it("re-seals every secret: each opens under the new key and not the old, and names the env file line to change", async () => {
    const before = await sealedValues()
    expect(before.map((s) => `${s.table}.${s.column}`).sort()).toEqual([
      "model_routes.api_key_sealed",
      "webhook_channels.bot_token_sealed",
      "webhook_channels.signing_secret_sealed"
    ])
    const plaintexts = await Promise.all(before.map((sealed) => opensUnder(OLD_KEY, sealed)))
    const cwd = installWith(OLD_KEY)
    const result = await rotate(cwd, { NEW_HOST_MASTER_KEY: NEW_KEY })
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain(`line 3 of ${fs.realpathSync(cwd)}/.env.dev`)
    expect(result.stdout).toContain("Re-sealed 3 secret(s)")
    expect(result.stdout).not.toContain(NEW_KEY)
    const after = await sealedValues()
    expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id))
    for (const [index, sealed] of after.entries()) {
      expect(await opensUnder(NEW_KEY, sealed)).toBe(plaintexts[index])
      expect(await opensUnder(OLD_KEY, sealed)).toBeNull()
    }
    expect(plaintexts).toContain(BOT_TOKEN)
    expect(plaintexts).toContain(ROUTE_KEY)
    expect(result.stdout).toContain("master_key_check: rewritten for the new key")
    expect(await keyCheck()).toEqual(cryptoFor(NEW_KEY).keyCheck)
  })

  it("the host on the new key still verifies deliveries with the re-sealed signing secret", async () => {
    await withHost(NEW_KEY, async (base) => {
      const body = JSON.stringify({ text: "after rotation", conversationId: "c", senderId: "s" })
      const reply = await fetch(`${base}/api/v1/webhooks/generic/${channelId}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...standardHeaders(SIGNING_SECRET, `msg_${Date.now()}`, body) },
        body
      })
      expect(reply.status).toBe(204)
      const routes = await (
        await fetch(`${base}/api/v1/model-routes`, { headers: { "x-workspace-id": workspace } })
      ).json()
      expect(routes.routes.find((route: { role: string }) => route.role === "embeddings")).toMatchObject({
        hasApiKey: true,
        apiKeyLast4: "ABCD"
      })
    })
  })

  it("without NEW_HOST_MASTER_KEY, generates a key, prints it once, and the secrets open under it", async () => {
    const result = await rotate(installWith(NEW_KEY))
    expect(result.status, result.stderr).toBe(0)
    const generated = /HOST_MASTER_KEY=([0-9a-f]{64})/.exec(result.stdout)?.[1]
    expect(generated).toBeDefined()
    expect(result.stdout.split(generated!).length - 1).toBe(1)
    for (const sealed of await sealedValues()) expect(await opensUnder(generated!, sealed)).not.toBeNull()
  })
})
