// The real OpenClaw gateway for the compatibility suite: installed from the npm registry by
// scripts/openclaw-install.sh (Node 24 and openclaw, into the git-ignored .cache/openclaw), started on loopback with a
// config the test writes, in a HOME, state directory and config path of its own. OpenClaw also writes /tmp/openclaw,
// /tmp/openclaw-state-locks-<uid> and /tmp/.openclaw-terminal-staging-<uid> whatever TMPDIR says: stop() removes
// those it created.
import { execFile, spawn, type ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"
import { repoRoot } from "./hostProcess"

export interface OpenClawInstall {
  readonly node: string
  readonly entry: string
  readonly version: string
  readonly nodeVersion: string
}

/** Runs the install script (a no-op when the cache already holds the pinned versions). */
export const installOpenClaw = async (): Promise<OpenClawInstall> => {
  const { stdout } = await promisify(execFile)("bash", [path.join(repoRoot, "scripts", "openclaw-install.sh")], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: 900_000
  })
  const [node, entry] = stdout.trim().split("\n")
  const packageJson = JSON.parse(fs.readFileSync(path.join(path.dirname(entry!), "package.json"), "utf8"))
  const { stdout: nodeVersion } = await promisify(execFile)(node!, ["--version"])
  return { node: node!, entry: entry!, version: packageJson.version, nodeVersion: nodeVersion.trim() }
}

export interface OpenClawGateway {
  readonly url: string
  readonly configPath: string
  /** Rewrites the config file; OpenClaw hot-reloads gateway.http.endpoints on its next request. */
  readonly setChatCompletions: (enabled: boolean) => void
  readonly log: () => string
  /** Established TCP connections OpenClaw's processes hold to a port on this machine (read from /proc). */
  readonly connectionsTo: (port: number) => number
  readonly stop: () => Promise<void>
}

const uid = () => (typeof process.getuid === "function" ? process.getuid() : 0)

/** What OpenClaw puts in /tmp whatever TMPDIR says. */
const sharedTmpPaths = () => [
  "/tmp/openclaw",
  `/tmp/openclaw-state-locks-${uid()}`,
  `/tmp/.openclaw-terminal-staging-${uid()}`
]

/** The processes of a process group (OpenClaw and the helpers it starts). */
const groupPids = (group: number): Array<string> =>
  fs.readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) === group
    } catch {
      return false
    }
  })

const socketInodes = (pids: ReadonlyArray<string>): Set<string> => {
  const inodes = new Set<string>()
  for (const pid of pids) {
    let fds: Array<string> = []
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      try {
        const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`)
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1]
        if (inode !== undefined) inodes.add(inode)
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes
}

/** Established connections to `port` among the sockets `inodes`, from /proc/net/tcp and tcp6. */
const establishedTo = (port: number, inodes: Set<string>) => {
  let count = 0
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let lines: Array<string> = []
    try {
      lines = fs.readFileSync(table, "utf8").trim().split("\n").slice(1)
    } catch {
      continue
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/)
      const remotePort = parseInt(fields[2]!.split(":")[1]!, 16)
      if (remotePort === port && fields[3] === "01" && inodes.has(fields[9]!)) count++
    }
  }
  return count
}

/** Merges `overlay` into `base`, objects key by key. */
export const deepMerge = (base: any, overlay: any): any => {
  if (typeof base !== "object" || base === null || Array.isArray(base)) return overlay
  if (typeof overlay !== "object" || overlay === null || Array.isArray(overlay)) return overlay
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(overlay)) merged[key] = deepMerge(base[key], value)
  return merged
}

/**
 * Starts `openclaw gateway run` with `config` written to its own OPENCLAW_CONFIG_PATH, and waits until its HTTP
 * server answers and it logs that it is ready (OpenClaw takes 15 to 80 s to start).
 */
export const startOpenClaw = async (
  install: OpenClawInstall,
  options: { readonly port: number; readonly config: Record<string, unknown>; readonly startTimeoutMs?: number }
): Promise<OpenClawGateway> => {
  const createdTmp = sharedTmpPaths().filter((candidate) => !fs.existsSync(candidate))
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "carabase-openclaw-"))
  const home = path.join(root, "home")
  const state = path.join(root, "state")
  fs.mkdirSync(home)
  fs.mkdirSync(state)
  const configPath = path.join(root, "openclaw.json")
  let config = options.config
  const write = () => fs.writeFileSync(configPath, JSON.stringify(config, null, 2), { mode: 0o600 })
  write()
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.dirname(install.node)}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: home,
    OPENCLAW_STATE_DIR: state,
    OPENCLAW_CONFIG_PATH: configPath,
    OPENCLAW_NO_AUTO_UPDATE: "1",
    TMPDIR: root,
    NO_COLOR: "1"
  }
  const child: ChildProcess = spawn(install.node, [install.entry, "gateway", "run", "--port", String(options.port)], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true
  })
  let log = ""
  child.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString()))
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const url = `http://127.0.0.1:${options.port}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // The whole process group: OpenClaw starts helpers of its own (its spawn broker).
      try {
        process.kill(-child.pid!, "SIGTERM")
      } catch {
        // already gone
      }
      const killed = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL")
        } catch {
          // already gone
        }
      }, 15_000)
      await exited
      clearTimeout(killed)
    }
    fs.rmSync(root, { recursive: true, force: true })
    for (const created of createdTmp) fs.rmSync(created, { recursive: true, force: true })
  }
  const deadline = Date.now() + (options.startTimeoutMs ?? 240_000)
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop()
      throw new Error(`OpenClaw exited before it answered:\n${log}`)
    }
    const answered = await fetch(`${url}/v1/models`, { signal: AbortSignal.timeout(2_000) })
      .then(async (response) => {
        await response.body?.cancel()
        return true
      })
      .catch(() => false)
    // Its HTTP server answers some seconds before it has started its channels and sidecars and logs "ready".
    if (answered && /\[gateway\] ready/.test(log)) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`OpenClaw did not answer within ${options.startTimeoutMs ?? 240_000} ms:\n${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  return {
    url,
    configPath,
    setChatCompletions: (enabled) => {
      config = deepMerge(config, { gateway: { http: { endpoints: { chatCompletions: { enabled } } } } })
      write()
    },
    log: () => log,
    connectionsTo: (port) => establishedTo(port, socketInodes(groupPids(child.pid!))),
    stop
  }
}
