-- Chat, agent tasks, connectors (OAuth apps, connections, sync rules, harvester devices), model routes, webhook
-- channels and their inbound events, curation suggestions and job runs. Every secret column is a sealed value
-- (AES-256-GCM envelope, bound to table, column and row id by the Crypto layer): never plaintext.

CREATE TABLE chat_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  title text NOT NULL DEFAULT '',
  agent_id text NOT NULL DEFAULT 'main',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, id)
);
CREATE INDEX chat_sessions_recent ON chat_sessions (workspace_id, updated_at DESC);
SELECT carabase_protect('chat_sessions');

CREATE TABLE chat_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  session_id uuid NOT NULL,
  role text NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
  content text NOT NULL,
  status text NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'streaming', 'failed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (workspace_id, session_id) REFERENCES chat_sessions (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX chat_messages_session ON chat_messages (workspace_id, session_id, created_at);
SELECT carabase_protect('chat_messages');

CREATE TABLE agent_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  instruction text NOT NULL CHECK (length(btrim(instruction)) > 0),
  origin_block_id text,
  provider text NOT NULL DEFAULT 'openclaw',
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
  result text,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT carabase_protect('agent_tasks');

CREATE TABLE oauth_apps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  provider text NOT NULL,
  client_id text NOT NULL,
  client_secret_sealed bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, provider)
);
SELECT carabase_protect('oauth_apps');

CREATE TABLE connections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  provider text NOT NULL,
  account_id text NOT NULL,
  account_label text NOT NULL DEFAULT '',
  scopes text[] NOT NULL DEFAULT '{}',
  access_token_sealed bytea,
  refresh_token_sealed bytea,
  expires_at timestamptz,
  token_status text NOT NULL DEFAULT 'active' CHECK (token_status IN ('active', 'expired', 'revoked')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, provider, account_id),
  UNIQUE (workspace_id, id)
);
SELECT carabase_protect('connections');

CREATE TABLE sync_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  provider text NOT NULL,
  match jsonb NOT NULL DEFAULT '{}'::jsonb,
  action jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled boolean NOT NULL DEFAULT true,
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
SELECT carabase_protect('sync_rules');

CREATE TABLE harvester_devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  token_hash bytea NOT NULL UNIQUE,
  last_seen_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
SELECT carabase_protect('harvester_devices');

CREATE TABLE model_routes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  purpose text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  api_key_sealed bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, purpose)
);
SELECT carabase_protect('model_routes');

CREATE TABLE webhook_channels (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('slack', 'telegram', 'whatsapp', 'matrix', 'generic')),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  signing_secret_sealed bytea NOT NULL,
  verify_token_sealed bytea,
  bot_token_sealed bytea,
  outbound_url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, id)
);
SELECT carabase_protect('webhook_channels');

CREATE TABLE channel_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  channel_id uuid NOT NULL,
  external_id text NOT NULL,
  status text NOT NULL DEFAULT 'received',
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel_id, external_id),
  FOREIGN KEY (workspace_id, channel_id) REFERENCES webhook_channels (workspace_id, id) ON DELETE CASCADE
);
SELECT carabase_protect('channel_events');

CREATE TABLE curation_suggestions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz
);
SELECT carabase_protect('curation_suggestions');

CREATE TABLE job_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  name text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'dead')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  error text
);
CREATE INDEX job_runs_recent ON job_runs (workspace_id, started_at DESC);
SELECT carabase_protect('job_runs');
