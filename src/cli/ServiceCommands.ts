// `carabase service install [--env <env>] [--dry-run] | status | uninstall | logs [--follow]`: the host as a launchd
// agent (macOS) or a systemd user unit (Linux), from the files ServiceFiles.ts generates. Install writes the file and
// loads it; status, uninstall and logs ask the same manager. The file holds no secret: the host reads `.env.<env>` in
// its working directory, this install's folder, as it does when run by hand.
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Environments } from "../platform/HostEnv"
import { parseOrHelp, UsageError } from "./Args"
import {
  launchdLabel,
  launchdLogPaths,
  launchdPlist,
  serviceFilePath,
  systemdUnit,
  systemdUnitName,
  type ServiceManager,
  type ServiceSpec
} from "./ServiceFiles"

export const serviceHelp = `usage: carabase service install [--env dev|staging|prod] [--dry-run]
       carabase service status    [--env <env>]
       carabase service uninstall [--env <env>]
       carabase service logs      [--env <env>] [--follow] [--lines <n>]

Runs the host as a service of this user, started at login and restarted when it fails:
  macOS  a launchd agent, ~/Library/LaunchAgents/ai.carabase.host.<env>.plist (RunAtLoad, KeepAlive), output in
         ~/Library/Logs/Carabase/host-<env>.log and host-<env>.err.log
  Linux  a systemd user unit, ~/.config/systemd/user/carabase-<env>.service (Restart=on-failure), output in the
         journal; \`loginctl enable-linger $USER\` makes it start at boot and keep running after you log out
Run it from the install's folder: the service runs \`node dist/main.js\` there (releases/current/dist/main.js once
\`carabase upgrade\` has made releases) with this Node binary's absolute path, and the host reads .env.<env> there.

  --env <env>     which env the service serves (CARABASE_ENV, else dev); one service per env
  --dry-run       print the file and the commands install would run, and change nothing
  --follow        (logs) keep printing new lines
  --lines <n>     (logs) how many of the last lines to print (200)
  --manager <m>   launchd or systemd instead of this system's (with --dry-run, to see the other system's file)`

const ACTIONS = ["install", "status", "uninstall", "logs"] as const
type Action = (typeof ACTIONS)[number]

const managerOf = (platform: NodeJS.Platform): ServiceManager | undefined =>
  platform === "darwin" ? "launchd" : platform === "linux" ? "systemd" : undefined

/** The bundle the service runs: releases/current once upgrades made releases, else this folder's dist/main.js. */
export const serviceScript = (root: string): string => {
  const current = path.join(root, "releases", "current", "dist", "main.js")
  return fs.existsSync(current) ? current : path.join(root, "dist", "main.js")
}

/** PATH for the service: the Node binary's folder first, then where PostgreSQL's tools usually are. */
export const servicePath = (node: string, manager: ServiceManager) =>
  [
    ...new Set([
      path.dirname(node),
      ...(manager === "launchd"
        ? ["/opt/homebrew/bin", "/opt/homebrew/opt/libpq/bin", "/usr/local/bin"]
        : ["/usr/local/bin", "/usr/lib/postgresql/bin"]),
      "/usr/bin",
      "/bin"
    ])
  ].join(":")

export const serviceSpec = (options: {
  readonly env: string
  readonly root: string
  readonly manager: ServiceManager
  readonly node?: string
  readonly home?: string
}): ServiceSpec => {
  const node = options.node ?? process.execPath
  return {
    env: options.env,
    node,
    script: serviceScript(options.root),
    workingDirectory: options.root,
    path: servicePath(node, options.manager),
    home: options.home ?? os.homedir()
  }
}

export const serviceFile = (manager: ServiceManager, spec: ServiceSpec) =>
  manager === "launchd" ? launchdPlist(spec) : systemdUnit(spec)

interface Step {
  readonly command: string
  readonly args: ReadonlyArray<string>
  /** A failure of this step does not stop the action (unloading what may not be loaded). */
  readonly optional?: boolean
}

const uid = () => process.getuid?.() ?? 0

const loadSteps = (manager: ServiceManager, env: string, file: string): ReadonlyArray<Step> =>
  manager === "launchd"
    ? [
        { command: "launchctl", args: ["bootout", `gui/${uid()}/${launchdLabel(env)}`], optional: true },
        { command: "launchctl", args: ["bootstrap", `gui/${uid()}`, file] }
      ]
    : [
        { command: "systemctl", args: ["--user", "daemon-reload"] },
        { command: "systemctl", args: ["--user", "enable", systemdUnitName(env)] },
        { command: "systemctl", args: ["--user", "restart", systemdUnitName(env)] }
      ]

const unloadSteps = (manager: ServiceManager, env: string): ReadonlyArray<Step> =>
  manager === "launchd"
    ? [{ command: "launchctl", args: ["bootout", `gui/${uid()}/${launchdLabel(env)}`], optional: true }]
    : [{ command: "systemctl", args: ["--user", "disable", "--now", systemdUnitName(env)], optional: true }]

/**
 * After `carabase upgrade` or `rollback` switched releases: rewrites an installed service's file for this install
 * (so a service installed before releases existed now runs releases/current) and reloads and restarts it.
 */
export const reinstallService = (
  env: string,
  root: string
): { readonly installed: boolean; readonly error?: string } => {
  const manager = managerOf(process.platform)
  if (manager === undefined) return { installed: false }
  const spec = serviceSpec({ env, root, manager })
  const file = serviceFilePath(manager, env, spec.home)
  if (!fs.existsSync(file)) return { installed: false }
  fs.writeFileSync(file, serviceFile(manager, spec), { mode: 0o644 })
  const failed = runSteps(loadSteps(manager, env, file))
  return failed === undefined ? { installed: true } : { installed: true, error: failed }
}

const shown = (step: Step) => [step.command, ...step.args].join(" ")

const run = (step: Step, stdio: "pipe" | "inherit") => {
  const result = spawnSync(step.command, [...step.args], {
    stdio: stdio === "pipe" ? "pipe" : "inherit",
    encoding: "utf8"
  })
  if (result.error !== undefined) {
    return {
      ok: false,
      error: `${step.command} cannot run: ${(result.error as NodeJS.ErrnoException).code ?? result.error.message}`
    }
  }
  const output = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim()
  return result.status === 0
    ? { ok: true, error: "" }
    : { ok: false, error: `\`${shown(step)}\` exited ${result.status}${output === "" ? "" : `: ${output}`}` }
}

const runSteps = (steps: ReadonlyArray<Step>): string | undefined => {
  for (const step of steps) {
    const result = run(step, "pipe")
    if (!result.ok && step.optional !== true) return result.error
  }
  return undefined
}

const lingerNote = `So it starts at boot and keeps running after you log out: loginctl enable-linger ${os.userInfo().username}`

const install = (manager: ServiceManager, env: string, dryRun: boolean): number => {
  const root = process.cwd()
  const spec = serviceSpec({ env, root, manager })
  const file = serviceFilePath(manager, env, spec.home)
  const text = serviceFile(manager, spec)
  const steps = loadSteps(manager, env, file)
  if (dryRun) {
    process.stdout.write(
      `would write ${file}:\n\n${text}\nthen run:\n${steps.map((s) => `  ${shown(s)}`).join("\n")}\n`
    )
    return 0
  }
  const envFile = path.join(root, `.env.${env}`)
  if (!fs.existsSync(envFile) && !(env === "dev" && fs.existsSync(path.join(root, ".env")))) {
    throw new UsageError(
      `${envFile} does not exist: run the service from the install's folder, after \`CARABASE_ENV=${env} pnpm bootstrap\``
    )
  }
  if (!fs.existsSync(spec.script)) throw new UsageError(`${spec.script} does not exist: run \`pnpm build\` first`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  if (manager === "launchd") fs.mkdirSync(launchdLogPaths(env, spec.home).dir, { recursive: true, mode: 0o700 })
  fs.writeFileSync(file, text, { mode: 0o644 })
  process.stdout.write(`wrote ${file}\n  runs ${spec.node} ${spec.script}\n  in   ${root} (reads .env.${env})\n`)
  const failed = runSteps(steps)
  if (failed !== undefined) {
    process.stderr.write(`carabase service install: the file is written but the service did not load: ${failed}\n`)
    return 1
  }
  process.stdout.write(`loaded and started: ${manager === "launchd" ? launchdLabel(env) : systemdUnitName(env)}\n`)
  if (manager === "systemd") process.stdout.write(`${lingerNote}\n`)
  return 0
}

const status = (manager: ServiceManager, env: string): number => {
  const file = serviceFilePath(manager, env, os.homedir())
  if (!fs.existsSync(file)) {
    process.stdout.write(`not installed (no ${file}): \`carabase service install --env ${env}\`\n`)
    return 1
  }
  process.stdout.write(`installed: ${file}\n`)
  const step: Step =
    manager === "launchd"
      ? { command: "launchctl", args: ["print", `gui/${uid()}/${launchdLabel(env)}`] }
      : { command: "systemctl", args: ["--user", "status", "--no-pager", systemdUnitName(env)] }
  const result = run(step, "inherit")
  if (!result.ok) process.stderr.write(`carabase service status: ${result.error}\n`)
  return result.ok ? 0 : 1
}

const uninstall = (manager: ServiceManager, env: string): number => {
  const file = serviceFilePath(manager, env, os.homedir())
  if (!fs.existsSync(file)) {
    process.stdout.write(`not installed (no ${file})\n`)
    return 0
  }
  runSteps(unloadSteps(manager, env))
  fs.rmSync(file)
  if (manager === "systemd") runSteps([{ command: "systemctl", args: ["--user", "daemon-reload"], optional: true }])
  process.stdout.write(`stopped and removed ${file}\n`)
  return 0
}

const logs = (manager: ServiceManager, env: string, follow: boolean, lines: string): number => {
  const step: Step =
    manager === "launchd"
      ? {
          command: "tail",
          args: [
            "-n",
            lines,
            ...(follow ? ["-F"] : []),
            launchdLogPaths(env, os.homedir()).out,
            launchdLogPaths(env, os.homedir()).err
          ]
        }
      : {
          command: "journalctl",
          args: ["--user", "-u", systemdUnitName(env), "-n", lines, "--no-pager", ...(follow ? ["-f"] : [])]
        }
  const result = run(step, "inherit")
  if (!result.ok) process.stderr.write(`carabase service logs: ${result.error}\n`)
  return result.ok ? 0 : 1
}

export const runService = (argv: ReadonlyArray<string>): number => {
  const args = parseOrHelp(argv, {
    help: serviceHelp,
    flags: ["dry-run", "follow"],
    values: ["env", "lines", "manager"],
    positionals: [{ name: "action", missing: "name an action: install, status, uninstall or logs" }]
  })
  if (args === null) return 0
  const action = args.positionals[0] as Action
  if (!ACTIONS.includes(action)) throw new UsageError(`unknown action "${action}": install, status, uninstall or logs`)
  const env = args.value("env") ?? process.env.CARABASE_ENV ?? "dev"
  if (!(Environments as ReadonlyArray<string>).includes(env)) throw new UsageError(`--env must be dev, staging or prod`)
  const chosen = args.value("manager")
  if (chosen !== undefined && chosen !== "launchd" && chosen !== "systemd") {
    throw new UsageError(`--manager must be launchd or systemd`)
  }
  if (chosen !== undefined && !args.flag("dry-run")) throw new UsageError(`--manager needs --dry-run`)
  const manager = chosen ?? managerOf(process.platform)
  if (manager === undefined) {
    throw new UsageError(
      `services are launchd agents (macOS) or systemd user units (Linux); this is ${process.platform}`
    )
  }
  const lines = args.value("lines") ?? "200"
  if (!/^[1-9]\d{0,5}$/.test(lines)) throw new UsageError(`--lines must be a whole number from 1`)
  switch (action) {
    case "install":
      return install(manager, env, args.flag("dry-run"))
    case "status":
      return status(manager, env)
    case "uninstall":
      return uninstall(manager, env)
    case "logs":
      return logs(manager, env, args.flag("follow"), lines)
  }
}
