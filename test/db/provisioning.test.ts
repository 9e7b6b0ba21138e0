// Provisioning is idempotent: db-setup.sh answers the same server twice, and bootstrap + migrate create the env's
// database and carabase_app login once, then change nothing.
import { execFileSync } from "node:child_process"
import * as crypto from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { appUrlFor, dropDatabase, withDatabase } from "../../src/bootstrap/Provision"
import { parseEnvFile } from "../../src/platform/EnvFile"
import { connect, testServerUrl } from "../support/database"
import { cleanEnv, repoRoot, runCli, scratchDir } from "../support/hostProcess"

const created: Array<string> = []
afterAll(() => Promise.all(created.map((name) => dropDatabase(testServerUrl(), name))))

const cli = (cwd: string, ...args: Array<string>) => runCli(args, { cwd, env: cleanEnv() })

describe("scripts/db-setup.sh", () => {
  it("answers with the same server URL on a second run", async () => {
    const run = () =>
      execFileSync("bash", [path.join(repoRoot, "scripts", "db-setup.sh"), "--print-url"], {
        encoding: "utf8",
        env: cleanEnv({ DATABASE_URL: process.env.CARABASE_TEST_DATABASE_URL })
      }).trim()
    const first = run()
    expect(first).toMatch(/^postgres(ql)?:\/\//)
    expect(run()).toBe(first)
  })
})

describe("bootstrap and migrate", () => {
  it("create the database and the carabase_app login once, then change nothing", async () => {
    const cwd = scratchDir()
    const name = `carabase_test_bootstrap_${crypto.randomBytes(4).toString("hex")}`
    created.push(name)
    const ownerUrl = withDatabase(testServerUrl(), name)
    const password = process.env.CARABASE_TEST_APP_PASSWORD!
    // Another env here already uses carabase_app on this server: bootstrap must reuse its password, not reset it.
    fs.writeFileSync(
      path.join(cwd, ".env.prod"),
      `APP_DATABASE_URL=${appUrlFor(withDatabase(testServerUrl(), "x"), password)}\n`
    )
    fs.writeFileSync(path.join(cwd, ".env.dev"), `DATABASE_URL=${ownerUrl}\n`)

    const first = await cli(cwd, "bootstrap")
    expect(first.status, first.stderr).toBe(0)
    expect(first.stdout).toContain(`created database ${name}`)
    const values = parseEnvFile(fs.readFileSync(path.join(cwd, ".env.dev"), "utf8"))
    expect(values.get("DATABASE_URL")).toBe(ownerUrl)
    const appUrl = values.get("APP_DATABASE_URL")!
    expect(new URL(appUrl).username).toBe("carabase_app")
    expect(decodeURIComponent(new URL(appUrl).password)).toBe(password)
    expect(fs.statSync(path.join(cwd, ".env.dev")).mode & 0o777).toBe(0o600)

    const migrated = await cli(cwd, "migrate")
    expect(migrated.status, migrated.stderr).toBe(0)
    expect(migrated.stdout).toMatch(/^applied 0001_roles\.sql/)

    const before = fs.readFileSync(path.join(cwd, ".env.dev"), "utf8")
    const second = await cli(cwd, "bootstrap")
    expect(second.status, second.stderr).toBe(0)
    expect(second.stdout).not.toContain("created database")
    expect(fs.readFileSync(path.join(cwd, ".env.dev"), "utf8")).toBe(before)
    const again = await cli(cwd, "migrate")
    expect(again.stdout).toMatch(/^database is current/)

    const app = await connect(appUrl)
    const who = await app.query("select current_user as who")
    await app.end()
    expect(who.rows[0].who).toBe("carabase_app")
  })

  it("migrate --help exits 0 and a stray argument exits 2", async () => {
    expect((await cli(scratchDir(), "migrate", "--help")).status).toBe(0)
    expect((await cli(scratchDir(), "migrate", "extra")).status).toBe(2)
  })
})
