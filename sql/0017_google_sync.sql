-- Google Calendar and Gmail sync. An OAuth attempt remembers the scopes it asked for (Google's incremental
-- authorization adds calendar.readonly or gmail.readonly to an existing connection), each connection keeps one cursor
-- per synced resource (a calendar's syncToken, the mailbox's historyId), and every item pulled is recorded with where
-- it went (the artifact, and for an event the day's note and the log card's key), so a changed event moves its card,
-- a cancelled one removes it, an unchanged one (same etag) costs nothing, and purge finds everything to take back.
ALTER TABLE oauth_states ADD COLUMN scopes text[];

CREATE TABLE google_sync_cursors (
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  connection_id uuid NOT NULL,
  -- `calendar:<calendarId>` or `gmail`.
  resource text NOT NULL CHECK (length(resource) BETWEEN 1 AND 1100),
  cursor text NOT NULL CHECK (length(cursor) BETWEEN 1 AND 4096),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, connection_id, resource),
  FOREIGN KEY (workspace_id, connection_id) REFERENCES connections (workspace_id, id) ON DELETE CASCADE
);
SELECT carabase_protect('google_sync_cursors');

CREATE TABLE google_sync_items (
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  connection_id uuid NOT NULL,
  resource text NOT NULL CHECK (length(resource) BETWEEN 1 AND 1100),
  external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 1100),
  -- Google's etag of the version stored: the same etag again changes nothing.
  etag text NOT NULL DEFAULT '',
  -- The artifact it became (null when it became none: a mail no rule took).
  artifact_id uuid,
  -- An event's card: the day it is on and its key there (null for mail).
  note_date date,
  entry_key text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, connection_id, resource, external_id),
  FOREIGN KEY (workspace_id, connection_id) REFERENCES connections (workspace_id, id) ON DELETE CASCADE
);
SELECT carabase_protect('google_sync_items');
