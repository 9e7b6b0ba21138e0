-- Job history per job (README, "Job history"): each job's newest failure is shown beside its runs, and failed or dead
-- runs outlive successes under the retention. This index finds a job's failures without walking its successes, which
-- for a job fed by writes (entity-extraction) can be thousands of rows.
CREATE INDEX job_runs_failures ON job_runs (workspace_id, name, started_at DESC) WHERE status IN ('failed', 'dead');
