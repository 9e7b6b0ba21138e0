// Jobs: each schedule with its next run and last result, the queue jobs summed up, the scheduled jobs' recent runs,
// "run now", and any job's runs when it is opened. A schedule's last run is this workspace's newest run of it (the same
// line Recent runs shows), else the host's finished run; "never run" otherwise. Queue jobs (entity extraction runs once
// per burst of writes) show their last run and last day in brief, so they never crowd the nightly jobs out.
import { useState } from "preact/hooks"
import { call } from "../api"
import { JobHistory, RunLine } from "../components/JobHistory"
import { JobTimeline } from "../components/JobTimeline"
import { ErrorMessage, Loading, Page, errorText, formatTime, useLoad } from "../components/ui"
import type { JobDigest, LastRun, RunView } from "../../jobs/JobsApi"

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

/** A queue job in one line: its last run, and its runs and failures over the last 24 hours. */
export const digestText = (digest: typeof JobDigest.Type) => {
  const last =
    digest.lastRun === null
      ? "never run"
      : `last run ${digest.lastRun.status} ${formatTime(digest.lastRun.finishedAt ?? digest.lastRun.startedAt)}`
  const day = `${digest.runsLastDay} run${digest.runsLastDay === 1 ? "" : "s"} in the last 24 hours`
  return `${last}; ${day}, ${digest.failedLastDay} failed`
}

export const JobsPage = () => {
  const jobs = useLoad(() => call((api) => api.jobs.list()), [])
  const [note, setNote] = useState<string>()
  const [error, setError] = useState<string>()
  const [opened, setOpened] = useState<string>()
  const queueJobs = jobs.data?.jobs.filter((job) => job.queue) ?? []
  const scheduledRuns = jobs.data?.runs.filter((run) => !queueJobs.some((job) => job.name === run.name)) ?? []
  const openButton = (name: string) => (
    <button type="button" onClick={() => setOpened(name)}>
      Show {name} runs
    </button>
  )
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
                  </button>{" "}
                  {openButton(schedule.name)}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <h2>Queues</h2>
      <ul class="list" aria-label="queue jobs">
        {queueJobs.map((job) => (
          <li key={job.name}>
            <strong>{job.name}</strong> {digestText(job)}
            {job.lastFailure === null ? null : (
              <div class="error">
                last failure {formatTime(job.lastFailure.startedAt)}: {job.lastFailure.error}
              </div>
            )}{" "}
            {openButton(job.name)}
          </li>
        ))}
      </ul>
      {opened === undefined ? null : <JobHistory name={opened} onClose={() => setOpened(undefined)} />}
      <h2>Timeline</h2>
      {jobs.data === undefined ? null : <JobTimeline runs={scheduledRuns} now={Date.now()} />}
      <h2>Recent runs</h2>
      <ul class="list" aria-label="runs">
        {scheduledRuns.map((run) => (
          <RunLine key={run.id} run={run} named={true} />
        ))}
      </ul>
    </Page>
  )
}
