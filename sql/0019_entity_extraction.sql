-- Entity extraction: the graph grows from what the owner writes. Every indexed source (a note, a memory, a folio
-- commit, an artifact) is queued for extraction in the same transaction that indexes it; the entity-extraction job
-- drains the queue out of the request path and makes the source's mentions and extracted edges what the source now
-- says (a source that is gone loses them). A mention links an entity to the place it was read: a note's top-level
-- block (its date and index) or another source's chunk (its ordinal). Each run of the job keeps its counts, model
-- answers that could not be used included.
CREATE TABLE extraction_queue (
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  source_kind text NOT NULL CHECK (source_kind IN ('note', 'memory', 'folio_commit', 'artifact')),
  source_id text NOT NULL CHECK (length(source_id) BETWEEN 1 AND 200),
  queued_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, source_kind, source_id)
);
SELECT carabase_protect('extraction_queue');

CREATE TABLE entity_mentions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  entity_id uuid NOT NULL,
  source_kind text NOT NULL CHECK (source_kind IN ('note', 'memory', 'folio_commit', 'artifact')),
  source_id text NOT NULL CHECK (length(source_id) BETWEEN 1 AND 200),
  note_date date,
  block_index integer CHECK (block_index >= 0),
  chunk_ordinal integer CHECK (chunk_ordinal >= 0),
  surface text NOT NULL CHECK (length(surface) BETWEEN 1 AND 500),
  tier text NOT NULL CHECK (tier IN ('offline', 'model')),
  how text NOT NULL CHECK (how IN ('link', 'mention', 'tag', 'folio', 'name', 'model')),
  confidence real NOT NULL DEFAULT 1 CHECK (confidence >= 0 AND confidence <= 1),
  job_run_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (workspace_id, entity_id) REFERENCES entities (workspace_id, id) ON DELETE CASCADE,
  -- A note's mention names its block; any other source's names its chunk.
  CHECK ((source_kind = 'note') = (note_date IS NOT NULL AND block_index IS NOT NULL AND chunk_ordinal IS NULL)),
  CHECK ((source_kind = 'note') <> (chunk_ordinal IS NOT NULL))
);
CREATE INDEX entity_mentions_entity ON entity_mentions (workspace_id, entity_id, note_date DESC);
CREATE INDEX entity_mentions_source ON entity_mentions (workspace_id, source_kind, source_id);
SELECT carabase_protect('entity_mentions');

-- Extracted edges are found again by their source when it changes.
CREATE INDEX edges_extracted_source ON edges (workspace_id, (provenance->>'sourceKind'), (provenance->>'sourceId'))
  WHERE provenance->>'extractor' = 'entity-extraction';

CREATE TABLE extraction_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  job_run_id uuid,
  sources integer NOT NULL CHECK (sources >= 0),
  mentions integer NOT NULL CHECK (mentions >= 0),
  edges integer NOT NULL CHECK (edges >= 0),
  entities_created integer NOT NULL CHECK (entities_created >= 0),
  suggestions integer NOT NULL CHECK (suggestions >= 0),
  model_answers integer NOT NULL CHECK (model_answers >= 0),
  model_unparseable integer NOT NULL CHECK (model_unparseable >= 0),
  finished_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX extraction_runs_recent ON extraction_runs (workspace_id, finished_at DESC);
SELECT carabase_protect('extraction_runs');
