// The daily-notes service: read (creating the day's empty note on first read), render as text, replace, append a block
// or a log entry, edit or remove one entry, and the one locked edit path every writer (tasks, agents) goes through. A
// write locks the note's row, keeps the version it replaces in the note's history (with who wrote it), changes the
// document, re-renders text_content and re-indexes it in the same transaction, and announces the change after commit.
import { Clock, Context, DateTime, Effect, Layer, Option } from "effect"
import { Harvest, layer as harvestLayer } from "../harvest/Harvest"
import { LiveUpdates, layer as liveUpdatesLayer, type ChangeNotice } from "../live/LiveUpdates"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { Writer } from "../platform/Writer"
import type { TrashId } from "../trash/TrashApi"
import { RestoreConflict, TrashRepo, layer as trashRepoLayer } from "../trash/TrashRepo"
import { jsonBytes, MAX_BYTES, type Document, type Node } from "./Document"
import { findEntry, removeAt, replaceAt, rewriteCard } from "./Entries"
import { hasIdempotencyKey, makeLogCard, normalizeTags } from "./LogCard"
import { markdownToBlocks } from "./Markdown"
import { localDate, localTimestamp, type NoteDate } from "./NoteDate"
import { DailyNote, EntryNotFound, InvalidInject, NoteRevisionConflict, NoteTooLarge } from "./NotesApi"
import * as NotesRepo from "./NotesRepo"
import * as RevisionsRepo from "./RevisionsRepo"
import { renderDocument } from "./RenderText"

/** How a removed entry is listed in the trash: its text's first line, cut short. */
const entryLabel = (node: Node) => {
  const line = renderDocument([node])
    .split("\n")
    .map((each) => each.trim())
    .find((each) => each !== "" && !each.startsWith("## "))
  const text = line ?? "(empty entry)"
  return text.length > 80 ? `${text.slice(0, 79)}…` : text
}

/** What an edit decided: the new document (undefined: leave the note as it is) and what to answer. */
export interface Edit<A> {
  readonly document?: Document | undefined
  readonly result: A
}

/** An edit's answer and the note as it stands after it. */
export interface Edited<A> {
  readonly result: A
  readonly note: NotesRepo.NoteRow
}

export interface LocalNow {
  /** Today in the host's local time zone. */
  readonly date: NoteDate
  /** The host-local wall-clock time, `hh:mm AM`. */
  readonly timestamp: string
}

/** A log entry to append: markdown `content`, timestamped now in host-local time. */
export interface NewLogEntry {
  readonly content: string
  readonly folio?: string | undefined
  /** With or without a leading #; stored without it, each once. */
  readonly tags?: ReadonlyArray<string> | undefined
  /** Default: today in the host's local time zone. */
  readonly date?: NoteDate | undefined
  /** An entry already holding this key keeps the note as it is (a retry, not a second entry). */
  readonly idempotencyKey?: string | undefined
  /** The writer's own wall-clock time, `hh:mm AM`; default: now in host-local time. */
  readonly timestamp?: string | undefined
}

/** A node to append as given; its key is `block.attrs.idempotencyKey` or `idempotencyKey` (not two different ones). */
export interface NewBlock {
  readonly block: Node
  readonly date?: NoteDate | undefined
  readonly idempotencyKey?: string | undefined
}

/** A change to one entry: a whole new node, or new markdown content (and, when given, its folio and tags). */
export type EntryEdit =
  | { readonly block: Node }
  | {
      readonly content: string
      readonly folio?: string | undefined
      readonly tags?: ReadonlyArray<string> | undefined
    }

/** A change to one day's note, as a function of its document (an empty one when the day has no note yet). */
export interface DayChange {
  readonly date: NoteDate
  readonly change: (document: Document) => Document
}

/** What an append did: the day written to, and whether an entry with its key was already there (nothing added). */
export interface Appended {
  readonly date: NoteDate
  readonly duplicate: boolean
}

export interface NotesShape {
  readonly now: Effect.Effect<LocalNow>
  readonly get: (date: NoteDate) => Effect.Effect<DailyNote, never, CurrentWorkspace>
  readonly text: (date: NoteDate) => Effect.Effect<{ date: NoteDate; text: string }, never, CurrentWorkspace>
  /** With `baseRevision`, writes only while the note is still at that revision. */
  readonly replace: (
    date: NoteDate,
    document: Document,
    baseRevision?: number
  ) => Effect.Effect<DailyNote, NoteTooLarge | NoteRevisionConflict, CurrentWorkspace>
  readonly editEntry: (
    date: NoteDate,
    ref: string,
    change: EntryEdit,
    baseRevision?: number
  ) => Effect.Effect<DailyNote, NoteTooLarge | NoteRevisionConflict | EntryNotFound, CurrentWorkspace>
  /**
   * Takes one entry out of the note into the workspace's trash (in the same transaction); the version that held it
   * also stays in the note's history. Answers the note as it now stands and the trash entry's id.
   */
  readonly removeEntry: (
    date: NoteDate,
    ref: string,
    baseRevision?: number
  ) => Effect.Effect<
    { readonly note: DailyNote; readonly trashId: TrashId },
    NoteRevisionConflict | EntryNotFound,
    CurrentWorkspace
  >
  /** Puts back an entry `removeEntry` put in the trash: at its old position, or last if the note is now shorter. */
  readonly restoreEntry: (data: Record<string, unknown>) => Effect.Effect<string, RestoreConflict, CurrentWorkspace>
  readonly appendLogEntry: (entry: NewLogEntry) => Effect.Effect<Appended, NoteTooLarge, CurrentWorkspace>
  /**
   * Appends several log entries to one day's note (default today) in one write and one revision; an entry whose key
   * is already in the note, or earlier in the list, is left out. Answers how many were added.
   */
  readonly appendLogEntries: (
    entries: ReadonlyArray<Omit<NewLogEntry, "date">>,
    date?: NoteDate
  ) => Effect.Effect<{ readonly date: NoteDate; readonly added: number }, NoteTooLarge, CurrentWorkspace>
  readonly appendBlock: (request: NewBlock) => Effect.Effect<Appended, NoteTooLarge | InvalidInject, CurrentWorkspace>
  /**
   * Locks the day's note and applies `f` to it; with `create` the note is made first when missing, without it a
   * missing note gives None. Every change to a note's document goes through here.
   */
  readonly edit: <A, E>(
    date: NoteDate,
    options: { readonly create: boolean },
    f: (note: NotesRepo.NoteRow) => Effect.Effect<Edit<A>, E, CurrentWorkspace>
  ) => Effect.Effect<Option.Option<Edited<A>>, E | NoteTooLarge, CurrentWorkspace>
  /**
   * `edit` (creating missing notes) for many days in one transaction of a few statements, however many days (a bulk
   * import): a day without a note is written as its new note at once, with no earlier version to keep; the others are
   * locked, their replaced versions kept in their history, written and re-indexed together. Changes to one day apply
   * in the order given. Fails, writing nothing, when any day's note would grow past the limit.
   */
  readonly editDays: (changes: ReadonlyArray<DayChange>) => Effect.Effect<void, NoteTooLarge, CurrentWorkspace>
  /** Notes in a date range that hold at least one taskItem, newest first. */
  readonly withTasks: (
    range: NotesRepo.DateRange
  ) => Effect.Effect<ReadonlyArray<{ date: NoteDate; document: Document }>, never, CurrentWorkspace>
  /**
   * For a folio's log: the top-level logCards, newest first, of the notes that may name the folio `name` in their
   * `folios` attribute (a superset: the folio decides exactly).
   */
  readonly logCardsNaming: (name: string) => Effect.Effect<ReadonlyArray<NotesRepo.LogCardAt>, never, CurrentWorkspace>
  /** Log entries per day from `from` to `to`, oldest first; days without a note are absent. */
  readonly activity: (
    from: NoteDate,
    to: NoteDate
  ) => Effect.Effect<ReadonlyArray<{ date: NoteDate; entries: number }>, never, CurrentWorkspace>
  /**
   * Up to `limit` notes after the day `after` (from the first when null), oldest first: a whole workspace read a page
   * at a time, each page starting after the previous page's last date (never creates one).
   */
  readonly pageAfter: (
    after: NoteDate | null,
    limit: number
  ) => Effect.Effect<ReadonlyArray<{ date: NoteDate; document: Document }>, never, CurrentWorkspace>
  /** Notes that exist in a date range, newest first (never creates one). */
  readonly inRange: (
    range: NotesRepo.DateRange
  ) => Effect.Effect<ReadonlyArray<{ date: NoteDate; document: Document }>, never, CurrentWorkspace>
}

export class Notes extends Context.Tag("carabase/Notes")<Notes, NotesShape>() {}

const hasTaskItem = (document: Document): boolean => {
  const stack: Array<Node> = [...document]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.type === "taskItem") return true
    if (node.content !== undefined) stack.push(...node.content)
  }
  return false
}

/** The version a write replaces, as the note's history keeps it. */
const replacedVersion = (before: NotesRepo.NoteRow): RevisionsRepo.ReplacedVersion => ({
  noteId: before.id,
  revision: before.revision,
  document: before.document,
  size: jsonBytes(before.document),
  writerKind: before.writerKind,
  writerName: before.writerName,
  writtenAt: DateTime.toDate(before.updatedAt)
})

export const toNote = (row: NotesRepo.NoteRow) => new DailyNote({ ...row, documentState: row.document })

/** Fails unless the locked note is still at `base` (no base: any revision will do). */
export const atBase = (note: NotesRepo.NoteRow, base: number | undefined): Effect.Effect<void, NoteRevisionConflict> =>
  base === undefined || base === note.revision
    ? Effect.void
    : Effect.fail(
        new NoteRevisionConflict({
          message: `the note for ${note.date} is at revision ${note.revision}, not ${base}: nothing was written; read it again, apply your change to it and send that`,
          revision: note.revision
        })
      )

const noEntry = (date: NoteDate, ref: string) =>
  new EntryNotFound({
    message: `the note for ${date} has no entry ${JSON.stringify(ref)}: name a logCard by its idempotency key or its 0-based position among the logCards`
  })

export const layer = Layer.effect(
  Notes,
  Effect.gen(function* () {
    const repo = yield* NotesRepo.make
    const revisions = yield* RevisionsRepo.make
    const rls = yield* RlsScope
    const trash = yield* TrashRepo
    const harvest = yield* Harvest
    const live = yield* LiveUpdates

    const now = Effect.map(Clock.currentTimeMillis, (millis) => ({
      date: localDate(millis),
      timestamp: localTimestamp(millis)
    }))

    const publishAll = (notices: ReadonlyArray<ChangeNotice>) =>
      Effect.forEach(notices, live.publish, { discard: true })

    const index = (note: NotesRepo.NoteRow, text: string) =>
      harvest.index({ kind: "note", id: note.id, title: note.date, text })

    const get = Effect.fn("Notes.get")(function* (date: NoteDate) {
      // Most reads find the day already there: one round trip. Only a missing day takes the creating transaction.
      const existing = yield* repo.find(date)
      if (Option.isSome(existing)) return toNote(existing.value)
      const { created, note } = yield* rls.current(
        Effect.gen(function* () {
          const created = yield* repo.ensure(date)
          const note = yield* repo.find(date).pipe(Effect.flatMap(Effect.orDieWith(() => "note vanished after ensure")))
          if (created) yield* index(note, "")
          return { created, note }
        })
      )
      if (created) yield* publishAll([{ type: "note", action: "created", id: note.id, date }])
      return toNote(note)
    })

    const text = Effect.fn("Notes.text")(function* (date: NoteDate) {
      const note = yield* repo.find(date)
      return { date, text: Option.match(note, { onNone: () => "", onSome: (row) => renderDocument(row.document) }) }
    })

    const edit = <A, E>(
      date: NoteDate,
      options: { readonly create: boolean },
      f: (note: NotesRepo.NoteRow) => Effect.Effect<Edit<A>, E, CurrentWorkspace>
    ) =>
      Effect.gen(function* () {
        const outcome = yield* rls.current(
          Effect.gen(function* () {
            if (options.create) yield* repo.ensure(date)
            const found = yield* repo.findForUpdate(date)
            if (Option.isNone(found)) return Option.none()
            const before = found.value
            const { document, result } = yield* f(before)
            if (document === undefined) return Option.some({ result, note: before, notices: [] as Array<ChangeNotice> })
            const bytes = jsonBytes(document)
            if (bytes > MAX_BYTES) return yield* NoteTooLarge.of(date, bytes)
            const text = renderDocument(document)
            yield* revisions.insert(replacedVersion(before))
            const after = yield* repo.write(before.id, document, text, yield* Writer)
            yield* index(after, text)
            const notices: Array<ChangeNotice> = [{ type: "note", action: "updated", id: after.id, date }]
            if (hasTaskItem(before.document) || hasTaskItem(document))
              notices.push({ type: "task", action: "updated", date })
            return Option.some({ result, note: after, notices })
          })
        )
        // Announced only after commit, so a client that re-reads on the notice sees the change.
        if (Option.isSome(outcome)) yield* publishAll(outcome.value.notices)
        return Option.map(outcome, ({ note, result }): Edited<A> => ({ note, result }))
      }).pipe(Effect.withSpan("Notes.edit", { attributes: { date } }))

    const editDays = (changes: ReadonlyArray<DayChange>) =>
      Effect.gen(function* () {
        if (changes.length === 0) return
        const byDate = new Map<NoteDate, Array<DayChange["change"]>>()
        for (const { change, date } of changes) byDate.set(date, [...(byDate.get(date) ?? []), change])
        const applied = (date: NoteDate, document: Document) => {
          const after = byDate.get(date)!.reduce((current, change) => change(current), document)
          return { document: after, bytes: jsonBytes(after), text: renderDocument(after) }
        }
        const writer = yield* Writer
        const notices = yield* rls.current(
          Effect.gen(function* () {
            const fresh = [...byDate.keys()].map((date) => ({ date, ...applied(date, []) }))
            const created = yield* repo.createWritten(
              fresh.filter((day) => day.bytes <= MAX_BYTES),
              writer
            )
            const made = new Set(created.map((note) => note.date))
            const rest = [...byDate.keys()].filter((date) => !made.has(date))
            const locked = yield* repo.findManyForUpdate(rest)
            // A day neither created nor there: its new note alone was over the limit.
            const found = new Set(locked.map((note) => note.date))
            const missing = fresh.find((day) => !made.has(day.date) && !found.has(day.date))
            if (missing !== undefined) return yield* NoteTooLarge.of(missing.date, missing.bytes)
            const updates = locked.map((before) => ({ before, ...applied(before.date, before.document) }))
            const tooLarge = updates.find((update) => update.bytes > MAX_BYTES)
            if (tooLarge !== undefined) return yield* NoteTooLarge.of(tooLarge.before.date, tooLarge.bytes)
            yield* revisions.insertMany(updates.map(({ before }) => replacedVersion(before)))
            const written = yield* repo.writeMany(
              updates.map(({ before, document, text }) => ({ id: before.id, document, text })),
              writer
            )
            const textOf = new Map(
              [...fresh, ...updates.map((update) => ({ ...update, date: update.before.date }))].map((day) => [
                day.date,
                day.text
              ])
            )
            const notes = [...created, ...written]
            yield* harvest.indexMany(
              notes.map((note) => ({ kind: "note", id: note.id, title: note.date, text: textOf.get(note.date)! }))
            )
            const hadTasks = new Set(
              updates.filter(({ before }) => hasTaskItem(before.document)).map(({ before }) => before.date)
            )
            return notes.flatMap((note): Array<ChangeNotice> => [
              { type: "note", action: "updated", id: note.id, date: note.date },
              ...(hadTasks.has(note.date) || hasTaskItem(note.document)
                ? [{ type: "task" as const, action: "updated" as const, date: note.date }]
                : [])
            ])
          })
        )
        yield* publishAll(notices)
      }).pipe(Effect.withSpan("Notes.editDays", { attributes: { days: changes.length } }))

    const replace = Effect.fn("Notes.replace")(function* (date: NoteDate, document: Document, baseRevision?: number) {
      const saved = yield* edit(date, { create: true }, (note) =>
        Effect.as(atBase(note, baseRevision), { document, result: undefined })
      )
      if (Option.isNone(saved)) return yield* Effect.dieMessage("note vanished while being replaced")
      return toNote(saved.value.note)
    })

    /** Applies `change` to the entry `ref` names, in a note that must exist and (with a base) still be at it. */
    const changeEntry = <A, E>(
      date: NoteDate,
      ref: string,
      baseRevision: number | undefined,
      change: (document: Document, position: number) => Effect.Effect<Edit<A>, E, CurrentWorkspace>
    ) =>
      Effect.gen(function* () {
        const edited = yield* edit(date, { create: false }, (note) =>
          Effect.gen(function* () {
            yield* atBase(note, baseRevision)
            const position = findEntry(note.document, ref)
            if (position === undefined) return yield* noEntry(date, ref)
            return yield* change(note.document, position)
          })
        )
        if (Option.isNone(edited)) return yield* noEntry(date, ref)
        return { note: toNote(edited.value.note), result: edited.value.result }
      })

    const editEntry = (date: NoteDate, ref: string, change: EntryEdit, baseRevision?: number) =>
      changeEntry(date, ref, baseRevision, (document, position) => {
        const node =
          "block" in change
            ? change.block
            : rewriteCard(document[position]!, {
                content: markdownToBlocks(change.content),
                folios: change.folio === undefined ? undefined : [change.folio],
                tags: change.tags === undefined ? undefined : normalizeTags(change.tags)
              })
        // An edit that changes nothing writes nothing: no revision, no notice.
        const same = JSON.stringify(node) === JSON.stringify(document[position])
        return Effect.succeed({ document: same ? undefined : replaceAt(document, position, node), result: undefined })
      }).pipe(
        Effect.map(({ note }) => note),
        Effect.withSpan("Notes.editEntry", { attributes: { date } })
      )

    const removeEntry = (date: NoteDate, ref: string, baseRevision?: number) =>
      changeEntry(date, ref, baseRevision, (document, position) =>
        Effect.gen(function* () {
          const node = document[position]!
          const key = node.attrs?.idempotencyKey
          const writer = yield* Writer
          const trashId = yield* trash.put({
            kind: "log_entry",
            originalId: typeof key === "string" && key !== "" ? key : `${date}#${position}`,
            label: `${date}: ${entryLabel(node)}`,
            data: { date, position, node },
            deletedBy: writer.kind === "mcp" ? `mcp:${writer.name}` : writer.name
          })
          return { document: removeAt(document, position), result: trashId }
        })
      ).pipe(
        Effect.map(({ note, result }) => ({ note, trashId: result })),
        // NoteTooLarge cannot come of a removal: the note only shrinks.
        Effect.catchTag("NoteTooLarge", Effect.die),
        Effect.withSpan("Notes.removeEntry", { attributes: { date } })
      )

    const restoreEntry = (data: Record<string, unknown>) =>
      Effect.gen(function* () {
        const date = data.date as NoteDate
        const node = data.node as Node
        const key = node.attrs?.idempotencyKey
        const restored = yield* edit(date, { create: true }, (note) =>
          Effect.gen(function* () {
            if (typeof key === "string" && key !== "" && hasIdempotencyKey(note.document, key)) {
              return yield* new RestoreConflict({ conflict: `the ${date} note holds an entry with its key again` })
            }
            const at = Math.min(Number(data.position), note.document.length)
            return { document: [...note.document.slice(0, at), node, ...note.document.slice(at)], result: at }
          })
        ).pipe(
          Effect.catchTag("NoteTooLarge", () =>
            Effect.fail(new RestoreConflict({ conflict: `the ${date} note has no room left for it` }))
          )
        )
        if (Option.isNone(restored)) return yield* Effect.dieMessage("note vanished while an entry was restored")
        return typeof key === "string" && key !== "" ? key : `${date}#${restored.value.result}`
      }).pipe(Effect.withSpan("Notes.restoreEntry"))

    /** Appends `block` to the day's note unless a block with `key` is already in it. */
    const append = (date: NoteDate | undefined, block: Node, key: string | undefined, today: NoteDate) =>
      Effect.gen(function* () {
        const day = date ?? today
        const duplicate = yield* edit(day, { create: true }, (note) =>
          Effect.succeed(
            key !== undefined && hasIdempotencyKey(note.document, key)
              ? { result: true }
              : { document: [...note.document, block], result: false }
          )
        )
        return { date: day, duplicate: Option.exists(duplicate, (edited) => edited.result) } satisfies Appended
      })

    const appendLogEntry = Effect.fn("Notes.appendLogEntry")(function* (entry: NewLogEntry) {
      const clock = yield* now
      const block = makeLogCard({
        timestamp: entry.timestamp ?? clock.timestamp,
        content: markdownToBlocks(entry.content),
        folios: entry.folio === undefined ? [] : [entry.folio],
        tags: normalizeTags(entry.tags ?? []),
        idempotencyKey: entry.idempotencyKey
      })
      return yield* append(entry.date, block, entry.idempotencyKey, clock.date)
    })

    const appendLogEntries = Effect.fn("Notes.appendLogEntries")(function* (
      entries: ReadonlyArray<Omit<NewLogEntry, "date">>,
      date?: NoteDate
    ) {
      const clock = yield* now
      const day = date ?? clock.date
      if (entries.length === 0) return { date: day, added: 0 }
      const edited = yield* edit(day, { create: true }, (note) => {
        const keys = new Set<string>()
        const blocks = entries.flatMap((entry) => {
          const key = entry.idempotencyKey
          if (key !== undefined && (keys.has(key) || hasIdempotencyKey(note.document, key))) return []
          if (key !== undefined) keys.add(key)
          return [
            makeLogCard({
              timestamp: clock.timestamp,
              content: markdownToBlocks(entry.content),
              folios: entry.folio === undefined ? [] : [entry.folio],
              tags: normalizeTags(entry.tags ?? []),
              idempotencyKey: key
            })
          ]
        })
        return Effect.succeed(
          blocks.length === 0 ? { result: 0 } : { document: [...note.document, ...blocks], result: blocks.length }
        )
      })
      return { date: day, added: Option.match(edited, { onNone: () => 0, onSome: (done) => done.result }) }
    })

    const appendBlock = Effect.fn("Notes.appendBlock")(function* (request: NewBlock) {
      const clock = yield* now
      const own = request.block.attrs?.idempotencyKey
      const ownKey = typeof own === "string" && own !== "" ? own : undefined
      if (request.idempotencyKey !== undefined && ownKey !== undefined && ownKey !== request.idempotencyKey) {
        return yield* InvalidInject.keysDiffer()
      }
      if (request.idempotencyKey !== undefined && ownKey === undefined) {
        const attrs = { ...request.block.attrs, idempotencyKey: request.idempotencyKey }
        return yield* append(request.date, { ...request.block, attrs }, request.idempotencyKey, clock.date)
      }
      return yield* append(request.date, request.block, ownKey, clock.date)
    })

    const withTasks = (range: NotesRepo.DateRange) => repo.inRange(range, true).pipe(Effect.withSpan("Notes.withTasks"))
    const inRange = (range: NotesRepo.DateRange) => repo.inRange(range, false).pipe(Effect.withSpan("Notes.inRange"))

    return {
      now,
      get,
      text,
      replace,
      editEntry,
      removeEntry,
      restoreEntry,
      appendLogEntry,
      appendLogEntries,
      appendBlock,
      edit,
      editDays,
      logCardsNaming: (name) => repo.logCardsNaming(name).pipe(Effect.withSpan("Notes.logCardsNaming")),
      activity: (from, to) => repo.activity(from, to).pipe(Effect.withSpan("Notes.activity")),
      withTasks,
      pageAfter: (after, limit) => repo.pageAfter(after, limit).pipe(Effect.withSpan("Notes.pageAfter")),
      inRange
    } satisfies NotesShape
  })
).pipe(Layer.provide([harvestLayer, liveUpdatesLayer, trashRepoLayer]))
