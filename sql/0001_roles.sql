-- The application role. carabase_app logs in for every HTTP handler, MCP tool and job body that touches workspace
-- data. It is cluster-wide (several Carabase databases on one server share it), so creating it is idempotent; its
-- password is set by `pnpm bootstrap`, never here.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carabase_app') THEN
    CREATE ROLE carabase_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;

-- Re-assert the attributes in case the role was created by hand with more.
ALTER ROLE carabase_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;

REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO carabase_app;

-- Tables and sequences created later by the owner (in migrations) are usable by the app, DML only.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO carabase_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO carabase_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

CREATE EXTENSION IF NOT EXISTS vector;
