-- Edges an import extracted carry the file they came from in their provenance (`file`, with `source: import`). A file
-- imported again replaces the edges it made (those its lines no longer give are removed), looked up by that file.
CREATE INDEX edges_provenance_file ON edges (workspace_id, (provenance->>'file')) WHERE provenance ? 'file';
