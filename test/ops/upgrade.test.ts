// `carabase upgrade` and `carabase rollback` on a real install: a clone of this repository with its env file, its
// database and its host running, upgraded to git commits of that clone (each installed from the local pnpm store and
// built beside it), and to a release tarball: a good one is switched to after a verified backup and a smoke test on a spare port; a broken one
// fails its smoke test and leaves the running release; rollback goes back; a commit with a migration names it as
// forward-only before applying it, needs --yes, and then rollback refuses and names the backup to restore.
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { connect, createDatabase, type TestDatabase } from "../support/database"
import { cleanEnv, repoRoot, runCli, scratchDir, startHost, type HostProcess } from "../support/hostProcess"
import { call, createWorkspace } from "../support/hostSuite"
import { TEST_MASTER_KEY } from "../support/keys"
import { freePort } from "../support/ports"

let db: TestDatabase
let root: string
let host: HostProcess
let base: string
const backups = scratchDir("carabase-upgrade-backups-")
const commits: Record<"good" | "broken" | "migrating", string> = { good: "", broken: "", migrating: "" }

const git = (...args: Array<string>) =>
  execFileSync("git", ["-c", "user.name=Upgrade Test", "-c", "user.email=upgrade@test", ...args], {
    cwd: root,
    encoding: "utf8"
  }).trim()

const commit = (message: string, change: () => void) => {
  change()
  git("add", "-A")
  git("commit", "--quiet", "-m", message)
  return git("rev-parse", "HEAD")
}

const cli = (args: ReadonlyArray<string>) =>
  runCli(args, { cwd: root, env: cleanEnv({ npm_execpath: process.env.npm_execpath }) })
const current = () => fs.readlinkSync(path.join(root, "releases", "current"))

beforeAll(async () => {
  db = await createDatabase("upgrade")
  root = path.join(scratchDir("carabase-upgrade-"), "install")
  execFileSync("git", ["clone", "--quiet", repoRoot, root])
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  fs.writeFileSync(
    path.join(root, ".env.dev"),
    [
      `HOST_MASTER_KEY=${TEST_MASTER_KEY}`,
      `DATABASE_URL=${db.ownerUrl}`,
      `APP_DATABASE_URL=${db.appUrl}`,
      `HOST=127.0.0.1`,
      `PORT=${port}`,
      `CARABASE_BACKUP_DIR=${backups}`,
      `LOG_LEVEL=warning`,
      ""
    ].join("\n"),
    { mode: 0o600 }
  )
  const packageJson = path.join(root, "package.json")
  const base0 = git("rev-parse", "HEAD")
  commits.good = commit("version 0.1.1-upgrade.1", () =>
    fs.writeFileSync(
      packageJson,
      fs.readFileSync(packageJson, "utf8").replace(/"version": "[^"]+"/, '"version": "0.1.1-upgrade.1"')
    )
  )
  commits.broken = commit("a host that exits at boot", () =>
    fs.appendFileSync(
      path.join(root, "src", "main.ts"),
      '\nprocess.stderr.write("broken on purpose\\n")\nprocess.exit(3)\n'
    )
  )
  git("checkout", "--quiet", "--detach", commits.good)
  commits.migrating = commit("a migration", () =>
    fs.writeFileSync(
      path.join(root, "sql", "9999_upgrade_probe.sql"),
      "create table upgrade_probe (id integer primary key);\n"
    )
  )
  git("checkout", "--quiet", "--detach", base0)
  // The running release: this clone, with the suite's dependencies and build (after the commits, which take all).
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"))
  fs.cpSync(path.join(repoRoot, "dist"), path.join(root, "dist"), { recursive: true })
  host = startHost({ cwd: root, env: cleanEnv({ PORT: String(port) }), script: path.join(root, "dist", "main.js") })
  await host.ready(60_000)
  await createWorkspace(base, "Home")
}, 180_000)

afterAll(async () => {
  await host?.stop()
  await db?.drop()
})

describe("carabase upgrade", () => {
  it("backs up, builds beside, smoke-tests and switches to a good commit; the running host is untouched", async () => {
    const result = await cli(["upgrade", "--to", commits.good])
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/1\. backup written and verified: .*\.sql\.gz\.enc\n/)
    expect(result.stdout).toContain("3. no pending migrations")
    expect(result.stdout).toContain("health ok (version 0.1.1-upgrade.1, database up")
    expect(result.stdout).toMatch(/scoped read ok \(GET \/api\/v1\/jobs in workspace [0-9a-f-]{36}\)/)
    expect(result.stdout).toMatch(/MCP tools\/list ok \(\d+ tools\)/)
    expect(result.stdout).toContain("no service is installed: restart the host on it")
    expect(current()).toBe(`git-${commits.good.slice(0, 12)}`)
    expect(fs.readlinkSync(path.join(root, "releases", "previous"))).toBe("..")
    expect((await call(base, "GET", "/health")).status).toBe(200)
  }, 400_000)

  it("a commit whose host fails its smoke test is not switched to, and the failure says why", async () => {
    const result = await cli(["upgrade", "--to", commits.broken])
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(
      "the smoke test failed, so the running release stays: the new build exited 3 at boot"
    )
    expect(result.stderr).toContain("broken on purpose")
    expect(current()).toBe(`git-${commits.good.slice(0, 12)}`)
    expect((await call(base, "GET", "/health")).status).toBe(200)
  }, 400_000)

  it("rollback goes back to the release before", async () => {
    const result = await cli(["rollback"])
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    expect(current()).toBe("..")
    expect(fs.readlinkSync(path.join(root, "releases", "previous"))).toBe(`git-${commits.good.slice(0, 12)}`)
  })

  it("installs a release tarball (release-pack's layout, already built) beside and switches to it", async () => {
    const stage = path.join(scratchDir("carabase-tarball-"), "carabase-host-0.1.2-tarball.1")
    fs.mkdirSync(stage)
    for (const entry of ["dist", "sql", "scripts", "patches", "pnpm-lock.yaml", "README.md", ".env.example"]) {
      fs.cpSync(path.join(repoRoot, entry), path.join(stage, entry), { recursive: true })
    }
    const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"))
    fs.writeFileSync(path.join(stage, "package.json"), JSON.stringify({ ...packageJson, version: "0.1.2-tarball.1" }))
    const tarball = `${stage}.tar.gz`
    execFileSync("tar", ["-czf", tarball, "-C", path.dirname(stage), path.basename(stage)])

    const result = await cli(["upgrade", "--to", tarball])
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    expect(result.stdout).toContain("carabase-host-0.1.2-tarball.1: version 0.1.2-tarball.1")
    expect(result.stdout).not.toContain("building")
    expect(result.stdout).toMatch(/MCP tools\/list ok/)
    expect(current()).toBe("carabase-host-0.1.2-tarball.1")
  }, 400_000)

  it("names a pending migration as forward-only, applies it only with --yes, and rollback then refuses", async () => {
    const tables = async () => {
      const client = await connect(db.ownerUrl)
      try {
        return (await client.query("select to_regclass('upgrade_probe') is not null as present")).rows[0].present
      } finally {
        await client.end()
      }
    }
    const unconfirmed = await cli(["upgrade", "--to", commits.migrating])
    expect(unconfirmed.status).toBe(1)
    expect(unconfirmed.stdout).toContain(
      "1 pending migration(s). Migrations are forward-only SQL: none of these can be rolled back"
    )
    expect(unconfirmed.stdout).toContain("sql/9999_upgrade_probe.sql  additive")
    expect(unconfirmed.stderr).toContain("the migrations were not confirmed (--yes): nothing was applied")
    expect(await tables()).toBe(false)
    expect(current()).toBe("carabase-host-0.1.2-tarball.1")

    const confirmed = await cli(["upgrade", "--to", commits.migrating, "--yes"])
    expect(confirmed.stderr).toBe("")
    expect(confirmed.status).toBe(0)
    expect(confirmed.stdout).toContain("already installed and built")
    expect(confirmed.stdout).toContain("applied 9999_upgrade_probe.sql")
    expect(await tables()).toBe(true)
    expect(current()).toBe(`git-${commits.migrating.slice(0, 12)}`)
    const backup = /1\. backup written and verified: (\S+)/.exec(confirmed.stdout)![1]!

    const refused = await cli(["rollback"])
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain("the database has migration 9999 (upgrade_probe) that this host does not know")
    expect(refused.stderr).toContain(backup)
    expect(current()).toBe(`git-${commits.migrating.slice(0, 12)}`)
  }, 400_000)
})
