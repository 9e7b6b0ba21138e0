-- The background extraction queue (issue 32): artifacts waiting for OCR or transcription are the rows whose metadata
-- says extraction `pending`. Its sweep reads them every minute in every workspace, oldest first; this index keeps that
-- read to the waiting rows however many artifacts a workspace holds.
CREATE INDEX artifacts_pending_extraction ON artifacts (workspace_id, created_at)
  WHERE metadata #>> '{extraction,status}' = 'pending';
