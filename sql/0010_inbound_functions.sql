-- Inbound webhook deliveries in two statements instead of one six-statement transaction. Each function runs as its
-- caller (SECURITY INVOKER), so Row-Level Security applies to carabase_app exactly as before: the lookup sees only the
-- channel named by app.channel_id (policy channel_lookup), and the record inserts under the ordinary
-- workspace_isolation policy, with the (workspace_id, channel_id) foreign key refusing a channel of another
-- workspace. Both settings are transaction-local and put back before returning, so a caller already inside a
-- workspace scope keeps its own.

-- The channel row an inbound delivery is verified against (no row: unknown channel). Read-only: no commit to wait on.
CREATE FUNCTION carabase_inbound_channel(channel uuid)
  RETURNS TABLE (id uuid, workspace_id uuid, kind text, signing_secret_sealed bytea, verify_token_sealed bytea)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER
  AS $$
DECLARE
  previous text := coalesce(current_setting('app.channel_id', true), '');
BEGIN
  PERFORM set_config('app.channel_id', channel::text, true);
  RETURN QUERY
    SELECT c.id, c.workspace_id, c.kind, c.signing_secret_sealed, c.verify_token_sealed
    FROM webhook_channels c
    WHERE c.id = channel;
  PERFORM set_config('app.channel_id', previous, true);
END
$$;

-- Stores a verified delivery's events ([{ external_id, payload }]) once per (channel, external_id); answers how many
-- were new. Called on its own it is one transaction and one durable commit.
CREATE FUNCTION carabase_record_inbound(channel uuid, workspace uuid, events jsonb)
  RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER
  AS $$
DECLARE
  previous text := coalesce(current_setting('app.workspace_id', true), '');
  stored integer;
BEGIN
  PERFORM set_config('app.workspace_id', workspace::text, true);
  WITH inserted AS (
    INSERT INTO channel_events (channel_id, external_id, payload, received_at)
    SELECT channel, e.external_id, e.payload, clock_timestamp()
    FROM jsonb_to_recordset(events) AS e (external_id text, payload jsonb)
    ON CONFLICT (channel_id, external_id) DO NOTHING
    RETURNING 1
  )
  SELECT count(*) INTO stored FROM inserted;
  PERFORM set_config('app.workspace_id', previous, true);
  RETURN stored;
END
$$;

-- Group commit: several verified deliveries ([{ channel, workspace, events }]) stored in one transaction, each in its
-- own channel's workspace exactly as carabase_record_inbound stores one; answers each delivery's count, in order.
CREATE FUNCTION carabase_record_inbound_batch(deliveries jsonb)
  RETURNS integer[]
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER
  AS $$
DECLARE
  counts integer[] := '{}';
  delivery jsonb;
BEGIN
  FOR delivery IN SELECT value FROM jsonb_array_elements(deliveries) WITH ORDINALITY AS d (value, n) ORDER BY n LOOP
    counts := counts || carabase_record_inbound(
      (delivery ->> 'channel')::uuid, (delivery ->> 'workspace')::uuid, delivery -> 'events');
  END LOOP;
  RETURN counts;
END
$$;

GRANT EXECUTE ON FUNCTION carabase_inbound_channel(uuid) TO carabase_app;
GRANT EXECUTE ON FUNCTION carabase_record_inbound(uuid, uuid, jsonb) TO carabase_app;
GRANT EXECUTE ON FUNCTION carabase_record_inbound_batch(jsonb) TO carabase_app;
