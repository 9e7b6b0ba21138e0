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
  readonly stop: () => Promise<void>
}

const uid = () => (typeof process.getuid === "function" ? process.getuid() : 0)

/** What OpenClaw puts in /tmp whatever TMPDIR says. */
const sharedTmpPaths = () => [
  "/tmp/openclaw",
  `/tmp/openclaw-state-locks-${uid()}`,
  `/tmp/.openclaw-terminal-staging-${uid()}`
]

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
 * server answers (OpenClaw takes 15 to 80 s to start).
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
    if (answered) break
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
    stop
  }
}
