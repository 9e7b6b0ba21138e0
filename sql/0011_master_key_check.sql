-- The master-key check: one row holding a value only the database's HOST_MASTER_KEY gives (an HMAC under a subkey of
-- it), written by the host's first boot and rewritten by `carabase rotate-key` in the re-sealing transaction. A host
-- started with another key compares, refuses to boot and says so, instead of failing on every sealed secret later.
-- Owner connection only: the app role has no business with it.
CREATE TABLE master_key_check (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  verifier bytea NOT NULL CHECK (length(verifier) = 32),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON master_key_check FROM carabase_app;
