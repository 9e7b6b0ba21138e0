// Seeds job history straight into job_runs, as the scheduler records it, for tests of what the host keeps and shows.
import type { connect } from "./database"

/**
 * `count` runs of `name` in `workspace` with `status`, the i-th (i from 0) started `age` ago: an SQL interval
 * expression over i, e.g. `i * interval '30 seconds'`. A failed run carries an error; a running one has no finish.
 */
export const seedJobRuns = (
  owner: Awaited<ReturnType<typeof connect>>,
  run: {
    readonly workspace: string
    readonly name: string
    readonly count: number
    readonly status: string
    readonly age: string
  }
) =>
  owner.query(
    `insert into job_runs (workspace_id, name, status, started_at, finished_at, error, attempt)
     select $1, $2, $3, now() - (${run.age}),
            case when $3 = 'running' then null else now() - (${run.age}) + interval '1 second' end,
            case when $3 in ('failed', 'dead') then 'the model did not answer' end, 1
     from generate_series(0, $4 - 1) as i`,
    [run.workspace, run.name, run.status, run.count]
  )
