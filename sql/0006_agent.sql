-- Agent gateway features: model routes gain a base URL, the last four characters of their key (shown instead of the
-- key) and an update time; a chat message can be marked interrupted (its stream broke or its client left); agent
-- tasks start queued and remember where their result went.

ALTER TABLE model_routes
  ADD COLUMN base_url text CHECK (base_url IS NULL OR base_url ~ '^https?://'),
  ADD COLUMN api_key_last4 text CHECK (api_key_last4 IS NULL OR length(api_key_last4) <= 4),
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
  ADD CONSTRAINT model_routes_provider_check CHECK (provider IN ('openclaw', 'openai-compatible', 'ollama')),
  ADD CONSTRAINT model_routes_key_last4_check CHECK (api_key_sealed IS NOT NULL OR api_key_last4 IS NULL);

ALTER TABLE chat_messages DROP CONSTRAINT chat_messages_status_check;
ALTER TABLE chat_messages
  ADD CONSTRAINT chat_messages_status_check CHECK (status IN ('complete', 'streaming', 'failed', 'interrupted'));

ALTER TABLE agent_tasks DROP CONSTRAINT agent_tasks_status_check;
ALTER TABLE agent_tasks
  ADD CONSTRAINT agent_tasks_status_check CHECK (status IN ('pending', 'queued', 'running', 'succeeded', 'failed')),
  ALTER COLUMN status SET DEFAULT 'queued',
  ADD COLUMN agent_id text NOT NULL DEFAULT 'main',
  ADD COLUMN note_date date,
  ADD COLUMN started_at timestamptz,
  ADD COLUMN finished_at timestamptz;
CREATE INDEX agent_tasks_recent ON agent_tasks (workspace_id, created_at DESC);
