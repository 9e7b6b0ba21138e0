-- The per-workspace trash: what was deleted (a memory, entity, edge, folio, artifact, chat session or log entry), kept
-- for 30 days so it can be restored. One generic shape: the kind, the original id, a label for listing, and the
-- deleted rows with their dependants (an entity's edges, a folio's commits and timeline, search index chunks with
-- their vectors) as jsonb, written by the service that owns those rows and read back only by it.
CREATE TABLE trash (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  kind text NOT NULL
    CHECK (kind IN ('memory', 'entity', 'edge', 'folio', 'artifact', 'chat_session', 'log_entry')),
  original_id text NOT NULL CHECK (length(original_id) BETWEEN 1 AND 200),
  label text NOT NULL DEFAULT '',
  data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
  deleted_at timestamptz NOT NULL DEFAULT now(),
  -- The route or MCP tool that deleted it, e.g. `DELETE /api/v1/memories/:id` or `mcp:delete_memory`.
  deleted_by text NOT NULL CHECK (length(deleted_by) BETWEEN 1 AND 200),
  UNIQUE (workspace_id, id)
);
CREATE INDEX trash_recent ON trash (workspace_id, deleted_at DESC);
SELECT carabase_protect('trash');
