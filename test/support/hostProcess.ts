// Runs the built host (dist/main.js) as a real child process in a scratch working directory.
import { spawn, type ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { canConnect } from "./ports"
import { TEST_MASTER_KEY } from "./keys"

export const repoRoot = path.resolve(import.meta.dirname, "..", "..")
export const mainJs = path.join(repoRoot, "dist", "main.js")
export const cliJs = path.join(repoRoot, "dist", "cli.js")

export const scratchDir = (prefix = "carabase-test-") => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

/** The parent's environment minus everything Carabase reads, so a developer's own settings never leak in. */
export const cleanEnv = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  const carabase = /^(CARABASE_|HOST$|PORT$|HOST_MASTER_KEY$|DATABASE_URL$|APP_DATABASE_URL$|OPENCLAW_|LOG_LEVEL$|PG)/
  for (const [key, value] of Object.entries(process.env)) if (!carabase.test(key)) env[key] = value
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value
  return env
}

export interface HostProcess {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves once the host logs that it listens; rejects if it exits first. */
  readonly ready: (timeoutMs?: number) => Promise<void>
  readonly stop: () => Promise<void>
}

/** Starts `script` (dist/main.js by default) on `node` (this process's Node by default). */
export const startHost = (options: {
  cwd: string
  env: NodeJS.ProcessEnv
  script?: string
  node?: string
  /** Options for node itself (a benchmark's --cpu-prof). */
  nodeArgs?: ReadonlyArray<string>
}): HostProcess => {
  const child = spawn(options.node ?? process.execPath, [...(options.nodeArgs ?? []), options.script ?? mainJs], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"]
  })
  let out = ""
  let err = ""
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()))
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal }))
  )
  const ready = (timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now()
      const port = options.env.PORT === undefined ? undefined : Number(options.env.PORT)
      const tick = async () => {
        if (port !== undefined && (await canConnect(port))) return resolve()
        if (port === undefined && /listening on/.test(out)) return resolve()
        if (child.exitCode !== null || child.signalCode !== null) {
          return reject(new Error(`host exited early (${child.exitCode}): ${err || out}`))
        }
        if (Date.now() - started > timeoutMs)
          return reject(new Error(`host not ready in ${timeoutMs} ms: ${err || out}`))
        setTimeout(() => void tick(), 25)
      }
      void tick()
    })
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    await exited
  }
  return { child, stdout: () => out, stderr: () => err, exited, ready, stop }
}

/** Env for a host on `port` against a test database, with the test master key. */
export const hostEnv = (
  database: { ownerUrl: string; appUrl: string },
  port: number,
  extra: Record<string, string | undefined> = {}
): NodeJS.ProcessEnv =>
  cleanEnv({
    PORT: String(port),
    HOST_MASTER_KEY: TEST_MASTER_KEY,
    DATABASE_URL: database.ownerUrl,
    APP_DATABASE_URL: database.appUrl,
    LOG_LEVEL: "warning",
    ...extra
  })

export interface CliResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `node dist/cli.js <args>` without blocking this worker: a chain of synchronous spawns would starve the test
 * runner's own messages (and any in-process fake server) on a loaded machine.
 */
export const runCli = (
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly input?: string }
): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliJs, ...args], { cwd: options.cwd, env: options.env })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.once("error", reject)
    child.once("close", (status) => resolve({ status, stdout, stderr }))
    child.stdin.end(options.input ?? "")
  })
