-- Capture first, reply second. An accepted chat message is written into the day's note in the commit that stores its
-- event; the reply is a separate step the reply worker retries with backoff while the agent gateway is unreachable.
-- Each event now keeps its retry state (attempts made, when the next one is due, why the last one failed) and the
-- replies already sent, by message position, so a retry or a restarted host never sends one twice. A new status,
-- captured, is an event in the note that cannot be answered (its channel has no bot token or outbound URL).
ALTER TABLE channel_events
  ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  ADD COLUMN next_attempt_at timestamptz,
  ADD COLUMN last_error text CHECK (length(last_error) <= 500),
  ADD COLUMN replies jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(replies) = 'object'),
  DROP CONSTRAINT channel_events_status,
  ADD CONSTRAINT channel_events_status
    CHECK (status IN ('received', 'processing', 'replied', 'ignored', 'failed', 'captured'));

-- The worker takes the waiting events that are due, oldest first.
DROP INDEX channel_events_waiting;
CREATE INDEX channel_events_waiting ON channel_events (workspace_id, received_at, next_attempt_at)
  WHERE status = 'received';
