// A host given the wrong master key, as a careful owner would try it: another valid key on an existing database stops
// the boot before the port is bound, with one line naming the variable, the env file and the two ways out, and no key
// material; doctor FAILs it; rotation moves the database to the new key; a placeholder key is refused; an env file
// others can read is reported at boot.
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { Redacted } from "effect"
import * as Crypto from "../../src/platform/Crypto"
import { runClient } from "../support/apiClient"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { cleanEnv, runCli, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { randomMasterKey } from "../support/keys"
import { canConnect, freePort } from "../support/ports"

const K1 = randomMasterKey()
const K2 = randomMasterKey()
const SIGNING_SECRET = `whsec_${Buffer.from("a signing secret sealed under K1").toString("base64")}`
const databases: Array<TestDatabase> = []
const running: Array<HostProcess> = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((host) => host.stop()))
})
afterAll(async () => {
  for (const db of databases) await db.drop()
})

/** An install folder as `pnpm bootstrap` leaves it: .env.dev with the database and `key`, at `mode`. */
const install = (db: TestDatabase, key: string, mode = 0o600) => {
  const cwd = fs.realpathSync(scratchDir("carabase-wrong-key-"))
  const file = path.join(cwd, ".env.dev")
  fs.writeFileSync(
    file,
    `HOST_MASTER_KEY=${key}\nDATABASE_URL=${db.ownerUrl}\nAPP_DATABASE_URL=${db.appUrl}\nHOST=127.0.0.1\nLOG_LEVEL=info\n`
  )
  fs.chmodSync(file, mode)
  return { cwd, file }
}

/** Starts the host in `cwd` and watches its port: resolves once it answers (`listening`) or exits (`exited`). */
const boot = async (cwd: string) => {
  const port = await freePort()
  const host = startHost({ cwd, env: cleanEnv({ PORT: String(port) }) })
  running.push(host)
  let accepted = false
  for (;;) {
    if (await canConnect(port)) accepted = true
    if (accepted || host.child.exitCode !== null || host.child.signalCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  if (accepted) return { outcome: "listening" as const, host, port, exit: null }
  const exit = await host.exited
  return { outcome: "exited" as const, host, port, exit, accepted: await canConnect(port) }
}

const stop = async (host: HostProcess) => {
  host.child.kill("SIGTERM")
  await host.exited
}

/** Neither key, nor any 16-character piece of one, appears in `text`. */
const expectNoKeyMaterial = (text: string) => {
  for (const key of [K1, K2]) {
    for (let at = 0; at + 16 <= key.length; at += 8) expect(text.toLowerCase()).not.toContain(key.slice(at, at + 16))
    expect(text).not.toContain(Buffer.from(key, "hex").toString("base64").slice(0, 16))
  }
}

const storedCheck = async (db: TestDatabase) => {
  const owner = await connect(db.ownerUrl)
  try {
    return (await owner.query<{ verifier: Buffer }>("select verifier from master_key_check")).rows[0]?.verifier
  } finally {
    await owner.end()
  }
}

const keyCheckOf = (key: string) => Crypto.make(Redacted.make(Buffer.from(key, "hex"))).keyCheck

/** Boots with `key`, stores a sealed webhook secret, and stops: a database in use with that key. */
const initialiseWith = async (db: TestDatabase, key: string) => {
  const started = await boot(install(db, key).cwd)
  expect(started.outcome, started.host.stderr()).toBe("listening")
  const base = `http://127.0.0.1:${started.port}`
  const workspace = (await runClient(base, (api) => api.workspaces.create({ payload: { name: "Keys" } }))).workspace.id
  await runClient(
    base,
    (api) => api.channels.create({ payload: { kind: "generic", name: "Sensors", signingSecret: SIGNING_SECRET } }),
    workspace
  )
  await stop(started.host)
}

describe("a database initialised with one master key", () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createDatabase("wrong_key")
    databases.push(db)
    await initialiseWith(db, K1)
  })

  it("records the key's check on the first boot", async () => {
    expect(await storedCheck(db)).toEqual(keyCheckOf(K1))
  })

  it("refuses a host with another valid key before it binds its port: one line, the variable, the file, the fixes", async () => {
    const { cwd, file } = install(db, K2)
    const result = await boot(cwd)
    expect(result.outcome).toBe("exited")
    expect(result.accepted).toBe(false)
    expect(result.exit!.code).not.toBe(0)
    expect(result.exit!.code).not.toBeNull()
    const lines = result.host.stderr().trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain("HOST_MASTER_KEY")
    expect(lines[0]).toContain(file)
    expect(lines[0]).toContain("initialised with")
    expect(lines[0]).toContain("put the original key back")
    expect(lines[0]).toContain("carabase rotate-key")
    expectNoKeyMaterial(result.host.stderr() + result.host.stdout())
    expect(await storedCheck(db)).toEqual(keyCheckOf(K1))
  })

  it("doctor FAILs the other key with a one-line fix, and passes the right one", async () => {
    const wrong = await runCli(["doctor", "--json"], { cwd: install(db, K2).cwd, env: cleanEnv() })
    expect(wrong.status).toBe(1)
    const check = JSON.parse(wrong.stdout).checks.find((c: { name: string }) => c.name === "database key")
    expect(check).toMatchObject({ verdict: "FAIL" })
    expect(check.detail).toContain("not the key this database was initialised with")
    expect(check.fix).toContain("carabase rotate-key")
    expect(check.fix.split("\n")).toHaveLength(1)
    expectNoKeyMaterial(wrong.stdout + wrong.stderr)
    const right = await runCli(["doctor", "--json"], { cwd: install(db, K1).cwd, env: cleanEnv() })
    const ok = JSON.parse(right.stdout).checks.find((c: { name: string }) => c.name === "database key")
    expect(ok).toMatchObject({ verdict: "PASS" })
  })

  it("after rotate-key from the first key to the second, boots with the second and refuses the first", async () => {
    const rotated = await runCli(["rotate-key"], {
      cwd: install(db, K1).cwd,
      env: cleanEnv({ NEW_HOST_MASTER_KEY: K2 })
    })
    expect(rotated.status, rotated.stderr).toBe(0)
    expect(await storedCheck(db)).toEqual(keyCheckOf(K2))
    const second = await boot(install(db, K2).cwd)
    expect(second.outcome, second.host.stderr()).toBe("listening")
    await stop(second.host)
    const first = await boot(install(db, K1).cwd)
    expect(first.outcome).toBe("exited")
    expect(first.host.stderr()).toContain("initialised with")
  })
})

describe("a database from before the key check", () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createDatabase("legacy_key")
    databases.push(db)
    await initialiseWith(db, K1)
    const owner = await connect(db.ownerUrl)
    await owner.query("delete from master_key_check")
    await owner.end()
  })

  it("refuses a key that opens none of its stored secrets, recording nothing", async () => {
    const result = await boot(install(db, K2).cwd)
    expect(result.outcome).toBe("exited")
    expect(result.accepted).toBe(false)
    expect(result.host.stderr().trim().split("\n")).toHaveLength(1)
    expect(result.host.stderr()).toContain("does not open the secrets stored in this database")
    expectNoKeyMaterial(result.host.stderr() + result.host.stdout())
    expect(await storedCheck(db)).toBeUndefined()
  })

  it("with the right key records the check on the first boot, and says so once", async () => {
    const first = await boot(install(db, K1).cwd)
    expect(first.outcome, first.host.stderr()).toBe("listening")
    await stop(first.host)
    expect(first.host.stdout().match(/recorded the master-key check/g)).toHaveLength(1)
    expect(await storedCheck(db)).toEqual(keyCheckOf(K1))
    const second = await boot(install(db, K1).cwd)
    expect(second.outcome).toBe("listening")
    await stop(second.host)
    expect(second.host.stdout()).not.toContain("recorded the master-key check")
  })
})

describe("keys and env files a careful owner would not keep", () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createDatabase("placeholder_key")
    databases.push(db)
  })

  for (const [label, key, reason] of [
    ["all zeros", "0".repeat(64), "all zeros"],
    ["one byte repeated", "ab".repeat(32), "one byte repeated"],
    ["a short pattern", "deadbeef".repeat(8), "short pattern"]
  ] as const) {
    it(`refuses a key that is ${label}, saying why, before binding its port`, async () => {
      const { cwd, file } = install(db, key)
      const result = await boot(cwd)
      expect(result.outcome).toBe("exited")
      expect(result.accepted).toBe(false)
      expect(result.exit!.code).not.toBe(0)
      const lines = result.host.stderr().trim().split("\n")
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(`HOST_MASTER_KEY in ${file} is not a random key`)
      expect(lines[0]).toContain(reason)
      expect(lines[0]).not.toContain(key.slice(0, 16))
    })
  }

  it("warns once at boot that an env file others can read holds the key, naming it and chmod 600", async () => {
    const open = install(db, K1, 0o644)
    const started = await boot(open.cwd)
    expect(started.outcome, started.host.stderr()).toBe("listening")
    await stop(started.host)
    const warnings = started.host
      .stdout()
      .split("\n")
      .filter((line) => line.includes("chmod 600"))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(open.file)
    expect(warnings[0]).toContain("0644")
    expect(warnings[0]).toContain("group and others can read it")
    expect(warnings[0]).toMatch(/level=WARN/)
    expectNoKeyMaterial(started.host.stdout())

    const closed = install(db, K1, 0o600)
    const quiet = await boot(closed.cwd)
    expect(quiet.outcome).toBe("listening")
    await stop(quiet.host)
    expect(quiet.host.stdout()).not.toContain("chmod 600")
  })
})
