-- Voice notes from chat channels (issue 32): the reply worker fetches a message's audio from the platform, stores it
-- as an artifact and queues its transcription. Each event keeps the artifacts already stored, by message position
-- (as `replies` keeps the replies sent), so a retry or a restarted host never fetches a voice note twice.
ALTER TABLE channel_events
  ADD COLUMN media jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(media) = 'object');
