// `carabase service`: the launchd agent and the systemd user unit it generates (the plist parsed back as a property
// list, the unit checked by `systemd-analyze verify`), `--dry-run` writing nothing, and a real install: on a machine
// with a systemd user session the unit is started (the host answers) and uninstalled (it stops); without one, the
// file is written and the command says exactly why the service did not load.
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { parse as parsePlist } from "plist"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { launchdPlist, serviceFilePath, systemdUnit } from "../../src/cli/ServiceFiles"
import { serviceSpec } from "../../src/cli/ServiceCommands"
import { createDatabase, type TestDatabase } from "../support/database"
import { cleanEnv, repoRoot, runCli, scratchDir } from "../support/hostProcess"
import { TEST_MASTER_KEY } from "../support/keys"
import { canConnect, freePort } from "../support/ports"

/** An install folder whose name needs escaping in both formats: a space, an ampersand, a percent sign. */
const install = (name = "Carabase & co 100%") => {
  const root = path.join(scratchDir("carabase-service-"), name)
  fs.mkdirSync(path.join(root, "dist"), { recursive: true })
  fs.copyFileSync(path.join(repoRoot, "dist", "main.js"), path.join(root, "dist", "main.js"))
  return root
}

describe("the launchd agent", () => {
  it("is a well-formed property list with the keys launchd needs, paths escaped", () => {
    const root = install()
    const spec = serviceSpec({
      env: "prod",
      root,
      manager: "launchd",
      node: "/opt/homebrew/bin/node",
      home: "/Users/o"
    })
    const parsed = parsePlist(launchdPlist(spec)) as Record<string, unknown>
    expect(parsed).toEqual({
      Label: "ai.carabase.host.prod",
      ProgramArguments: ["/opt/homebrew/bin/node", path.join(root, "dist", "main.js")],
      WorkingDirectory: root,
      EnvironmentVariables: { CARABASE_ENV: "prod", PATH: expect.stringMatching(/^\/opt\/homebrew\/bin:/) },
      RunAtLoad: true,
      KeepAlive: true,
      ThrottleInterval: 10,
      ExitTimeOut: 40,
      ProcessType: "Background",
      StandardOutPath: "/Users/o/Library/Logs/Carabase/host-prod.log",
      StandardErrorPath: "/Users/o/Library/Logs/Carabase/host-prod.err.log"
    })
    expect(serviceFilePath("launchd", "prod", "/Users/o")).toBe(
      "/Users/o/Library/LaunchAgents/ai.carabase.host.prod.plist"
    )
  })

  it("runs releases/current once upgrades made releases", () => {
    const root = install("plain")
    fs.mkdirSync(path.join(root, "releases", "r1", "dist"), { recursive: true })
    fs.writeFileSync(path.join(root, "releases", "r1", "dist", "main.js"), "")
    fs.symlinkSync("r1", path.join(root, "releases", "current"))
    const spec = serviceSpec({ env: "dev", root, manager: "launchd", node: "/n", home: "/h" })
    expect(spec.script).toBe(path.join(root, "releases", "current", "dist", "main.js"))
  })
})

const systemdAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0

describe("the systemd user unit", () => {
  it("names the unit, the restart policy, the working folder and the absolute Node", () => {
    const root = install()
    const spec = serviceSpec({ env: "staging", root, manager: "systemd", node: process.execPath, home: "/home/o" })
    const unit = systemdUnit(spec)
    expect(unit).toContain("Restart=on-failure\n")
    expect(unit).toContain(`WorkingDirectory=${root.replace(/%/g, "%%")}\n`)
    expect(unit).toContain(
      `ExecStart=${process.execPath} "${path.join(root, "dist", "main.js").replace(/%/g, "%%")}"\n`
    )
    expect(unit).toContain("Environment=CARABASE_ENV=staging\n")
    expect(unit).toContain("WantedBy=default.target\n")
    expect(serviceFilePath("systemd", "staging", "/home/o")).toBe(
      "/home/o/.config/systemd/user/carabase-staging.service"
    )
  })

  // systemd-analyze needs a runtime directory even to read a file; XDG_RUNTIME_DIR gives it one outside a session.
  it.runIf(systemdAnalyze)("passes systemd-analyze --user verify (skipped where systemd-analyze is missing)", () => {
    const root = install()
    const dir = scratchDir("carabase-unit-")
    const file = path.join(dir, "carabase-prod.service")
    fs.writeFileSync(file, systemdUnit(serviceSpec({ env: "prod", root, manager: "systemd" })))
    const runtime = scratchDir("carabase-xdg-")
    fs.chmodSync(runtime, 0o700)
    const result = spawnSync("systemd-analyze", ["--user", "verify", file], {
      encoding: "utf8",
      env: { ...process.env, XDG_RUNTIME_DIR: runtime }
    })
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)

    // And it is no rubber stamp: a Node path that does not exist fails it.
    fs.writeFileSync(
      file,
      systemdUnit(serviceSpec({ env: "prod", root, manager: "systemd", node: "/nonexistent/node" }))
    )
    const broken = spawnSync("systemd-analyze", ["--user", "verify", file], {
      encoding: "utf8",
      env: { ...process.env, XDG_RUNTIME_DIR: runtime }
    })
    expect(broken.status).not.toBe(0)
    expect(broken.stderr).toContain("/nonexistent/node")
  })
})

describe("carabase service", () => {
  it("--dry-run prints the file and the commands, and writes nothing", async () => {
    const home = scratchDir("carabase-home-")
    const cwd = install()
    const result = await runCli(["service", "install", "--env", "prod", "--dry-run"], {
      cwd,
      env: cleanEnv({ HOME: home })
    })
    expect(result.status).toBe(0)
    const unitPath = path.join(home, ".config", "systemd", "user", "carabase-prod.service")
    expect(result.stdout).toContain(`would write ${unitPath}:`)
    expect(result.stdout).toContain(`ExecStart=${process.execPath} `)
    expect(result.stdout).toContain("systemctl --user enable carabase-prod.service")
    expect(fs.existsSync(unitPath)).toBe(false)

    const mac = await runCli(["service", "install", "--dry-run", "--manager", "launchd"], {
      cwd,
      env: cleanEnv({ HOME: home })
    })
    expect(mac.status).toBe(0)
    expect(mac.stdout).toContain("<key>KeepAlive</key>")
    expect(mac.stdout).toContain(`launchctl bootstrap gui/`)
  })

  it("refuses bad input with exit 2 and the help", async () => {
    const env = cleanEnv({ HOME: scratchDir() })
    const cwd = install()
    const unknown = await runCli(["service", "restart"], { cwd, env })
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('unknown action "restart"')
    const badEnv = await runCli(["service", "install", "--env", "qa"], { cwd, env })
    expect(badEnv.status).toBe(2)
    expect(badEnv.stderr).toContain("--env must be dev, staging or prod")
    const noEnvFile = await runCli(["service", "install", "--env", "prod"], { cwd, env })
    expect(noEnvFile.status).toBe(2)
    expect(noEnvFile.stderr).toContain(".env.prod does not exist")
  })
})

/** A systemd user manager this test can talk to (not in a container without systemd as PID 1). */
const userSystemd = spawnSync("systemctl", ["--user", "show-environment"]).status === 0

describe("a real install", () => {
  let db: TestDatabase
  let home: string
  let cwd: string
  let port: number
  beforeAll(async () => {
    db = await createDatabase("service")
    home = userSystemd ? (process.env.HOME ?? scratchDir()) : scratchDir("carabase-home-")
    cwd = install("real")
    port = await freePort()
    fs.writeFileSync(
      path.join(cwd, ".env.dev"),
      `HOST_MASTER_KEY=${TEST_MASTER_KEY}\nDATABASE_URL=${db.ownerUrl}\nAPP_DATABASE_URL=${db.appUrl}\nHOST=127.0.0.1\nPORT=${port}\n`,
      { mode: 0o600 }
    )
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(cwd, "node_modules"))
    fs.symlinkSync(path.join(repoRoot, "sql"), path.join(cwd, "sql"))
  })
  afterAll(async () => {
    if (userSystemd) await runCli(["service", "uninstall"], { cwd, env: cleanEnv({ HOME: home }) })
    await db?.drop()
  })

  it.runIf(!userSystemd)("without a systemd user session: writes the unit and says why it did not load", async () => {
    const result = await runCli(["service", "install"], { cwd, env: cleanEnv({ HOME: home }) })
    const unitPath = path.join(home, ".config", "systemd", "user", "carabase-dev.service")
    expect(result.stdout).toContain(`wrote ${unitPath}`)
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(
      /the file is written but the service did not load: `systemctl --user daemon-reload` exited 1: .*bus/i
    )
    expect(fs.readFileSync(unitPath, "utf8")).toContain(`WorkingDirectory=${cwd}\n`)

    const removed = await runCli(["service", "uninstall"], { cwd, env: cleanEnv({ HOME: home }) })
    expect(removed.status).toBe(0)
    expect(fs.existsSync(unitPath)).toBe(false)
  })

  it.runIf(userSystemd)("with a systemd user session: the unit starts the host, and uninstall stops it", async () => {
    const env = cleanEnv({ HOME: home, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR })
    const result = await runCli(["service", "install"], { cwd, env })
    expect(result.stderr).toBe("")
    expect(result.status).toBe(0)
    for (let i = 0; i < 200 && !(await canConnect(port)); i++) await new Promise((r) => setTimeout(r, 100))
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status).toBe(200)
    expect((await runCli(["service", "status"], { cwd, env })).status).toBe(0)
    expect((await runCli(["service", "uninstall"], { cwd, env })).status).toBe(0)
    for (let i = 0; i < 100 && (await canConnect(port)); i++) await new Promise((r) => setTimeout(r, 100))
    expect(await canConnect(port)).toBe(false)
  })
})
