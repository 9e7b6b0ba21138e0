-- The knowledge model: daily notes, folios, the knowledge graph, memories, artifacts and their embedded chunks.
-- Every table is workspace-scoped. References between them are composite (workspace_id, id), so a row can never
-- point at a row of another workspace. Embeddings carry the model that made them: search never mixes models.

CREATE TABLE daily_notes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  date date NOT NULL,
  document jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(document) = 'array'),
  text_content text NOT NULL DEFAULT '',
  revision integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', text_content)) STORED,
  UNIQUE (workspace_id, date),
  UNIQUE (workspace_id, id)
);
CREATE INDEX daily_notes_tsv ON daily_notes USING gin (tsv);
SELECT carabase_protect('daily_notes');

CREATE TABLE folios (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  about text NOT NULL DEFAULT '',
  archived_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, id)
);
CREATE UNIQUE INDEX folios_name ON folios (workspace_id, lower(name));
SELECT carabase_protect('folios');

CREATE TABLE folio_commits (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  folio_id uuid NOT NULL,
  message text NOT NULL CHECK (length(btrim(message)) > 0),
  artifact_ids uuid[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (workspace_id, folio_id) REFERENCES folios (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX folio_commits_folio ON folio_commits (workspace_id, folio_id, created_at DESC);
SELECT carabase_protect('folio_commits');

CREATE TABLE folio_timeline_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  folio_id uuid NOT NULL,
  date date NOT NULL,
  synopsis text NOT NULL,
  source text NOT NULL DEFAULT 'manual',
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (workspace_id, folio_id) REFERENCES folios (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX folio_timeline_folio ON folio_timeline_entries (workspace_id, folio_id, date DESC);
SELECT carabase_protect('folio_timeline_entries');

CREATE TABLE entities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 500),
  type text NOT NULL CHECK (type IN ('person', 'project', 'concept', 'organization', 'tool', 'topic', 'event')),
  aliases text[] NOT NULL DEFAULT '{}',
  canonical_id uuid,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, id),
  FOREIGN KEY (workspace_id, canonical_id) REFERENCES entities (workspace_id, id) ON DELETE SET NULL (canonical_id)
);
CREATE INDEX entities_name ON entities (workspace_id, lower(name));
CREATE INDEX entities_aliases ON entities USING gin (aliases);
CREATE INDEX entities_type ON entities (workspace_id, type);
SELECT carabase_protect('entities');

CREATE TABLE edges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  source_id uuid NOT NULL,
  target_id uuid NOT NULL,
  type text NOT NULL CHECK (length(btrim(type)) BETWEEN 1 AND 200),
  source_kind text NOT NULL DEFAULT 'extracted' CHECK (source_kind IN ('extracted', 'inferred', 'ambiguous')),
  confidence real NOT NULL DEFAULT 1 CHECK (confidence >= 0 AND confidence <= 1),
  provenance jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (workspace_id, source_id) REFERENCES entities (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, target_id) REFERENCES entities (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX edges_source ON edges (workspace_id, source_id);
CREATE INDEX edges_target ON edges (workspace_id, target_id);
SELECT carabase_protect('edges');

CREATE TABLE memories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  content text NOT NULL CHECK (length(btrim(content)) > 0),
  source text,
  embedding vector(384),
  embedding_model text,
  created_at timestamptz NOT NULL DEFAULT now(),
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
  CHECK ((embedding IS NULL) = (embedding_model IS NULL))
);
CREATE INDEX memories_recent ON memories (workspace_id, created_at DESC);
CREATE INDEX memories_tsv ON memories USING gin (tsv);
CREATE INDEX memories_embedding ON memories USING hnsw (embedding vector_cosine_ops);
SELECT carabase_protect('memories');

CREATE TABLE artifacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  filename text NOT NULL,
  mime_type text NOT NULL DEFAULT 'application/octet-stream',
  size bigint NOT NULL CHECK (size >= 0),
  sha256 bytea,
  content bytea,
  extracted_text text,
  source text NOT NULL DEFAULT 'upload',
  external_id text,
  connection_id uuid,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, id)
);
CREATE UNIQUE INDEX artifacts_external ON artifacts (workspace_id, source, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX artifacts_recent ON artifacts (workspace_id, created_at DESC);
SELECT carabase_protect('artifacts');

CREATE TABLE artifact_chunks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  artifact_id uuid NOT NULL,
  ordinal integer NOT NULL CHECK (ordinal >= 0),
  content text NOT NULL,
  embedding vector(384),
  embedding_model text,
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
  UNIQUE (artifact_id, ordinal),
  FOREIGN KEY (workspace_id, artifact_id) REFERENCES artifacts (workspace_id, id) ON DELETE CASCADE,
  CHECK ((embedding IS NULL) = (embedding_model IS NULL))
);
CREATE INDEX artifact_chunks_tsv ON artifact_chunks USING gin (tsv);
CREATE INDEX artifact_chunks_embedding ON artifact_chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX artifact_chunks_model ON artifact_chunks (workspace_id, embedding_model);
SELECT carabase_protect('artifact_chunks');
