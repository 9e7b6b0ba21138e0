-- Background jobs. schedule_state is the scheduler's own bookkeeping (owner connection only, no workspace data):
-- when each schedule last fired and finished, so a run missed while the host was down can run once at boot.
-- job_runs (per workspace, RLS) gains the statuses a run can end in.
CREATE TABLE schedule_state (
  name text PRIMARY KEY,
  cron text NOT NULL,
  last_enqueued_at timestamptz,
  last_finished_at timestamptz,
  last_status text,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON schedule_state FROM carabase_app;

ALTER TABLE job_runs DROP CONSTRAINT job_runs_status_check;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_status_check
  CHECK (status IN ('running', 'succeeded', 'skipped', 'failed', 'dead'));
ALTER TABLE job_runs ADD COLUMN attempt integer NOT NULL DEFAULT 1;
ALTER TABLE job_runs ADD COLUMN job_id text;
CREATE INDEX job_runs_name ON job_runs (workspace_id, name, started_at DESC);
