// Wire shapes of entity extraction: where an entity is mentioned, and what each extraction run did. Imports only
// effect: the API declaration (and so the web UI) uses it.
import { Schema } from "effect"

export const MentionTier = Schema.Literal("offline", "model")
export const MentionHow = Schema.Literal("link", "mention", "tag", "folio", "name", "model")

/** One place an entity was read: a note's block (`noteDate`, `blockIndex`) or another source's chunk. */
export const Mention = Schema.Struct({
  id: Schema.String,
  entityId: Schema.String,
  sourceKind: Schema.Literal("note", "memory", "folio_commit", "artifact"),
  sourceId: Schema.String,
  noteDate: Schema.NullOr(Schema.String),
  blockIndex: Schema.NullOr(Schema.Int),
  chunkOrdinal: Schema.NullOr(Schema.Int),
  /** The words as written. */
  surface: Schema.String,
  tier: MentionTier,
  how: MentionHow,
  confidence: Schema.Number,
  jobRunId: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtc
})
export type Mention = typeof Mention.Type

export const ExtractionRun = Schema.Struct({
  id: Schema.String,
  jobRunId: Schema.NullOr(Schema.String),
  sources: Schema.Int,
  mentions: Schema.Int,
  edges: Schema.Int,
  entitiesCreated: Schema.Int,
  suggestions: Schema.Int,
  /** Answers of the utility model, and how many of them were not the JSON asked for (skipped, never stored). */
  modelAnswers: Schema.Int,
  modelUnparseable: Schema.Int,
  finishedAt: Schema.DateTimeUtc
})
export type ExtractionRun = typeof ExtractionRun.Type
