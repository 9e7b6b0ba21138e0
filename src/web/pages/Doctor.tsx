// Doctor and backups: the checks `carabase doctor` runs (GET /doctor), the env's backups with the newest one's age
// (GET /backups), and "Back up now", which queues the backup job (POST /backups) and follows its run until it ends.
import { useEffect, useRef, useState } from "preact/hooks"
import { call, currentWorkspace } from "../api"
import { ageText } from "../components/BackupBadge"
import { ErrorMessage, Loading, Page, errorText, formatTime, useLoad } from "../components/ui"
import { sizeText } from "./ArtifactDetail"

const VERDICT_LABEL = { PASS: "PASS", WARN: "WARN", FAIL: "FAIL" } as const

const DoctorChecks = () => {
  const report = useLoad(() => call((api) => api.doctor.run()), [])
  return (
    <section aria-labelledby="doctor-heading">
      <h2 id="doctor-heading">Doctor</h2>
      <p class="muted">
        The checks of <code>pnpm carabase doctor</code>, run by the host now: PASS, WARN or FAIL with a fix each.
      </p>
      <button type="button" class="secondary" onClick={report.reload} disabled={report.loading}>
        {report.loading ? "Checking…" : "Check again"}
      </button>
      <Loading when={report.loading && report.data === undefined} />
      <ErrorMessage message={report.error} />
      {report.data === undefined ? null : (
        <>
          <p role="status">
            Overall: <span class={`badge ${report.data.verdict.toLowerCase()}`}>{report.data.verdict}</span>{" "}
            <small class="muted">checked {formatTime(report.data.checkedAt)}</small>
          </p>
          <ul class="list checks" aria-label="doctor checks">
            {report.data.checks.map((check) => (
              <li key={check.name}>
                <span class={`badge ${check.verdict.toLowerCase()}`}>{VERDICT_LABEL[check.verdict]}</span>{" "}
                <strong>{check.name}</strong>: {check.detail}
                {check.fix === undefined ? null : <div class="muted">Fix: {check.fix}</div>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

/** How long to wait between reads of the backup run while it is queued or running. */
const POLL_MS = 1000

const Backups = () => {
  const backups = useLoad(() => call((api) => api.backups.status()), [])
  // The run "Back up now" is waiting for: any run newer than the one shown when it was pressed.
  const [waiting, setWaiting] = useState<{ readonly after: string | undefined; readonly phase: string }>()
  const [error, setError] = useState<string>()
  const timer = useRef<ReturnType<typeof setTimeout>>()
  useEffect(() => () => clearTimeout(timer.current), [])

  const follow = (after: string | undefined) => {
    timer.current = setTimeout(() => {
      call((api) => api.backups.status()).then(
        (status) => {
          const run = status.lastRun
          if (run === null || run.id === after) {
            setWaiting({ after, phase: "Queued: waiting for the job to start…" })
            return follow(after)
          }
          if (run.status === "running") {
            setWaiting({ after, phase: "Running: dumping, sealing and verifying the backup…" })
            return follow(after)
          }
          setWaiting(undefined)
          backups.reload()
          if (run.status !== "succeeded") setError(`The backup ${run.status}: ${run.error ?? "see the host log"}`)
        },
        (failure: unknown) => {
          setWaiting(undefined)
          setError(errorText(failure))
        }
      )
    }, POLL_MS)
  }

  const backUpNow = async () => {
    setError(undefined)
    const after = backups.data?.lastRun?.id
    try {
      await call((api) => api.backups.run())
      setWaiting({ after, phase: "Queued: waiting for the job to start…" })
      follow(after)
    } catch (failure) {
      setError(errorText(failure))
    }
  }

  const status = backups.data
  return (
    <section aria-labelledby="backups-heading">
      <h2 id="backups-heading">Backups</h2>
      <p class="muted">
        The nightly backup job runs at 01:30 and prunes old backups afterwards. Restore and verify stay on the command
        line (<code>pnpm carabase restore</code>, <code>backup:verify</code>): see the README.
      </p>
      <Loading when={backups.loading && status === undefined} />
      <ErrorMessage message={backups.error} />
      {status === undefined ? null : (
        <p>
          <span class={`badge ${status.verdict.toLowerCase()}`}>{status.verdict}</span>{" "}
          {status.newest === null || status.newestAgeHours === null
            ? `No backup of ${status.env} yet.`
            : `Newest backup of ${status.env} is ${ageText(status.newestAgeHours)} old (${status.count} kept).`}
        </p>
      )}
      <button type="button" onClick={() => void backUpNow()} disabled={waiting !== undefined}>
        {waiting === undefined ? "Back up now" : "Backing up…"}
      </button>
      <div role="status" aria-live="polite">
        {waiting === undefined ? null : (
          <p>
            <progress aria-label="Backup progress" /> {waiting.phase}
          </p>
        )}
      </div>
      <ErrorMessage message={error} />
      {status?.lastRun == null ? null : (
        <p class="muted">
          Last run: {status.lastRun.status}, started {formatTime(status.lastRun.startedAt)}
          {status.lastRun.finishedAt === null ? "" : `, finished ${formatTime(status.lastRun.finishedAt)}`}
        </p>
      )}
      {status === undefined || status.backups.length === 0 ? null : (
        <table class="stack">
          <caption>Backups, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Taken</th>
              <th scope="col">File</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {status.backups.map((backup) => (
              <tr key={backup.file}>
                <td>{formatTime(backup.takenAt)}</td>
                <td>
                  <code>{backup.file}</code>
                </td>
                <td>{sizeText(backup.bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

export const DoctorPage = () => (
  <Page title="Doctor and backups">
    <DoctorChecks />
    {currentWorkspace() === undefined ? (
      <p>Choose a workspace on the setup page to see backups and run one.</p>
    ) : (
      <Backups />
    )}
  </Page>
)
