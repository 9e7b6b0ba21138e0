-- Inbound webhooks carry no workspace: the channel's random id in its webhook URL is the capability. A transaction
-- that sets app.channel_id (set_config(..., true), transaction-local) may read that one channel row, learn its
-- workspace, then set app.workspace_id and store the event under the ordinary isolation policy. The policy is
-- permissive and SELECT-only: it adds exactly one readable row and grants no UPDATE, DELETE or INSERT anywhere.
CREATE POLICY channel_lookup ON webhook_channels FOR SELECT TO PUBLIC
  USING (id = nullif(current_setting('app.channel_id', true), '')::uuid);

-- The life of an inbound event: received (stored, waiting), processing (claimed by the reply worker), then replied,
-- ignored (nothing to answer) or failed.
ALTER TABLE channel_events
  ADD CONSTRAINT channel_events_status CHECK (status IN ('received', 'processing', 'replied', 'ignored', 'failed')),
  ADD CONSTRAINT channel_events_external_id CHECK (length(external_id) BETWEEN 1 AND 512);

-- The worker takes the oldest received events first; the events route lists a channel's newest first.
CREATE INDEX channel_events_waiting ON channel_events (workspace_id, received_at) WHERE status = 'received';
CREATE INDEX channel_events_by_channel ON channel_events (channel_id, received_at DESC);
