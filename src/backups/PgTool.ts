// Runs a PostgreSQL client tool (pg_dump, psql) against a connection URL. The password goes to the tool through
// PGPASSWORD, never on its command line (where `ps` shows it), and a bounded tail of its stderr is kept for the error.
import { spawn } from "node:child_process"
import type { Readable } from "node:stream"
import { Redacted } from "effect"

/** The connection URL without its password, and the password alone ("" when the URL has none). */
export const splitPassword = (url: Redacted.Redacted<string>) => {
  const parsed = new URL(Redacted.value(url))
  const password = decodeURIComponent(parsed.password)
  parsed.password = ""
  return { dbname: parsed.toString(), password }
}

/**
 * Runs `tool args... --no-password --dbname=<url without password>`. `stdout`, when given, consumes the tool's output
 * (otherwise it is discarded); then a non-zero exit rejects with `failure(code, the last stderrTail characters of
 * stderr)`, and a tool that cannot be started rejects saying so.
 */
export const runPgTool = async (options: {
  readonly tool: "pg_dump" | "psql"
  readonly databaseUrl: Redacted.Redacted<string>
  readonly args: ReadonlyArray<string>
  readonly stdout?: (out: Readable) => Promise<void>
  readonly stderrTail: number
  readonly failure: (code: number | null, stderr: string) => string
}): Promise<void> => {
  const { dbname, password } = splitPassword(options.databaseUrl)
  const child = spawn(options.tool, [...options.args, "--no-password", `--dbname=${dbname}`], {
    stdio: ["ignore", options.stdout === undefined ? "ignore" : "pipe", "pipe"],
    env: { ...process.env, ...(password === "" ? {} : { PGPASSWORD: password }) }
  })
  let stderr = ""
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-options.stderrTail)))
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? new Error(`${options.tool} was not found on PATH: install PostgreSQL's client tools (version 15 or later)`)
          : error
      )
    )
    child.once("close", resolve)
  })
  // Both settle before this answers: a tool that cannot start fails at once while its output consumer may still be
  // opening its file, and a caller that cleans up on failure must find that file there, not see it appear later. (A
  // rejection nobody awaits would also end the process: the nightly backup runs inside the host.)
  const [exit, output] = await Promise.allSettled([exited, options.stdout?.(child.stdout!)])
  if (exit.status === "rejected") throw exit.reason
  if (exit.value !== 0) throw new Error(options.failure(exit.value, stderr))
  if (output.status === "rejected") throw output.reason
}
