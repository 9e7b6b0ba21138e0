// Jobs: each schedule with its next run and last result, recent runs, and "run now". A schedule's last run is this
// workspace's newest run of it (the same line Recent runs shows), else the host's finished run; "never run" otherwise.
import { useState } from "preact/hooks"
import { call } from "../api"
import { JobTimeline } from "../components/JobTimeline"
import { ErrorMessage, Loading, Page, errorText, formatTime, useLoad } from "../components/ui"
import type { LastRun, RunView } from "../../jobs/JobsApi"

/** What the Last run cell says: the status and when, taken from this workspace's runs first. */
export const lastRunText = (
  name: string,
  hostLast: typeof LastRun.Type | null,
  runs: ReadonlyArray<typeof RunView.Type>
): { readonly text: string; readonly error: string | null } => {
  const mine = runs.find((run) => run.name === name)
  if (mine !== undefined) {
    return { text: `${mine.status} ${formatTime(mine.finishedAt ?? mine.startedAt)}`, error: mine.error }
  }
  // A schedule the host only marked as seen (its first boot) or queued has no outcome yet.
  if (hostLast === null || hostLast.status === null) return { text: "never run", error: null }
  return { text: `${hostLast.status} ${formatTime(hostLast.finishedAt)}`, error: hostLast.error }
}

export const JobsPage = () => {
  const jobs = useLoad(() => call((api) => api.jobs.list()), [])
  const [note, setNote] = useState<string>()
  const [error, setError] = useState<string>()
  const run = async (name: string) => {
    setError(undefined)
    setNote(undefined)
    try {
      const queued = await call((api) => api.jobs.run({ path: { name } }))
      setNote(`${name} queued ${queued.scope === "host" ? "for the whole host" : "for this workspace"}`)
    } catch (failure) {
      setError(errorText(failure))
    }
    jobs.reload()
  }
  return (
    <Page title="Jobs">
      <button type="button" onClick={jobs.reload}>
        Refresh
      </button>
      <Loading when={jobs.loading && jobs.data === undefined} />
      <ErrorMessage message={jobs.error ?? error} />
      {note === undefined ? null : <p role="status">{note}</p>}
      <h2>Schedules</h2>
      <table class="stack">
        <thead>
          <tr>
            <th>Job</th>
            <th>Schedule</th>
            <th>Next run</th>
            <th>Last run</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs.data?.schedules.map((schedule) => {
            const last = lastRunText(schedule.name, schedule.lastRun, jobs.data?.runs ?? [])
            return (
              <tr key={schedule.name}>
                <td data-label="Job">{schedule.name}</td>
                <td data-label="Schedule">
                  <code>{schedule.cron}</code> {schedule.timezone}
                </td>
                <td data-label="Next run">{formatTime(schedule.nextRunAt)}</td>
                <td data-label="Last run">
                  {last.text}
                  {last.error === null ? null : <div class="error">{last.error}</div>}
                </td>
                <td>
                  <button type="button" onClick={() => void run(schedule.name)}>
                    Run {schedule.name} now
                  </button>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <h2>Timeline</h2>
      {jobs.data === undefined ? null : <JobTimeline runs={jobs.data.runs} now={Date.now()} />}
      <h2>Recent runs</h2>
      <ul class="list" aria-label="runs">
        {jobs.data?.runs.map((run) => (
          <li key={run.id}>
            <strong>{run.name}</strong> <span class="chip">{run.status}</span> {formatTime(run.startedAt)}
            {run.attempt > 1 ? ` (attempt ${run.attempt})` : ""}
            {run.error === null ? null : <div class="error">{run.error}</div>}
          </li>
        ))}
      </ul>
    </Page>
  )
}
