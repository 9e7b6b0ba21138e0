// Queueing a source for entity extraction: called by the writer of that source in the transaction that writes it
// (Harvest.index for every indexed text, curation when a decision changes how a name resolves), so a committed write
// is always queued and a rolled-back one never is. The entity-extraction job drains the queue.
import type { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/** What extraction writes carry: its entities' `metadata.source` and its edges' `provenance.extractor`. */
export const EXTRACTOR = "entity-extraction"

export type ExtractionSourceKind = "note" | "memory" | "folio_commit" | "artifact"

export const enqueueExtraction = (sql: SqlClient.SqlClient, kind: ExtractionSourceKind, ids: ReadonlyArray<string>) =>
  ids.length === 0
    ? Effect.void
    : Effect.asVoid(sql`
        insert into extraction_queue (source_kind, source_id)
        select ${kind}, unnest(${ids}::text[])
        on conflict (workspace_id, source_kind, source_id) do update set queued_at = clock_timestamp()`)
