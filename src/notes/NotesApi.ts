// Declaration of the daily-note routes: read (creating an empty note on first read), read as text, replace (checked
// against the revision it was based on), inject a block or a markdown log entry, edit or remove one entry, and the
// note's history (list, read and restore earlier versions). Imports only effect, @effect/platform, src/schema, the
// writer schema and the pure document modules beside it.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"
import { WriterInfo } from "../platform/Writer"
import { BaseRevision } from "../schema/BaseRevision"
import { uuidId } from "../schema/Ids"
import { TrashId } from "../trash/TrashApi"
import { bounded, storable } from "../schema/TextSchemas"
import { Block, DocumentState, MAX_BYTES } from "./Document"
import { normalizeTag } from "./LogCard"
import { NoteDate, noteDateField } from "./NoteDate"

export const FolioName = bounded("folio", 200)

export const TagName = Schema.Trim.pipe(
  Schema.filter((tag) => normalizeTag(tag) !== "", { message: () => "a tag must have a name, e.g. `work` or `#work`" }),
  Schema.maxLength(100, { message: () => "a tag must be at most 100 characters" }),
  storable("tag")
)

export const TagNames = Schema.Array(TagName).pipe(
  Schema.maxItems(50, { message: () => "at most 50 tags per entry" }),
  Schema.annotations({ description: "Tags, with or without a leading #" })
)

export const IdempotencyKey = Schema.String.pipe(
  Schema.minLength(1, { message: () => "idempotencyKey must not be empty" }),
  Schema.maxLength(200, { message: () => "idempotencyKey must be at most 200 characters" }),
  storable("idempotencyKey")
)

/** Optional body fields also accept an explicit null, as some clients send for "not given". */
export const optionalField = <A, I>(schema: Schema.Schema<A, I>) => Schema.optionalWith(schema, { nullable: true })

const BodyDate = noteDateField("date")

export const DatePath = Schema.Struct({ date: NoteDate })

/** A daily note's row id (a note is addressed by its date; its revisions are kept under this id). */
export const NoteId = uuidId("NoteId")
export type NoteId = typeof NoteId.Type

export class DailyNote extends Schema.Class<DailyNote>("DailyNote")({
  id: NoteId,
  date: NoteDate,
  documentState: DocumentState,
  /** Increases by one on every write: a cheap way to tell whether a note changed. */
  revision: Schema.Int,
  updatedAt: Schema.DateTimeUtc
}) {}

/** What removing an entry answers: the note as it now stands, and the trash entry to restore the entry from. */
export const RemovedEntry = Schema.Struct({ ...DailyNote.fields, trashId: TrashId })

export const NoteText = Schema.Struct({ date: NoteDate, text: Schema.String })

export const ReplaceNote = Schema.Struct({ documentState: DocumentState, baseRevision: optionalField(BaseRevision) })

/** `{ block }`: append one node as given. Its idempotency key is `attrs.idempotencyKey` (or the top-level field). */
export const InjectBlock = Schema.Struct({
  block: Block,
  date: optionalField(BodyDate),
  idempotencyKey: optionalField(IdempotencyKey)
}).annotations({ identifier: "InjectBlock", title: "{ block, date?, idempotencyKey? }" })
export type InjectBlock = typeof InjectBlock.Type

/** The longest log entry, in characters: a paste beyond it is refused (400 naming `content`), not stored. */
export const MAX_ENTRY_CHARS = 20_000

const EntryContent = bounded("content", MAX_ENTRY_CHARS)

/** A log card's wall-clock time, `hh:mm AM`: the writer's local time, which the host's zone may not be. */
export const EntryTimestamp = Schema.String.pipe(
  Schema.pattern(/^(0[1-9]|1[0-2]):[0-5]\d (AM|PM)$/, {
    message: () => "timestamp must be the writer's local time as hh:mm AM or hh:mm PM, e.g. 04:49 PM"
  })
)

/**
 * `{ type: "logCard", content }`: a log entry from markdown text, timestamped now in host-local time unless the
 * writer sends its own local `timestamp` (a browser in another time zone than the host's).
 */
export const InjectLogEntry = Schema.Struct({
  type: Schema.Literal("logCard"),
  content: EntryContent,
  timestamp: optionalField(EntryTimestamp),
  folio: optionalField(FolioName),
  tags: optionalField(TagNames),
  date: optionalField(BodyDate),
  idempotencyKey: optionalField(IdempotencyKey)
}).annotations({
  identifier: "InjectLogEntry",
  title: '{ type: "logCard", content, timestamp?, folio?, tags?, date?, idempotencyKey? }'
})
export type InjectLogEntry = typeof InjectLogEntry.Type

export const InjectRequest = Schema.Union(InjectBlock, InjectLogEntry)
export type InjectRequest = typeof InjectRequest.Type

export const InjectResult = Schema.Struct({
  success: Schema.Literal(true),
  date: NoteDate,
  /** True when a block with the same idempotency key was already in the note, so nothing was added. */
  duplicate: Schema.Boolean
})

/** One version of a note as its history lists it; `writer` is null for a version written before notes kept history. */
export const RevisionSummary = Schema.Struct({
  revision: Schema.Int,
  /** UTF-8 bytes of the document as JSON. */
  size: Schema.Int,
  writer: Schema.NullOr(WriterInfo),
  writtenAt: Schema.DateTimeUtc,
  /** True for the note as it stands now. */
  current: Schema.Boolean
})

/** A note's versions, newest first: the current one, then every one kept in its history. */
export const NoteRevisions = Schema.Struct({
  date: NoteDate,
  revision: Schema.Int,
  revisions: Schema.Array(RevisionSummary)
})
export type NoteRevisions = typeof NoteRevisions.Type

export const NoteRevision = Schema.Struct({ date: NoteDate, ...RevisionSummary.fields, documentState: DocumentState })
export type NoteRevision = typeof NoteRevision.Type

/** `:n`, a revision number. */
export const RevisionPath = Schema.Struct({
  date: NoteDate,
  n: Schema.String.pipe(
    Schema.pattern(/^\d{1,9}$/, { message: () => "n must be a revision number (a whole number, 0 or more)" }),
    Schema.compose(Schema.NumberFromString)
  )
})

/** `:ref`, a logCard's 0-based position among the note's logCards, or its idempotency key. */
export const EntryPath = Schema.Struct({
  date: NoteDate,
  ref: Schema.String.pipe(
    Schema.minLength(1, {
      message: () => "ref must name an entry: its index among the logCards or its idempotency key"
    }),
    Schema.maxLength(200, { message: () => "ref must be at most 200 characters" }),
    storable("ref")
  )
})

/** A text edit: `{ content, folio?, tags? }` rewrites the entry's text, keeping the rest of the card. */
export const EntryTextChange = Schema.Struct({
  content: EntryContent,
  folio: optionalField(FolioName),
  tags: optionalField(TagNames),
  baseRevision: optionalField(BaseRevision)
})

/**
 * `{ block }` replaces the entry's node as sent; `{ content, folio?, tags? }` rewrites its text, keeping the rest. The
 * text shape comes first: Block's type side accepts any value, so listed first it would claim a text edit when a
 * client (the typed one the web UI uses) encodes the union.
 */
export const EntryChange = Schema.Union(
  EntryTextChange,
  Schema.Struct({ block: Block, baseRevision: optionalField(BaseRevision) })
).annotations({ identifier: "EntryChange", title: "{ block } or { content, folio?, tags? }, with baseRevision?" })
export type EntryChange = typeof EntryChange.Type

export class NoteTooLarge extends Schema.TaggedError<NoteTooLarge>()(
  "NoteTooLarge",
  { message: Schema.String, date: Schema.String, bytes: Schema.Number, maxBytes: Schema.Number },
  HttpApiSchema.annotations({ status: 400 })
) {
  /** The note of `date` would be `bytes` bytes of JSON after the change. */
  static of(date: string, bytes: number) {
    return new NoteTooLarge({
      date,
      bytes,
      maxBytes: MAX_BYTES,
      message: `the note for ${date} would be ${bytes} bytes of JSON; a note holds at most ${MAX_BYTES} bytes (2 MiB): write to another day or trim this one`
    })
  }
}

export class InvalidInject extends Schema.TaggedError<InvalidInject>()(
  "InvalidInject",
  { message: Schema.String, field: Schema.Literal("idempotencyKey"), reason: Schema.Literal("KeysDiffer") },
  HttpApiSchema.annotations({ status: 400 })
) {
  /** idempotencyKey and block.attrs.idempotencyKey were both sent, with different values. */
  static keysDiffer() {
    return new InvalidInject({
      field: "idempotencyKey",
      reason: "KeysDiffer",
      message:
        "idempotencyKey and block.attrs.idempotencyKey differ: send the key once, in either place, or send the same value"
    })
  }
}

/** The edit was based on a revision that is no longer current: nothing was written; re-read, merge and send again. */
export class NoteRevisionConflict extends Schema.TaggedError<NoteRevisionConflict>()(
  "NoteRevisionConflict",
  { message: Schema.String, revision: Schema.Int },
  HttpApiSchema.annotations({ status: 409 })
) {}

/** An If-Match header that names no revision, or one that disagrees with the body's baseRevision. */
export class InvalidBaseRevision extends Schema.TaggedError<InvalidBaseRevision>()(
  "InvalidBaseRevision",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

export class NoteNotFound extends Schema.TaggedError<NoteNotFound>()(
  "NoteNotFound",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

export class RevisionNotFound extends Schema.TaggedError<RevisionNotFound>()(
  "RevisionNotFound",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

export class EntryNotFound extends Schema.TaggedError<EntryNotFound>()(
  "EntryNotFound",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

/**
 * Dates are `YYYY-MM-DD` and must exist (anything else is 400). Where a date may be left out it defaults to today in
 * the host's local time zone, and generated log cards are timestamped `hh:mm AM` in that zone.
 */
/** How many days the activity chart covers at most. */
export const ACTIVITY_MAX_DAYS = 366

export const ActivityQuery = Schema.Struct({
  /** The last day counted, as the client's calendar has it (its own time zone decides what "today" is). */
  to: noteDateField("to"),
  days: Schema.optional(
    Schema.NumberFromString.pipe(
      Schema.int({ message: () => `days must be an integer from 1 to ${ACTIVITY_MAX_DAYS}` }),
      Schema.between(1, ACTIVITY_MAX_DAYS, { message: () => `days must be an integer from 1 to ${ACTIVITY_MAX_DAYS}` })
    )
  )
})

export const DayActivity = Schema.Struct({ date: NoteDate, entries: Schema.Int })

export class NotesApi extends HttpApiGroup.make("notes")
  /** Log entries per day for the `days` (default 14) days ending at `to`, oldest first, every day listed (0 without a note). */
  .add(
    HttpApiEndpoint.get("activity", "/activity")
      .setUrlParams(ActivityQuery)
      .addSuccess(Schema.Struct({ days: Schema.Array(DayActivity) }))
  )
  .add(HttpApiEndpoint.get("get", "/daily-notes/:date").setPath(DatePath).addSuccess(DailyNote))
  .add(HttpApiEndpoint.get("text", "/daily-notes/:date/text").setPath(DatePath).addSuccess(NoteText))
  .add(
    HttpApiEndpoint.patch("replace", "/daily-notes/:date")
      .setPath(DatePath)
      .setPayload(ReplaceNote)
      .addSuccess(DailyNote)
      .addError(NoteTooLarge)
      .addError(NoteRevisionConflict)
      .addError(InvalidBaseRevision)
  )
  .add(
    HttpApiEndpoint.post("inject", "/daily-notes/inject")
      .setPayload(InjectRequest)
      .addSuccess(InjectResult)
      .addError(NoteTooLarge)
      .addError(InvalidInject)
  )
  .add(
    HttpApiEndpoint.patch("editEntry", "/daily-notes/:date/entries/:ref")
      .setPath(EntryPath)
      .setPayload(EntryChange)
      .addSuccess(DailyNote)
      .addError(NoteTooLarge)
      .addError(NoteRevisionConflict)
      .addError(InvalidBaseRevision)
      .addError(EntryNotFound)
  )
  .add(
    HttpApiEndpoint.del("removeEntry", "/daily-notes/:date/entries/:ref")
      .setPath(EntryPath)
      .addSuccess(RemovedEntry)
      .addError(NoteRevisionConflict)
      .addError(InvalidBaseRevision)
      .addError(EntryNotFound)
  )
  .add(
    HttpApiEndpoint.get("revisions", "/daily-notes/:date/revisions")
      .setPath(DatePath)
      .addSuccess(NoteRevisions)
      .addError(NoteNotFound)
  )
  .add(
    HttpApiEndpoint.get("revision", "/daily-notes/:date/revisions/:n")
      .setPath(RevisionPath)
      .addSuccess(NoteRevision)
      .addError(RevisionNotFound)
  )
  .add(
    HttpApiEndpoint.post("restore", "/daily-notes/:date/revisions/:n/restore")
      .setPath(RevisionPath)
      .addSuccess(DailyNote)
      .addError(NoteTooLarge)
      .addError(RevisionNotFound)
      .addError(NoteRevisionConflict)
      .addError(InvalidBaseRevision)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
