// One sample row per workspace-scoped table, for a given workspace. The RLS suite takes its list of tables from the
// catalog and fails when a table has no sample here, so a new table cannot slip by untested.
import * as crypto from "node:crypto"

export interface Parents {
  readonly folio: string
  readonly entityA: string
  readonly entityB: string
  readonly artifact: string
  readonly session: string
  readonly channel: string
  readonly note: string
}

export interface SampleInsert {
  readonly sql: string
  readonly params: ReadonlyArray<unknown>
}

const id = () => crypto.randomUUID()
const bytes = () => crypto.randomBytes(32)

/** Parents first: rows of other tables point at them. */
export const parentInserts = (ws: string, p: Parents): ReadonlyArray<SampleInsert> => [
  { sql: "insert into folios (id, workspace_id, name) values ($1, $2, $3)", params: [p.folio, ws, `Folio ${p.folio}`] },
  {
    sql: "insert into entities (id, workspace_id, name, type) values ($1, $2, 'Ada', 'person'), ($3, $2, 'Babbage', 'person')",
    params: [p.entityA, ws, p.entityB]
  },
  {
    sql: "insert into artifacts (id, workspace_id, filename, size) values ($1, $2, 'a.txt', 1)",
    params: [p.artifact, ws]
  },
  { sql: "insert into chat_sessions (id, workspace_id) values ($1, $2)", params: [p.session, ws] },
  // Dated before any sample note, so the random daily_notes sample never collides with it.
  { sql: "insert into daily_notes (id, workspace_id, date) values ($1, $2, '1999-01-01')", params: [p.note, ws] },
  {
    sql: "insert into webhook_channels (id, workspace_id, kind, name, signing_secret_sealed) values ($1, $2, 'generic', 'hook', $3)",
    params: [p.channel, ws, bytes()]
  }
]

export const samples: Record<string, (ws: string, p: Parents) => SampleInsert> = {
  workspace_settings: (ws) => ({
    sql: "insert into workspace_settings (workspace_id, settings) values ($1, '{}') on conflict (workspace_id) do nothing",
    params: [ws]
  }),
  daily_notes: (ws) => ({
    sql: "insert into daily_notes (workspace_id, date) values ($1, date '2026-01-01' + (random() * 3000)::int)",
    params: [ws]
  }),
  note_revisions: (ws, p) => ({
    sql: "insert into note_revisions (workspace_id, note_id, revision, document, size, written_at) values ($1, $2, (random() * 1e6)::int, '[]', 2, now())",
    params: [ws, p.note]
  }),
  folios: (ws) => ({ sql: "insert into folios (workspace_id, name) values ($1, $2)", params: [ws, `F ${id()}`] }),
  folio_commits: (ws, p) => ({
    sql: "insert into folio_commits (workspace_id, folio_id, message) values ($1, $2, 'commit')",
    params: [ws, p.folio]
  }),
  folio_timeline_entries: (ws, p) => ({
    sql: "insert into folio_timeline_entries (workspace_id, folio_id, date, synopsis) values ($1, $2, '2026-01-01', 's')",
    params: [ws, p.folio]
  }),
  entities: (ws) => ({
    sql: "insert into entities (workspace_id, name, type) values ($1, 'Tool', 'tool')",
    params: [ws]
  }),
  edges: (ws, p) => ({
    sql: "insert into edges (workspace_id, source_id, target_id, type) values ($1, $2, $3, 'knows')",
    params: [ws, p.entityA, p.entityB]
  }),
  memories: (ws) => ({ sql: "insert into memories (workspace_id, content) values ($1, 'a fact')", params: [ws] }),
  artifacts: (ws) => ({
    sql: "insert into artifacts (workspace_id, filename, size) values ($1, 'b.txt', 2)",
    params: [ws]
  }),
  artifact_chunks: (ws, p) => ({
    sql: "insert into artifact_chunks (workspace_id, artifact_id, ordinal, content) values ($1, $2, (random() * 1e6)::int, 'chunk')",
    params: [ws, p.artifact]
  }),
  search_chunks: (ws) => ({
    sql: "insert into search_chunks (workspace_id, source_kind, source_id, ordinal, content) values ($1, 'memory', $2, 0, 'chunk')",
    params: [ws, id()]
  }),
  search_terms: (ws) => ({
    sql: "insert into search_terms (workspace_id, term, df) values ($1, $2, 1)",
    params: [ws, id()]
  }),
  // The search_chunks sample's trigger may have made the workspace's row already.
  search_stats: (ws) => ({
    sql: "insert into search_stats (workspace_id, chunks, tokens) values ($1, 1, 1) on conflict (workspace_id) do nothing",
    params: [ws]
  }),
  search_reindex: (ws) => ({
    sql: "insert into search_reindex (workspace_id, pending, done) values ($1, 0, 0)",
    params: [ws]
  }),
  chat_sessions: (ws) => ({ sql: "insert into chat_sessions (workspace_id) values ($1)", params: [ws] }),
  chat_messages: (ws, p) => ({
    sql: "insert into chat_messages (workspace_id, session_id, role, content) values ($1, $2, 'user', 'hi')",
    params: [ws, p.session]
  }),
  agent_tasks: (ws) => ({
    sql: "insert into agent_tasks (workspace_id, instruction) values ($1, 'do it')",
    params: [ws]
  }),
  oauth_apps: (ws) => ({
    sql: "insert into oauth_apps (workspace_id, provider, client_id, client_secret_sealed) values ($1, $2, 'cid', $3)",
    params: [ws, `p-${id()}`, bytes()]
  }),
  connections: (ws) => ({
    sql: "insert into connections (workspace_id, provider, account_id) values ($1, 'github', $2)",
    params: [ws, id()]
  }),
  sync_rules: (ws) => ({ sql: "insert into sync_rules (workspace_id, provider) values ($1, 'github')", params: [ws] }),
  oauth_states: (ws) => ({
    sql: "insert into oauth_states (workspace_id, provider, state_hash, code_verifier_sealed, redirect_uri, expires_at) values ($1, 'github', $2, $3, 'http://localhost/cb', now() + interval '10 minutes')",
    params: [ws, bytes(), bytes()]
  }),
  harvester_pairing_codes: (ws) => ({
    sql: "insert into harvester_pairing_codes (workspace_id, code_hash, connector, device_name, expires_at) values ($1, $2, 'files', 'laptop', now() + interval '10 minutes')",
    params: [ws, bytes()]
  }),
  harvester_devices: (ws) => ({
    sql: "insert into harvester_devices (workspace_id, name, token_hash) values ($1, 'phone', $2)",
    params: [ws, bytes()]
  }),
  model_routes: (ws) => ({
    sql: "insert into model_routes (workspace_id, purpose, provider, model) values ($1, $2, 'openclaw', 'main')",
    params: [ws, `purpose-${id()}`]
  }),
  webhook_channels: (ws) => ({
    sql: "insert into webhook_channels (workspace_id, kind, name, signing_secret_sealed) values ($1, 'slack', 's', $2)",
    params: [ws, bytes()]
  }),
  channel_events: (ws, p) => ({
    sql: "insert into channel_events (workspace_id, channel_id, external_id) values ($1, $2, $3)",
    params: [ws, p.channel, id()]
  }),
  entity_mentions: (ws, p) => ({
    sql: `insert into entity_mentions (workspace_id, entity_id, source_kind, source_id, note_date, block_index, surface, tier, how)
          values ($1, $2, 'note', $3, '1999-01-01', 0, 'Ada', 'offline', 'name')`,
    params: [ws, p.entityA, p.note]
  }),
  google_sync_cursors: (ws) => ({
    sql: `with c as (insert into connections (workspace_id, provider, account_id) values ($1, 'google', $2) returning id)
          insert into google_sync_cursors (workspace_id, connection_id, resource, cursor) select $1, id, 'gmail', '7' from c`,
    params: [ws, id()]
  }),
  google_sync_items: (ws) => ({
    sql: `with c as (insert into connections (workspace_id, provider, account_id) values ($1, 'google', $2) returning id)
          insert into google_sync_items (workspace_id, connection_id, resource, external_id) select $1, id, 'gmail', 'm1' from c`,
    params: [ws, id()]
  }),
  extraction_queue: (ws) => ({
    sql: "insert into extraction_queue (workspace_id, source_kind, source_id) values ($1, 'note', $2)",
    params: [ws, id()]
  }),
  extraction_runs: (ws) => ({
    sql: `insert into extraction_runs (workspace_id, sources, mentions, edges, entities_created, suggestions, model_answers, model_unparseable)
          values ($1, 1, 1, 0, 0, 0, 0, 0)`,
    params: [ws]
  }),
  curation_suggestions: (ws) => ({
    sql: "insert into curation_suggestions (workspace_id, kind) values ($1, 'alias-merge')",
    params: [ws]
  }),
  trash: (ws) => ({
    sql: "insert into trash (workspace_id, kind, original_id, data, deleted_by) values ($1, 'memory', $2, '{}', 'test')",
    params: [ws, id()]
  }),
  job_runs: (ws) => ({
    sql: "insert into job_runs (workspace_id, name, status) values ($1, 'backup', 'succeeded')",
    params: [ws]
  }),
  imports: (ws) => ({
    sql: "insert into imports (workspace_id, format) values ($1, 'obsidian')",
    params: [ws]
  }),
  import_files: (ws) => ({
    sql: `with run as (insert into imports (id, workspace_id, format) values ($2, $1, 'obsidian') returning id)
          insert into import_files (workspace_id, import_id, ordinal, path, outcome, kind)
          select $1, id, 0, 'a.md', 'created', 'page' from run`,
    params: [ws, id()]
  }),
  import_sources: (ws) => ({
    sql: "insert into import_sources (workspace_id, path, content_hash, kind, target) values ($1, $2, 'h', 'page', 't')",
    params: [ws, `${id()}.md`]
  })
}

export const newParents = (): Parents => ({
  folio: id(),
  entityA: id(),
  entityB: id(),
  artifact: id(),
  session: id(),
  channel: id(),
  note: id()
})
