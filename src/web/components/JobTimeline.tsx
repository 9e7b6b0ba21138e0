// Job history as a picture: one row per job, each recent run a mark on a shared time axis (its width the run's
// duration, at least a sliver), coloured and titled by outcome; beside it the same facts in words (runs, outcomes,
// the last run's duration), which is also the picture's text alternative.
import * as DateTime from "effect/DateTime"
import type { RunView } from "../../jobs/JobsApi"

type Run = typeof RunView.Type

const WIDTH = 320
const HEIGHT = 18

export const durationText = (ms: number) =>
  ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`

const millis = (value: DateTime.Utc) => DateTime.toEpochMillis(value)

const summary = (runs: ReadonlyArray<Run>) => {
  const counts = new Map<string, number>()
  for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1)
  const outcomes = [...counts].map(([status, count]) => `${count} ${status}`).join(", ")
  const last = runs[0]!
  const took =
    last.finishedAt === null
      ? "still running"
      : `took ${durationText(millis(last.finishedAt) - millis(last.startedAt))}`
  return `${runs.length} run${runs.length === 1 ? "" : "s"} (${outcomes}); the last ${last.status}, ${took}`
}

/** `runs` newest first, as GET /jobs lists them. */
export const JobTimeline = ({ runs, now }: { runs: ReadonlyArray<Run>; now: number }) => {
  if (runs.length === 0) return <p class="muted">No runs yet.</p>
  const byJob = new Map<string, Array<Run>>()
  for (const run of runs) byJob.set(run.name, [...(byJob.get(run.name) ?? []), run])
  const start = Math.min(...runs.map((run) => millis(run.startedAt)))
  const span = Math.max(1, now - start)
  const x = (at: number) => ((at - start) / span) * WIDTH
  return (
    <ul class="list timeline" aria-label="job timeline">
      {[...byJob].map(([name, jobRuns]) => (
        <li key={name}>
          <strong>{name}</strong>
          <svg
            viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
            width={WIDTH}
            height={HEIGHT}
            role="img"
            aria-label={`${name}: ${summary(jobRuns)}`}
          >
            <line class="axis" x1={0} y1={HEIGHT / 2} x2={WIDTH} y2={HEIGHT / 2} />
            {jobRuns.map((run) => {
              const from = millis(run.startedAt)
              const to = run.finishedAt === null ? now : millis(run.finishedAt)
              return (
                <rect
                  key={run.id}
                  class={`run ${run.status}`}
                  x={Math.min(WIDTH - 3, x(from))}
                  y={2}
                  width={Math.max(3, x(to) - x(from))}
                  height={HEIGHT - 4}
                  rx={1}
                >
                  <title>{`${run.status}, ${DateTime.toDateUtc(run.startedAt).toLocaleString()}, ${durationText(to - from)}`}</title>
                </rect>
              )
            })}
          </svg>
          <small class="muted">{summary(jobRuns)}</small>
        </li>
      ))}
    </ul>
  )
}
