// The host refuses to start on a database it cannot trust or reach, with one line that never shows a password.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createDatabase, type TestDatabase } from "../support/database"
import { hostEnv, scratchDir, startHost } from "../support/hostProcess"
import { freePort } from "../support/ports"

let db: TestDatabase
beforeAll(async () => {
  db = await createDatabase("bootdb")
})
afterAll(() => db?.drop())

const boot = async (env: NodeJS.ProcessEnv) => {
  const host = startHost({ cwd: scratchDir(), env })
  const exit = await host.exited
  return { exit, stderr: host.stderr() }
}

describe("booting against the database", () => {
  it("refuses an APP_DATABASE_URL that logs in as a superuser (RLS would not apply)", async () => {
    const result = await boot(hostEnv({ ownerUrl: db.ownerUrl, appUrl: db.ownerUrl }, await freePort()))
    expect(result.exit.code).toBe(1)
    expect(result.stderr).toMatch(/APP_DATABASE_URL logs in as \w+, which bypasses Row-Level Security/)
  })

  it("says which URL it could not reach, without its password", async () => {
    const unreachable = `postgres://carabase_app:hunter2-very-secret@127.0.0.1:${await freePort()}/nowhere`
    const result = await boot(hostEnv({ ownerUrl: unreachable, appUrl: unreachable }, await freePort()))
    expect(result.exit.code).toBe(1)
    expect(result.stderr).toContain("cannot connect to PostgreSQL with DATABASE_URL (carabase_app@127.0.0.1:")
    expect(result.stderr).not.toContain("hunter2")
  })

  it("names DATABASE_URL when it is not set", async () => {
    const env = hostEnv(db, await freePort())
    delete env.DATABASE_URL
    const result = await boot(env)
    expect(result.exit.code).toBe(1)
    expect(result.stderr).toMatch(/^carabase: DATABASE_URL is not set/)
  })
})
