-- Workspaces and the Row-Level Security machinery every workspace-scoped table uses.

-- The workspace of the current transaction, set by RlsScope with set_config('app.workspace_id', id, true).
-- After a transaction ends the setting reads '' (not NULL), hence nullif.
CREATE FUNCTION carabase_current_workspace() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.workspace_id', true), '')::uuid $$;
GRANT EXECUTE ON FUNCTION carabase_current_workspace() TO carabase_app;

-- Enables and forces RLS on a workspace-scoped table and installs its isolation policy. Every migration that adds
-- such a table calls it; test/db/rls-catalog.test.ts proves none was forgotten.
CREATE FUNCTION carabase_protect(target regclass) RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
  EXECUTE format(
    'CREATE POLICY workspace_isolation ON %s FOR ALL TO PUBLIC '
    'USING (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid) '
    'WITH CHECK (workspace_id = nullif(current_setting(''app.workspace_id'', true), '''')::uuid)',
    target
  );
END
$$;
REVOKE EXECUTE ON FUNCTION carabase_protect(regclass) FROM PUBLIC;

CREATE TABLE workspaces (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Workspaces are the one table whose rows are listed without a scope: the owner chooses among them. Reading and
-- creating are open to the app; changing or deleting one is only possible from inside that workspace's scope.
ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
ALTER TABLE workspaces FORCE ROW LEVEL SECURITY;
CREATE POLICY workspaces_read ON workspaces FOR SELECT USING (true);
CREATE POLICY workspaces_create ON workspaces FOR INSERT WITH CHECK (true);
CREATE POLICY workspaces_update ON workspaces FOR UPDATE
  USING (id = nullif(current_setting('app.workspace_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY workspaces_delete ON workspaces FOR DELETE
  USING (id = nullif(current_setting('app.workspace_id', true), '')::uuid);

CREATE TABLE workspace_settings (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE
    DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT carabase_protect('workspace_settings');
