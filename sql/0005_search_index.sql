-- The one search index: chunks of notes, memories, folio commits and artifacts, each indexed for full-text search
-- (tsvector, GIN) and vector search (pgvector, HNSW, cosine). Harvest writes it; search reads it.
--
-- Vectors carry the model that made them, and search only compares vectors of the active model. The column has no
-- fixed dimension so any embedding model fits; HNSW needs a fixed one, so there is one partial expression index per
-- common dimension (384: the built-in hashing model; 768, 1024, 1536: the usual hosted and Ollama models). A model of
-- any other dimension still works, by an exact scan of its own rows.
-- artifact_chunks (0003) is left in place but no longer written: search_chunks replaces it.

CREATE TABLE search_chunks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  source_kind text NOT NULL CHECK (source_kind IN ('note', 'memory', 'folio_commit', 'artifact')),
  source_id text NOT NULL CHECK (length(source_id) BETWEEN 1 AND 200),
  ordinal integer NOT NULL CHECK (ordinal >= 0),
  title text NOT NULL DEFAULT '',
  content text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', content), 'B')
  ) STORED,
  embedding vector,
  embedding_model text,
  embedding_dims integer GENERATED ALWAYS AS (vector_dims(embedding)) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, source_kind, source_id, ordinal),
  CHECK ((embedding IS NULL) = (embedding_model IS NULL))
);

CREATE INDEX search_chunks_tsv ON search_chunks USING gin (tsv);
CREATE INDEX search_chunks_model ON search_chunks (workspace_id, embedding_model);
CREATE INDEX search_chunks_embedding_384 ON search_chunks
  USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE embedding_dims = 384;
CREATE INDEX search_chunks_embedding_768 ON search_chunks
  USING hnsw ((embedding::vector(768)) vector_cosine_ops) WHERE embedding_dims = 768;
CREATE INDEX search_chunks_embedding_1024 ON search_chunks
  USING hnsw ((embedding::vector(1024)) vector_cosine_ops) WHERE embedding_dims = 1024;
CREATE INDEX search_chunks_embedding_1536 ON search_chunks
  USING hnsw ((embedding::vector(1536)) vector_cosine_ops) WHERE embedding_dims = 1536;
SELECT carabase_protect('search_chunks');

-- Under Row-Level Security the planner may only use an index for an operator it knows cannot leak the rows it sees
-- (LEAKPROOF); tsvector @@ tsquery is not marked so, which would turn every full-text search into a sequential scan
-- of all workspaces' chunks. Its function only answers true or false and raises no error that names its input, so it
-- is marked leakproof here. That needs a superuser; with an owner that is not one, full-text search stays correct
-- but scans.
DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF;
  ELSE
    RAISE NOTICE 'not a superuser: full-text search under RLS cannot use the GIN index (ts_match_vq is not leakproof)';
  END IF;
END
$$;

-- Vector search filters by workspace (RLS) and model after walking the HNSW graph; iterative scans keep walking until
-- enough rows pass, so a small workspace in a large table still gets its nearest chunks. Set for the database so the
-- app's sessions have it without a statement per search; without the privilege, search stays correct with a
-- possibly shorter vector candidate list.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET hnsw.iterative_scan = %L', current_database(), 'relaxed_order');
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'cannot set hnsw.iterative_scan for the database: vector search may return fewer candidates';
END
$$;
