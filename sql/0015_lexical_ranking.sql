-- BM25 lexical ranking for search_chunks, inside PostgreSQL and under RLS.
--
-- Each chunk gets `lex`, its English-stemmed, accent-folded, stop-word-free tsvector of title (weight A) and text (GIN indexed:
-- it finds the candidates of an OR query), `lex_len`, its length in those terms, and `bm25`, a pgvector sparsevec
-- holding each term's BM25 document weight tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)) with k1 = 1.2, b = 0.75, at
-- the dimension its term hashes to (md5, 1e9 dimensions). A query's vector holds each of its terms' IDF,
-- ln(1 + (N − df + 0.5) / (df + 0.5)), from the workspace's own counts, so a chunk's BM25 score is one inner product.
-- The counts live in search_terms (document frequency per term) and search_stats (chunks and total length), both
-- per workspace under RLS, and are kept current by triggers on search_chunks, so every path that writes chunks
-- (harvest, trash restore, workspace delete) keeps them right in the same transaction.
--
-- The new columns start empty on an existing database: adding them rewrites nothing, so boot is not blocked. The
-- host's background sweep fills them (`update ... set lex = null` lets the trigger compute them) and records its
-- progress per workspace in search_reindex, which `carabase doctor` reads.

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent') THEN
    CREATE EXTENSION IF NOT EXISTS unaccent;
  ELSE
    RAISE NOTICE 'unaccent is not available: search does not fold accents';
  END IF;
END
$$;

-- English stemming (Snowball) and stop words; accents folded first when unaccent is installed.
CREATE TEXT SEARCH CONFIGURATION carabase_english (COPY = english);
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
    ALTER TEXT SEARCH CONFIGURATION carabase_english
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
  END IF;
END
$$;

-- The sparsevec dimension of a term: stable across PostgreSQL versions (md5, not hashtext), 1-based.
CREATE FUNCTION carabase_term_dim(term text) RETURNS integer
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT (('x' || substr(md5(term), 1, 8))::bit(32)::bigint & 1073741823)::integer % 1000000000 + 1 $$;

-- A chunk's BM25 document weights (k1 = 1.2, b = 0.75) for its stemmed tsvector, its length and the average length.
-- A word of the title (weight A in lex) counts twice, as in BM25F with a title boost of 2: a chunk whose title names
-- the query's word is more about it than one that mentions it in passing.
CREATE FUNCTION carabase_bm25_doc(lex tsvector, len integer, avglen float8) RETURNS sparsevec
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT coalesce(
      (SELECT ('{' || string_agg(dim || ':' || weight::real, ',' ORDER BY dim) || '}/1000000000')::sparsevec
       FROM (
         SELECT carabase_term_dim(lexeme) AS dim,
                sum(tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len / greatest(avglen, 1)))) AS weight
         FROM (
           SELECT lexeme,
                  coalesce((SELECT sum(CASE w WHEN 'A' THEN 2 ELSE 1 END) FROM unnest(weights) w), 1) AS tf
           FROM unnest(lex)
         ) terms
         GROUP BY 1
       ) weights),
      '{}/1000000000'::sparsevec)
  $$;

ALTER TABLE search_chunks ADD COLUMN lex tsvector, ADD COLUMN lex_len integer, ADD COLUMN bm25 sparsevec;
CREATE INDEX search_chunks_lex ON search_chunks USING gin (lex);

CREATE TABLE search_terms (
  workspace_id uuid NOT NULL DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  -- "C" collation: a prefix query (`pric*`) is an index range scan.
  term text COLLATE "C" NOT NULL,
  df integer NOT NULL,
  PRIMARY KEY (workspace_id, term)
);
SELECT carabase_protect('search_terms');

CREATE TABLE search_stats (
  workspace_id uuid PRIMARY KEY DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  chunks bigint NOT NULL,
  tokens bigint NOT NULL
);
SELECT carabase_protect('search_stats');

-- Until a workspace has this many chunks, weights use this average length (a full chunk's is about 70 terms).
CREATE FUNCTION carabase_avg_len(workspace uuid) RETURNS float8
  LANGUAGE sql STABLE STRICT
  AS $$
    SELECT coalesce((SELECT tokens::float8 / chunks FROM search_stats WHERE workspace_id = workspace AND chunks >= 50),
                    64)
  $$;

-- Progress of the background re-index, per workspace: chunks still without BM25 weights when it last looked, chunks
-- done, and when it finished.
CREATE TABLE search_reindex (
  workspace_id uuid PRIMARY KEY DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid
    REFERENCES workspaces (id) ON DELETE CASCADE,
  pending bigint NOT NULL,
  done bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
SELECT carabase_protect('search_reindex');

CREATE FUNCTION carabase_chunk_lex() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.lex IS NULL OR (TG_OP = 'UPDATE' AND (NEW.title, NEW.content) IS DISTINCT FROM (OLD.title, OLD.content)) THEN
    NEW.lex := setweight(to_tsvector('carabase_english', NEW.title), 'A') || to_tsvector('carabase_english', NEW.content);
    NEW.lex_len := coalesce((SELECT sum(coalesce(cardinality(positions), 1)) FROM unnest(NEW.lex))::integer, 0);
    NEW.bm25 := carabase_bm25_doc(NEW.lex, NEW.lex_len, carabase_avg_len(NEW.workspace_id));
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER search_chunks_lex BEFORE INSERT OR UPDATE ON search_chunks
  FOR EACH ROW EXECUTE FUNCTION carabase_chunk_lex();

-- Applies a statement's change of chunks to the counts. Increases are upserts; decreases only update, so a
-- workspace being deleted (its counts cascading away in the same statement) never gets a row inserted. Terms are
-- written in one order, so concurrent writers of one workspace wait for each other instead of deadlocking.
CREATE FUNCTION carabase_count_terms(added jsonb, removed jsonb) RETURNS void
  LANGUAGE sql
  AS $$
    WITH changes AS (
      SELECT workspace_id, lexeme, sum(delta)::integer AS delta FROM (
        SELECT (r ->> 'workspace_id')::uuid AS workspace_id, l AS lexeme, 1 AS delta
        FROM jsonb_array_elements(added) r, jsonb_array_elements_text(r -> 'terms') l
        UNION ALL
        SELECT (r ->> 'workspace_id')::uuid, l, -1
        FROM jsonb_array_elements(removed) r, jsonb_array_elements_text(r -> 'terms') l
      ) d GROUP BY 1, 2 HAVING sum(delta) <> 0
    ),
    grown AS (
      INSERT INTO search_terms AS t (workspace_id, term, df)
      SELECT workspace_id, lexeme, delta FROM changes WHERE delta > 0 ORDER BY workspace_id, lexeme
      ON CONFLICT (workspace_id, term) DO UPDATE SET df = t.df + excluded.df
      RETURNING 1
    ),
    shrunk AS (
      UPDATE search_terms t SET df = t.df + c.delta FROM changes c
      WHERE c.delta < 0 AND t.workspace_id = c.workspace_id AND t.term = c.lexeme
      RETURNING 1
    )
    SELECT count(*) FROM grown UNION ALL SELECT count(*) FROM shrunk
  $$;

CREATE FUNCTION carabase_count_chunks() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  added jsonb := '[]';
  removed jsonb := '[]';
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'workspace_id', workspace_id, 'len', lex_len,
             'terms', tsvector_to_array(lex))), '[]')
      INTO added FROM new_rows WHERE lex IS NOT NULL;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'workspace_id', workspace_id, 'len', lex_len,
             'terms', tsvector_to_array(lex))), '[]')
      INTO removed FROM old_rows WHERE lex IS NOT NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    -- An update that leaves a chunk's terms as they were (a new vector) changes no count.
    SELECT coalesce(jsonb_agg(a), '[]') INTO added FROM jsonb_array_elements(added) a
      WHERE NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.id = (a ->> 'id')::uuid AND o.lex IS NOT NULL
                        AND o.lex = (SELECT n.lex FROM new_rows n WHERE n.id = o.id));
    SELECT coalesce(jsonb_agg(r), '[]') INTO removed FROM jsonb_array_elements(removed) r
      WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = (r ->> 'id')::uuid AND n.lex IS NOT NULL
                        AND n.lex = (SELECT o.lex FROM old_rows o WHERE o.id = n.id));
  END IF;
  IF jsonb_array_length(added) = 0 AND jsonb_array_length(removed) = 0 THEN
    RETURN NULL;
  END IF;
  PERFORM carabase_count_terms(added, removed);
  INSERT INTO search_stats AS s (workspace_id, chunks, tokens)
    SELECT (a ->> 'workspace_id')::uuid, count(*), sum((a ->> 'len')::bigint) FROM jsonb_array_elements(added) a
    GROUP BY 1 ORDER BY 1
    ON CONFLICT (workspace_id) DO UPDATE SET chunks = s.chunks + excluded.chunks, tokens = s.tokens + excluded.tokens;
  UPDATE search_stats s SET chunks = s.chunks - r.chunks, tokens = s.tokens - r.tokens
    FROM (SELECT (x ->> 'workspace_id')::uuid AS workspace_id, count(*) AS chunks, sum((x ->> 'len')::bigint) AS tokens
          FROM jsonb_array_elements(removed) x GROUP BY 1) r
    WHERE s.workspace_id = r.workspace_id;
  RETURN NULL;
END
$$;
CREATE TRIGGER search_chunks_count_insert AFTER INSERT ON search_chunks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION carabase_count_chunks();
CREATE TRIGGER search_chunks_count_update AFTER UPDATE ON search_chunks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION carabase_count_chunks();
CREATE TRIGGER search_chunks_count_delete AFTER DELETE ON search_chunks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION carabase_count_chunks();

GRANT EXECUTE ON FUNCTION carabase_term_dim(text) TO carabase_app;
GRANT EXECUTE ON FUNCTION carabase_bm25_doc(tsvector, integer, float8) TO carabase_app;
GRANT EXECUTE ON FUNCTION carabase_avg_len(uuid) TO carabase_app;
GRANT EXECUTE ON FUNCTION carabase_count_terms(jsonb, jsonb) TO carabase_app;
GRANT EXECUTE ON FUNCTION carabase_chunk_lex() TO carabase_app;
GRANT EXECUTE ON FUNCTION carabase_count_chunks() TO carabase_app;

