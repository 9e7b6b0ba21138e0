-- Imports of a vault or an export (issue 27): one row per run with its progress and counts, one row per file of the
-- run with its outcome (the per-file report), and what each source path last became, so importing the same folder
-- again changes nothing and a changed file updates what it made (by path and content hash).
CREATE TABLE imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  format text NOT NULL CHECK (format IN ('obsidian', 'logseq', 'notion', 'carabase')),
  dry_run boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  total integer NOT NULL DEFAULT 0,
  done integer NOT NULL DEFAULT 0,
  created integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  skipped integer NOT NULL DEFAULT 0,
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (workspace_id, id)
);
CREATE INDEX imports_recent ON imports (workspace_id, started_at DESC);
SELECT carabase_protect('imports');

CREATE TABLE import_files (
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  import_id uuid NOT NULL,
  ordinal integer NOT NULL,
  path text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('created', 'updated', 'unchanged', 'skipped')),
  kind text NOT NULL,
  reason text,
  PRIMARY KEY (workspace_id, import_id, ordinal),
  FOREIGN KEY (workspace_id, import_id) REFERENCES imports (workspace_id, id) ON DELETE CASCADE
);
SELECT carabase_protect('import_files');

CREATE TABLE import_sources (
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  path text NOT NULL,
  content_hash text NOT NULL,
  kind text NOT NULL,
  -- What the file became: a date for a daily note, an artifact id for a page or an attachment.
  target text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, path)
);
SELECT carabase_protect('import_sources');
