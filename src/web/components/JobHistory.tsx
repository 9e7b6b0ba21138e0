// One job's runs, opened from the Jobs page: newest first, a page at a time (GET /jobs/:name/runs), with "Older runs"
// while the host keeps older ones. Also the one way a run reads as a line, shared with Recent runs.
import { useEffect, useState } from "preact/hooks"
import type * as DateTime from "effect/DateTime"
import { call } from "../api"
import { ErrorMessage, errorText, formatTime } from "./ui"
import type { RunView } from "../../jobs/JobsApi"

type Run = typeof RunView.Type

export const RunLine = ({ run, named }: { run: Run; named: boolean }) => (
  <li>
    {named ? (
      <>
        <strong>{run.name}</strong>{" "}
      </>
    ) : null}
    <span class="chip">{run.status}</span> {formatTime(run.startedAt)}
    {run.attempt > 1 ? ` (attempt ${run.attempt})` : ""}
    {run.error === null ? null : <div class="error">{run.error}</div>}
  </li>
)

export const JobHistory = ({ name, onClose }: { name: string; onClose: () => void }) => {
  const [runs, setRuns] = useState<ReadonlyArray<Run>>([])
  const [next, setNext] = useState<DateTime.Utc | null>(null)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<string>()
  const load = async (before: DateTime.Utc | undefined, shown: ReadonlyArray<Run>) => {
    setLoading(true)
    setError(undefined)
    try {
      const page = await call((api) =>
        api.jobs.history({ path: { name }, urlParams: before === undefined ? {} : { before } })
      )
      setRuns([...shown, ...page.runs])
      setNext(page.nextBefore)
    } catch (failure) {
      setError(errorText(failure))
    }
    setLoading(false)
  }
  useEffect(() => {
    setRuns([])
    void load(undefined, [])
  }, [name])
  return (
    <section aria-label={`History of ${name}`}>
      <h2>Runs of {name}</h2>
      <button type="button" onClick={onClose}>
        Close {name} runs
      </button>
      <ErrorMessage message={error} />
      {!loading && runs.length === 0 ? <p class="muted">No runs kept.</p> : null}
      <ul class="list" aria-label={`runs of ${name}`}>
        {runs.map((run) => (
          <RunLine key={run.id} run={run} named={false} />
        ))}
      </ul>
      {loading ? <p class="muted">Loading…</p> : null}
      {next === null || loading ? null : (
        <button type="button" onClick={() => void load(next, runs)}>
          Older runs
        </button>
      )}
    </section>
  )
}
