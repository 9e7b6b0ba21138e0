-- Connectors: OAuth authorization attempts, harvester pairing codes, device tokens, API keys, and the GitHub sync
-- cursor. Three flows arrive before any workspace is known (an OAuth callback by its state, a device claim by its
-- pairing code, a device push by its token). Each gets a permissive SELECT-only policy on a transaction-local GUC
-- holding the SHA-256 (hex) of the presented secret: it makes exactly one row readable, so the transaction learns
-- the workspace, sets app.workspace_id and continues under the ordinary isolation policy (as 0008 does for webhooks).

-- One OAuth authorization attempt: PKCE verifier sealed, state stored only as its SHA-256, single use, 10 minutes.
CREATE TABLE oauth_states (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  provider text NOT NULL,
  state_hash bytea NOT NULL UNIQUE CHECK (length(state_hash) = 32),
  code_verifier_sealed bytea NOT NULL,
  redirect_uri text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
SELECT carabase_protect('oauth_states');
CREATE POLICY oauth_state_lookup ON oauth_states FOR SELECT TO PUBLIC
  USING (state_hash = decode(nullif(current_setting('app.oauth_state_hash', true), ''), 'hex'));

-- When the last GitHub sync of a connection looked (its next `since`).
ALTER TABLE connections ADD COLUMN synced_until timestamptz;

-- A pairing code (ABCD-1234) lets one device claim a token for the workspace; stored as its SHA-256.
CREATE TABLE harvester_pairing_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL UNIQUE CHECK (length(code_hash) = 32),
  connector text NOT NULL CHECK (length(btrim(connector)) BETWEEN 1 AND 100),
  device_name text NOT NULL CHECK (length(btrim(device_name)) BETWEEN 1 AND 200),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
SELECT carabase_protect('harvester_pairing_codes');
CREATE POLICY pairing_code_lookup ON harvester_pairing_codes FOR SELECT TO PUBLIC
  USING (code_hash = decode(nullif(current_setting('app.pairing_code_hash', true), ''), 'hex'));

ALTER TABLE harvester_devices
  ADD COLUMN connector text NOT NULL DEFAULT 'generic' CHECK (length(btrim(connector)) BETWEEN 1 AND 100);
CREATE POLICY device_token_lookup ON harvester_devices FOR SELECT TO PUBLIC
  USING (token_hash = decode(nullif(current_setting('app.device_token_hash', true), ''), 'hex'));

-- Sync rules: one row per rule of an integration's document, in document order.
CREATE INDEX sync_rules_by_provider ON sync_rules (workspace_id, provider, position);

-- Host API keys (opt-in, CARABASE_API_KEYS_REQUIRED): stored as SHA-256, created and revoked by the operator CLI
-- with the owner connection. The app only reads them to check a request.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  key_hash bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
REVOKE ALL ON api_keys FROM carabase_app;
GRANT SELECT ON api_keys TO carabase_app;
