// `carabase upgrade --to <tarball|git ref>` and `carabase rollback`: a new release installed and built beside the
// running one (src/cli/Releases.ts), after a verified backup; its pending migrations named (all are forward-only)
// before any is applied; then applied, the new build smoke-tested on a spare port (health, a scoped read, MCP
// tools/list), and only then switched to, the previous release kept for `carabase rollback`. A failure at any step
// leaves the running release as it was and says why (exit 1).
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import * as readline from "node:readline/promises"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { Config, Effect, Layer } from "effect"
import { backupDirConfig, createBackup } from "../backups/Backups"
import * as Db from "../platform/Db"
import { BootError, HostEnv, type LoadedEnvironment } from "../platform/HostEnv"
import { migrationStatus, readMigrations } from "../platform/Migrator"
import { parseOrHelp, UsageError } from "./Args"
import { loadCliEnvironment, withCrypto } from "./CliEnv"
import {
  classifyMigration,
  linkTarget,
  pointLink,
  readInfo,
  releaseName,
  releasesDir,
  runningRelease,
  writeInfo
} from "./Releases"
import { reinstallService } from "./ServiceCommands"

export const upgradeHelp = `usage: carabase upgrade --to <release.tar.gz | git ref> [--yes]

Run from the install's folder (where .env.<env> is). In order, stopping at the first failure with the running
release untouched:
  1. a backup of the env's database, verified end to end (carabase backup)
  2. the release installed beside the running one, in releases/<name>/: a release tarball (scripts/release-pack.sh)
     is unpacked, a git ref (branch, tag or commit of this folder's repository) is checked out; then
     \`pnpm install --frozen-lockfile --prefer-offline\`, and \`pnpm build\` for a git ref
  3. its pending migrations listed: migrations are forward-only SQL, none can be rolled back, and the previous
     release refuses to start on a database that has them; applying them needs --yes (or typing yes)
  4. the migrations applied, and the new build started on a spare port of 127.0.0.1 and checked: /api/v1/health,
     a workspace-scoped read, MCP tools/list; then stopped
  5. releases/current switched to it (releases/previous keeps the one before) and the service restarted when one is
     installed (carabase service install); otherwise restart the host yourself
Exit 0 when switched, 1 when a step failed (the reason is printed), 2 on a usage error.

  --to <source>   a .tar.gz/.tgz release file, or a git ref
  --yes           apply pending migrations without asking`

export const rollbackHelp = `usage: carabase rollback [--force]

Switches releases/current back to releases/previous (kept by the last upgrade) and restarts the service when one is
installed. Migrations are forward-only: when the database has migrations the previous release does not know, it would
refuse to start, so rollback refuses and names the backup the upgrade took; restore it (carabase restore) to go back.

  --force   switch even so (the previous release will then refuse to start)`

const say = (line: string) => process.stdout.write(`${line}\n`)

class StepFailed extends Error {}

/** Runs a command; resolves with its output, or fails with the command and the end of its output. */
const exec = (command: string, args: ReadonlyArray<string>, options: { cwd: string; env?: NodeJS.ProcessEnv }) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env ?? process.env })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("error", (error) => reject(new StepFailed(`${command} cannot run: ${error.message}`)))
    child.once("close", (code) =>
      code === 0
        ? resolve(output)
        : reject(new StepFailed(`\`${[command, ...args].join(" ")}\` exited ${code}:\n${output.trim().slice(-2000)}`))
    )
  })

const spareLoopbackPort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

/** pnpm as it ran this command (`pnpm carabase upgrade` sets npm_execpath), else from PATH. */
const pnpm: ReadonlyArray<string> = /pnpm/.test(process.env.npm_execpath ?? "")
  ? [process.execPath, process.env.npm_execpath!]
  : ["pnpm"]

const isTarball = (source: string) => /\.(tar\.gz|tgz)$/.test(source) && fs.existsSync(source)

/** Unpacks or checks out the source into releases/<name>; an already complete one (release.json) is reused. */
const fetchRelease = async (root: string, source: string) => {
  let name: string
  let checkout: (dir: string) => Promise<unknown>
  if (isTarball(source)) {
    const tarball = path.resolve(source)
    name = releaseName({ tarball })
    checkout = (dir) => exec("tar", ["-xzf", tarball, "-C", dir, "--strip-components=1"], { cwd: root })
  } else {
    const commit = (
      await exec("git", ["rev-parse", "--verify", "--quiet", `${source}^{commit}`], { cwd: root }).catch(() => {
        throw new UsageError(`--to ${source}: neither a .tar.gz release file nor a git ref of ${root}`)
      })
    ).trim()
    name = releaseName({ commit })
    checkout = async (dir) => {
      await exec("git", ["clone", "--quiet", "--no-checkout", root, dir], { cwd: root })
      await exec("git", ["checkout", "--quiet", "--detach", commit], { cwd: dir })
    }
  }
  const dir = path.join(releasesDir(root), name)
  if (dir === runningRelease(root)) throw new StepFailed(`${name} is the release running now`)
  if (readInfo(dir) !== undefined && fs.existsSync(path.join(dir, "dist", "main.js"))) {
    say(`2. ${name}: already installed and built in ${dir}`)
    return { dir, name }
  }
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  try {
    await checkout(dir)
    say(`2. ${name}: installing dependencies`)
    await exec(
      pnpm[0]!,
      [...pnpm.slice(1), "install", "--frozen-lockfile", "--prefer-offline", "--reporter=append-only"],
      {
        cwd: dir,
        env: { ...process.env, CI: "true" }
      }
    )
    if (!fs.existsSync(path.join(dir, "dist", "main.js"))) {
      say(`   building`)
      await exec(process.execPath, ["scripts/build.mjs"], { cwd: dir })
    }
    const version = (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version
    writeInfo(dir, { source, version, installedAt: new Date().toISOString() })
    say(`   ${name}: version ${version}, built in ${dir}`)
    return { dir, name }
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw error
  }
}

const withOwnerDb = <A, E>(loaded: LoadedEnvironment, use: Effect.Effect<A, E, Db.OwnerDb>) =>
  Effect.runPromise(
    use.pipe(
      Effect.provide(Db.ownerLayer.pipe(Layer.provide(Layer.succeed(HostEnv, loaded.hostEnv)))),
      Effect.withConfigProvider(loaded.provider),
      Effect.scoped
    )
  )

const pendingOf = (loaded: LoadedEnvironment, release: string) =>
  withOwnerDb(
    loaded,
    Effect.flatMap(Db.OwnerDb, (sql) => migrationStatus(sql, path.join(release, "sql")))
  )

const confirm = async (question: string) => {
  if (!process.stdin.isTTY) return false
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout })
  try {
    return (await rl.question(question)).trim() === "yes"
  } finally {
    rl.close()
  }
}

const backupNow = () =>
  Effect.runPromise(
    withCrypto((crypto, loaded) =>
      Effect.gen(function* () {
        const databaseUrl = yield* Config.redacted("DATABASE_URL").pipe(
          Effect.mapError(() => new BootError({ message: "DATABASE_URL is not set: run `pnpm bootstrap`" }))
        )
        const dir = yield* backupDirConfig
        return yield* createBackup({ crypto, databaseUrl, dir, env: loaded.hostEnv.name })
      })
    )
  ).catch((error: unknown) => {
    throw new StepFailed(`the backup failed, so nothing was changed: ${(error as Error).message}`)
  })

interface SmokeResult {
  readonly checks: ReadonlyArray<string>
}

/** Boots the release on a spare loopback port against the env's database and checks it answers like a host. */
const smokeTest = async (root: string, release: string, loaded: LoadedEnvironment): Promise<SmokeResult> => {
  const port = await spareLoopbackPort()
  const base = `http://127.0.0.1:${port}`
  // The running host keeps its ports: the smoke host gets spare ones on loopback (its webhook listener too, if any).
  // It shares the running host's database, so it does no background work: the running host's jobs, chat replies,
  // imports and agent tasks stay the running host's (CARABASE_BACKGROUND_WORK, src/platform/BackgroundWork.ts).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: "127.0.0.1",
    PORT: String(port),
    CARABASE_BACKGROUND_WORK: "false"
  }
  if (loaded.values.has("CARABASE_WEBHOOK_PORT")) env.CARABASE_WEBHOOK_PORT = String(await spareLoopbackPort())
  const child = spawn(process.execPath, [path.join(release, "dist", "main.js")], { cwd: root, env })
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const apiKey = process.env.CARABASE_API_KEY
  const headers = (workspace?: string): Record<string, string> => ({
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    ...(workspace ? { "x-workspace-id": workspace } : {})
  })
  const get = async (route: string, workspace?: string) => {
    const response = await fetch(`${base}${route}`, {
      headers: headers(workspace),
      signal: AbortSignal.timeout(10_000)
    })
    const text = await response.text()
    if (!response.ok) throw new StepFailed(`GET ${route} answered ${response.status}: ${text.slice(0, 300)}`)
    return JSON.parse(text) as Record<string, unknown>
  }
  const checks: Array<string> = []
  try {
    const deadline = Date.now() + 60_000
    for (;;) {
      if (child.exitCode !== null) {
        throw new StepFailed(`the new build exited ${child.exitCode} at boot:\n${output.trim().slice(-2000)}`)
      }
      const up = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.ok,
        () => false
      )
      if (up) break
      if (Date.now() > deadline) throw new StepFailed(`the new build did not answer on ${base} within 60 s`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const health = await get("/api/v1/health")
    if (health.status !== "ok" || health.database !== "up") {
      throw new StepFailed(`/api/v1/health answered ${JSON.stringify(health)}`)
    }
    checks.push(`health ok (version ${String(health.version)}, database up, gateway ${String(health.gateway)})`)
    const { workspaces } = (await get("/api/v1/workspaces")) as { workspaces: Array<{ id: string; name: string }> }
    const workspace = workspaces[0]?.id
    if (workspace === undefined) {
      checks.push("scoped read and MCP skipped: no workspace yet")
      return { checks }
    }
    const jobs = (await get("/api/v1/jobs", workspace)) as { schedules?: unknown }
    if (!Array.isArray(jobs.schedules)) throw new StepFailed(`GET /api/v1/jobs answered without schedules`)
    checks.push(`scoped read ok (GET /api/v1/jobs in workspace ${workspace})`)
    const client = new Client({ name: "carabase-upgrade", version: "1.0.0" })
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: headers(workspace) } })
      )
      const { tools } = await client.listTools()
      if (tools.length === 0) throw new StepFailed("MCP tools/list answered no tools")
      checks.push(`MCP tools/list ok (${tools.length} tools)`)
    } catch (error) {
      throw error instanceof StepFailed ? error : new StepFailed(`MCP tools/list failed: ${(error as Error).message}`)
    } finally {
      await client.close().catch(() => undefined)
    }
    return { checks }
  } finally {
    if (child.exitCode === null) {
      child.kill("SIGTERM")
      const stopped = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("late"), 35_000))])
      if (stopped === "late") child.kill("SIGKILL")
    }
  }
}

const switchTo = (root: string, env: string, release: string) => {
  const previous = runningRelease(root)
  pointLink(root, "previous", previous)
  pointLink(root, "current", release)
  const service = reinstallService(env, root)
  return { previous, service }
}

const describeService = (service: ReturnType<typeof reinstallService>, root: string) =>
  service.installed
    ? service.error === undefined
      ? "the service was restarted on it"
      : `the service did not restart: ${service.error}`
    : `no service is installed: restart the host on it (node ${path.join(root, "releases", "current", "dist", "main.js")}, or \`carabase service install\`)`

export const runUpgrade = async (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, { help: upgradeHelp, flags: ["yes"], values: ["to"] })
  if (args === null) return 0
  const source = args.value("to")
  if (source === undefined) throw new UsageError("--to is required: a release .tar.gz or a git ref")
  const root = process.cwd()
  const loaded = await Effect.runPromise(loadCliEnvironment)
  if (loaded.hostEnv.file === null) {
    throw new UsageError(`${loaded.hostEnv.fileLabel} does not exist: run upgrade from the install's folder`)
  }
  try {
    say(`upgrading the ${loaded.hostEnv.name} host in ${root} (running: ${runningRelease(root)})`)
    const backup = await backupNow()
    say(`1. backup written and verified: ${backup.file}`)
    const { dir, name } = await fetchRelease(root, source)

    const status = await pendingOf(loaded, dir).catch((error: unknown) => {
      throw new StepFailed(`cannot compare the database with ${name}'s migrations: ${(error as Error).message}`)
    })
    if (status.problem !== null) throw new StepFailed(`${name} cannot run on this database: ${status.problem}`)
    const texts = new Map(readMigrations(path.join(dir, "sql")).map((m) => [m.file, m.text]))
    if (status.pending.length === 0) {
      say("3. no pending migrations: the previous release stays able to run on this database")
    } else {
      say(
        `3. ${status.pending.length} pending migration(s). Migrations are forward-only SQL: none of these can be rolled back, and\n` +
          `   once they are applied the previous release refuses to start on this database (rollback then needs the\n` +
          `   backup above restored):`
      )
      for (const file of status.pending) say(`     sql/${file}  ${classifyMigration(texts.get(file) ?? "")}`)
      if (!args.flag("yes") && !(await confirm("   type yes to apply them: "))) {
        throw new StepFailed(
          "the migrations were not confirmed (--yes): nothing was applied, the running release is unchanged"
        )
      }
      await exec(process.execPath, [path.join(dir, "dist", "cli.js"), "migrate"], { cwd: root })
      say(`   applied ${status.pending.join(", ")}`)
    }

    say(`4. smoke test of ${name} on a spare port`)
    const smoke = await smokeTest(root, dir, loaded).catch((error: unknown) => {
      throw new StepFailed(
        `the smoke test failed, so the running release stays: ${(error as Error).message}` +
          (status.pending.length > 0
            ? `\n(the migrations above were applied; ${backup.file} has the database before them)`
            : "")
      )
    })
    for (const check of smoke.checks) say(`   ${check}`)
    const info = readInfo(dir)!
    writeInfo(dir, { ...info, backup: backup.file, applied: status.pending })
    const { previous, service } = switchTo(root, loaded.hostEnv.name, dir)
    say(
      `5. switched: releases/current -> ${name} (releases/previous -> ${path.relative(releasesDir(root), previous) || "."})`
    )
    say(`   ${describeService(service, root)}`)
    return 0
  } catch (error) {
    if (error instanceof UsageError) throw error
    process.stderr.write(`carabase upgrade: ${(error as Error).message}\n`)
    return 1
  }
}

export const runRollback = async (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, { help: rollbackHelp, flags: ["force"] })
  if (args === null) return 0
  const root = process.cwd()
  const current = linkTarget(root, "current")
  const previous = linkTarget(root, "previous")
  if (current === undefined || previous === undefined) {
    process.stderr.write("carabase rollback: no previous release to go back to (releases/previous): no upgrade yet\n")
    return 1
  }
  const loaded = await Effect.runPromise(loadCliEnvironment)
  const status = await pendingOf(loaded, previous)
  if (status.problem !== null && !args.flag("force")) {
    const backup = readInfo(current)?.backup
    process.stderr.write(
      `carabase rollback: the previous release cannot run on this database: ${status.problem}.\n` +
        `Migrations are forward-only; to go back, restore the backup taken before the upgrade` +
        (backup === undefined ? "" : ` (${backup})`) +
        ` into an empty database (carabase restore), point DATABASE_URL at it, then rollback. Nothing was changed.\n`
    )
    return 1
  }
  pointLink(root, "previous", current)
  pointLink(root, "current", previous)
  const service = reinstallService(loaded.hostEnv.name, root)
  say(
    `rolled back: releases/current -> ${path.relative(releasesDir(root), previous) || "."} (releases/previous -> ${path.basename(current)})`
  )
  say(describeService(service, root))
  return 0
}
