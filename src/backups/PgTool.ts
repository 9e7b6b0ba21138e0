// Runs a PostgreSQL client tool (pg_dump, psql) against a connection URL. The password goes to the tool through
// PGPASSWORD, never on its command line (where `ps` shows it), and a bounded tail of its stderr is kept for the error.
// Interrupting the effect stops the tool (SIGTERM, then SIGKILL after a grace period) and waits until it has exited,
// so no tool outlives the command or job that started it: a psql killed mid-transaction commits nothing.
import { spawn } from "node:child_process"
import type { Readable } from "node:stream"
import { Data, Effect, Redacted } from "effect"

export class PgToolError extends Data.TaggedError("PgToolError")<{ readonly message: string }> {}

/** How long a tool has to exit after SIGTERM before it is killed outright. */
export const KILL_GRACE_MS = 3_000

/** The connection URL without its password, and the password alone ("" when the URL has none). */
export const splitPassword = (url: Redacted.Redacted<string>) => {
  const parsed = new URL(Redacted.value(url))
  const password = decodeURIComponent(parsed.password)
  parsed.password = ""
  return { dbname: parsed.toString(), password }
}

/**
 * Runs `tool args... --no-password --dbname=<url without password>`. `stdout`, when given, consumes the tool's output
 * (otherwise it is discarded); then a non-zero exit fails with `failure(code, the last stderrTail characters of
 * stderr)`, and a tool that cannot be started fails saying so.
 */
export const runPgTool = (options: {
  readonly tool: "pg_dump" | "psql"
  readonly databaseUrl: Redacted.Redacted<string>
  readonly args: ReadonlyArray<string>
  readonly stdout?: (out: Readable) => Promise<void>
  readonly stderrTail: number
  readonly failure: (code: number | null, stderr: string) => string
}): Effect.Effect<void, PgToolError> =>
  Effect.async<void, PgToolError>((resume) => {
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
            ? new Error(
                `${options.tool} was not found on PATH: install PostgreSQL's client tools (version 15 or later)`
              )
            : error
        )
      )
      child.once("close", resolve)
    })
    // Both settle before this answers: a tool that cannot start fails at once while its output consumer may still be
    // opening its file, and a caller that cleans up on failure must find that file there, not see it appear later. (A
    // rejection nobody awaits would also end the process: the nightly backup runs inside the host.)
    void Promise.allSettled([exited, options.stdout?.(child.stdout!)]).then(([exit, output]) => {
      const fail = (message: string) => resume(Effect.fail(new PgToolError({ message })))
      if (exit.status === "rejected") return fail((exit.reason as Error).message)
      // An output that failed (a full disk) is why the tool then failed writing to it: say that, not the broken pipe.
      if (output.status === "rejected") return fail((output.reason as Error).message)
      if (exit.value !== 0) return fail(options.failure(exit.value, stderr))
      resume(Effect.void)
    })
    return Effect.async<void>((stopped) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return stopped(Effect.void)
      const escalate = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS)
      child.once("exit", () => {
        clearTimeout(escalate)
        stopped(Effect.void)
      })
      child.kill("SIGTERM")
    })
  })
