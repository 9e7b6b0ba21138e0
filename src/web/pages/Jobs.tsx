// Jobs: each schedule with its next run and last result, recent runs, and "run now".
import { useState } from "preact/hooks"
import { call } from "../api"
import { JobTimeline } from "../components/JobTimeline"
import { ErrorMessage, Loading, Page, errorText, formatTime, useLoad } from "../components/ui"

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
      <table>
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
          {jobs.data?.schedules.map((schedule) => (
            <tr key={schedule.name}>
              <td>{schedule.name}</td>
              <td>
                <code>{schedule.cron}</code> {schedule.timezone}
              </td>
              <td>{formatTime(schedule.nextRunAt)}</td>
              <td>
                {schedule.lastRun === null
                  ? "never"
                  : `${schedule.lastRun.status ?? "queued"} ${formatTime(schedule.lastRun.finishedAt ?? schedule.lastRun.enqueuedAt)}`}
                {schedule.lastRun?.error ? <div class="error">{schedule.lastRun.error}</div> : null}
              </td>
              <td>
                <button type="button" onClick={() => void run(schedule.name)}>
                  Run {schedule.name} now
                </button>
              </td>
            </tr>
          ))}
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
