// The host refuses to boot without a valid HOST_MASTER_KEY, before it binds a port or dials the database.
import * as fs from "node:fs"
import * as path from "node:path"
import { afterEach, describe, expect, it } from "@effect/vitest"
import { cleanEnv, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { canConnect, connectionCounter, freePort } from "../support/ports"

const running: Array<HostProcess> = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((host) => host.stop()))
})

/** Starts the host and watches its port for as long as it lives. */
const bootWith = async (masterKey: string | undefined, options: { envFile?: string } = {}) => {
  const cwd = scratchDir()
  const port = await freePort()
  const database = await connectionCounter()
  const env: Record<string, string | undefined> = {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: `postgres://postgres@127.0.0.1:${database.port}/carabase_dev`,
    APP_DATABASE_URL: `postgres://carabase_app:pw@127.0.0.1:${database.port}/carabase_dev`
  }
  if (options.envFile !== undefined) fs.writeFileSync(path.join(cwd, ".env.dev"), options.envFile, { mode: 0o600 })
  else env.HOST_MASTER_KEY = masterKey
  const host = startHost({ cwd, env: cleanEnv(env) })
  running.push(host)
  let accepted = false
  let done = false
  const watcher = (async () => {
    while (!done) {
      if (await canConnect(port)) accepted = true
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  })()
  const exit = await host.exited
  done = true
  await watcher
  await database.close()
  return { exit, stderr: host.stderr(), stdout: host.stdout(), accepted, dbConnections: database.connections(), cwd }
}

describe("boot without a valid master key", () => {
  const secretLike = "0123456789abcdef".repeat(3)
  const cases: ReadonlyArray<[string, string | undefined]> = [
    ["missing", undefined],
    ["empty", ""],
    ["too short", secretLike],
    ["too long", "ab".repeat(33)],
    ["not hex", "zz" + "ab".repeat(31)]
  ]

  for (const [label, key] of cases) {
    it(`exits non-zero, names HOST_MASTER_KEY and never listens when the key is ${label}`, async () => {
      const result = await bootWith(key)
      expect(result.exit.code).not.toBe(0)
      expect(result.exit.code).not.toBeNull()
      expect(result.stderr).toContain("HOST_MASTER_KEY")
      expect(result.stderr).toContain(".env.dev")
      expect(result.stderr.trim().split("\n")).toHaveLength(1)
      expect(result.accepted).toBe(false)
      expect(result.dbConnections).toBe(0)
      if (key !== undefined && key.length >= 8) {
        expect(result.stderr + result.stdout).not.toContain(key)
        expect(result.stderr + result.stdout).not.toContain(key.slice(0, 8))
      }
    })
  }

  it("names the env file it read when the key there is malformed", async () => {
    const result = await bootWith(undefined, { envFile: `HOST_MASTER_KEY=${secretLike}\nPORT=1\n` })
    expect(result.exit.code).toBe(1)
    expect(result.stderr).toContain(path.join(fs.realpathSync(result.cwd), ".env.dev"))
    expect(result.stderr).toMatch(/HOST_MASTER_KEY .*malformed/)
    expect(result.stderr).not.toContain(secretLike.slice(0, 8))
    expect(result.accepted).toBe(false)
  })
})
