// A PostgreSQL server of the test's own, on a free port in a scratch folder, that a test may stop and start (the
// shared test server must never be stopped under other suites). Uses the machine's PostgreSQL binaries; initdb
// refuses root, so as root the cluster belongs to the OS user postgres.
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { freePort } from "./ports"

const binDir = () => {
  const root = "/usr/lib/postgresql"
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : []
  const found = versions.map((v) => path.join(root, v, "bin")).find((dir) => fs.existsSync(path.join(dir, "initdb")))
  if (found === undefined) throw new Error("no PostgreSQL server binaries under /usr/lib/postgresql")
  return found
}

export interface PrivateCluster {
  readonly port: number
  /** The superuser URL of a database on this server. */
  readonly url: (database?: string) => string
  readonly stop: () => void
  readonly start: () => void
  readonly destroy: () => void
}

export const startPrivateCluster = async (): Promise<PrivateCluster> => {
  const bin = binDir()
  const asRoot = process.getuid?.() === 0
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "carabase-pg-"))
  const data = path.join(dir, "data")
  const run = (file: string, args: ReadonlyArray<string>) =>
    execFileSync(asRoot ? "runuser" : file, asRoot ? ["-u", "postgres", "--", file, ...args] : args, {
      cwd: "/",
      stdio: ["ignore", "ignore", "pipe"]
    })
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir])
  run(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`
  const ctl = (args: ReadonlyArray<string>) => run(path.join(bin, "pg_ctl"), ["-D", data, ...args])
  const start = () => ctl(["-l", path.join(dir, "log"), "-o", options, "-w", "-t", "60", "start"])
  const stop = () => ctl(["-m", "fast", "-w", "-t", "60", "stop"])
  start()
  return {
    port,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start,
    stop,
    destroy: () => {
      try {
        stop()
      } catch {
        // already stopped
      }
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
