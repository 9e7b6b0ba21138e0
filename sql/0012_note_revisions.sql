-- Note history and revision checks. Every write to a daily note first copies the version it replaces into
-- note_revisions (in the same transaction), with who wrote that version and when, so any overwritten version can be
-- read back and restored; the nightly note-revisions job thins them out (every one for 7 days, then the last of each
-- day for 90 days). daily_notes remembers who wrote its current version. Folios gain the revision counter that their
-- About edits are checked against, as daily notes already had.

ALTER TABLE daily_notes
  ADD COLUMN writer_kind text CHECK (writer_kind IN ('route', 'mcp', 'job', 'channel', 'agent')),
  ADD COLUMN writer_name text;

CREATE TABLE note_revisions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  note_id uuid NOT NULL,
  revision integer NOT NULL,
  document jsonb NOT NULL CHECK (jsonb_typeof(document) = 'array'),
  size integer NOT NULL CHECK (size >= 0),
  writer_kind text CHECK (writer_kind IN ('route', 'mcp', 'job', 'channel', 'agent')),
  writer_name text,
  written_at timestamptz NOT NULL,
  replaced_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, note_id, revision),
  FOREIGN KEY (workspace_id, note_id) REFERENCES daily_notes (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX note_revisions_replaced ON note_revisions (workspace_id, replaced_at);
SELECT carabase_protect('note_revisions');

ALTER TABLE folios ADD COLUMN revision integer NOT NULL DEFAULT 0;
