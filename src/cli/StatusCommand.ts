// `carabase status [--json] [--host <url>]`: the running host's one-screen status (GET /api/v1/status), as lines for
// the owner or as the JSON itself. Exit 0 when the host answers, 1 when it does not or answers with an error.
import { parseOrHelp } from "./Args"
import { answerError, hostBase } from "./HostClient"

export const hostStatusHelp = `usage: carabase status [--json] [--host <url>]

Asks the running host (GET /api/v1/status; --host, else CARABASE_URL, else 127.0.0.1 on PORT) for its version, env,
uptime, database, gateway state with the reason, the env's newest backup and its age, the last run of each job, the
job queue and the addresses it listens on, and prints them on one screen. Sends CARABASE_API_KEY when set.

  --json         print the JSON answer as it came
  --host <url>   the host to ask, e.g. http://127.0.0.1:3000`

interface StatusAnswer {
  readonly version: string
  readonly channel: string
  readonly env: string
  readonly node: string
  readonly pid: number
  readonly startedAt: string
  readonly uptimeSeconds: number
  readonly database: string
  readonly gateway: { readonly state: string; readonly reason: string }
  readonly backup: {
    readonly newestAt: string | null
    readonly ageHours: number | null
    readonly verdict: string
    readonly count: number
  }
  readonly jobs: ReadonlyArray<{
    readonly name: string
    readonly lastRun: {
      readonly enqueuedAt: string | null
      readonly finishedAt: string | null
      readonly status: string | null
      readonly error: string | null
    } | null
  }>
  readonly queue: { readonly waiting: number; readonly running: number }
  readonly listening: ReadonlyArray<{ readonly address: string; readonly serves: string }>
}

/** `3d 4h`, `2h 5m`, `4m 10s`. */
export const describeDuration = (seconds: number): string => {
  const d = Math.floor(seconds / 86_400)
  const h = Math.floor((seconds % 86_400) / 3_600)
  const m = Math.floor((seconds % 3_600) / 60)
  const s = seconds % 60
  if (d > 0) return `${d}d ${h}h`
  if (h > 0) return `${h}h ${m}m`
  if (m > 0) return `${m}m ${s}s`
  return `${s}s`
}

const ago = (iso: string | null, now: number) =>
  iso === null ? "" : `${describeDuration(Math.max(0, Math.round((now - Date.parse(iso)) / 1000)))} ago`

/** The status as the lines `carabase status` prints. */
export const formatStatus = (status: StatusAnswer, now: number): string => {
  const backup =
    status.backup.newestAt === null
      ? `none (FAIL): run \`pnpm carabase backup\``
      : `${ago(status.backup.newestAt, now)} (${status.backup.verdict}, ${status.backup.count} kept)`
  const width = Math.max(...status.jobs.map((job) => job.name.length))
  const jobs = status.jobs.map((job) => {
    const run = job.lastRun
    const what =
      run === null
        ? "never run"
        : `${run.status ?? "queued"} ${ago(run.finishedAt ?? run.enqueuedAt, now)}${run.error ? `: ${run.error}` : ""}`
    return `  ${job.name.padEnd(width)}  ${what}`
  })
  return [
    `version    ${status.version} (${status.channel}), node ${status.node}`,
    `env        ${status.env}`,
    `uptime     ${describeDuration(status.uptimeSeconds)} (pid ${status.pid}, since ${status.startedAt})`,
    `database   ${status.database}`,
    `gateway    ${status.gateway.state}: ${status.gateway.reason}`,
    `backup     ${backup}`,
    `queue      ${status.queue.waiting} waiting, ${status.queue.running} running`,
    `listening  ${status.listening.map((each) => `${each.address} (${each.serves})`).join(", ") || "nothing"}`,
    `jobs`,
    ...jobs
  ].join("\n")
}

export const runHostStatus = async (argv: ReadonlyArray<string>): Promise<number> => {
  const args = parseOrHelp(argv, { help: hostStatusHelp, flags: ["json"], values: ["host"] })
  if (args === null) return 0
  const base = hostBase(args.value("host"))
  const apiKey = process.env.CARABASE_API_KEY
  let response: Response
  try {
    response = await fetch(`${base}/api/v1/status`, {
      headers: apiKey === undefined || apiKey === "" ? {} : { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(10_000)
    })
  } catch (error) {
    const { cause } = error as { cause?: { code?: string; message?: string } }
    const reason = cause?.code ?? cause?.message ?? (error as Error).message
    process.stderr.write(`carabase status: the host is not answering at ${base} (${reason})\n`)
    return 1
  }
  if (!response.ok) throw await answerError(response, "reading the status")
  const status = (await response.json()) as StatusAnswer
  process.stdout.write(
    args.flag("json") ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status, Date.now())}\n`
  )
  return 0
}
