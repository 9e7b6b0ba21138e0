// A daily note's history: its current version and the earlier ones its writes kept (see Notes.edit), each with who
// wrote it, when and its size; reading one back, restoring one (itself a new version, through Notes.edit), and the
// retention rule the nightly note-revisions job applies.
import { Context, Effect, Layer, Option } from "effect"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { jsonBytes, type Document } from "./Document"
import type { NoteDate } from "./NoteDate"
import { Notes, atBase, layer as notesLayer, toNote } from "./Notes"
import {
  NoteNotFound,
  RevisionNotFound,
  type DailyNote,
  type NoteRevisionConflict,
  type NoteRevision,
  type NoteRevisions,
  type NoteTooLarge
} from "./NotesApi"
import * as NotesRepo from "./NotesRepo"
import * as RevisionsRepo from "./RevisionsRepo"

export interface NoteHistoryShape {
  readonly list: (date: NoteDate) => Effect.Effect<NoteRevisions, NoteNotFound, CurrentWorkspace>
  readonly get: (date: NoteDate, revision: number) => Effect.Effect<NoteRevision, RevisionNotFound, CurrentWorkspace>
  /** Writes revision `revision`'s document as the note's new version; with `baseRevision`, only while the note is
   * still at that revision. */
  readonly restore: (
    date: NoteDate,
    revision: number,
    baseRevision?: number
  ) => Effect.Effect<DailyNote, RevisionNotFound | NoteTooLarge | NoteRevisionConflict, CurrentWorkspace>
  /** Drops what the retention rule no longer keeps as of `now`, in the current workspace; answers how many. */
  readonly prune: (now: Date) => Effect.Effect<number, never, CurrentWorkspace>
}

export class NoteHistory extends Context.Tag("carabase/NoteHistory")<NoteHistory, NoteHistoryShape>() {}

const writerOf = (row: {
  readonly writerKind: RevisionsRepo.RevisionInfo["writerKind"]
  readonly writerName: string | null
}) => (row.writerKind === null ? null : { kind: row.writerKind, name: row.writerName ?? "" })

const currentSummary = (note: NotesRepo.NoteRow) => ({
  revision: note.revision,
  size: jsonBytes(note.document),
  writer: writerOf(note),
  writtenAt: note.updatedAt,
  current: true
})

const storedSummary = (row: RevisionsRepo.RevisionInfo) => ({
  revision: row.revision,
  size: row.size,
  writer: writerOf(row),
  writtenAt: row.writtenAt,
  current: false
})

const noRevision = (date: NoteDate, revision: number) =>
  new RevisionNotFound({
    message: `the note for ${date} has no revision ${revision} (it never had one, or it is past the retention period): list its revisions with GET /api/v1/daily-notes/${date}/revisions`
  })

export const layer = Layer.effect(
  NoteHistory,
  Effect.gen(function* () {
    const notesRepo = yield* NotesRepo.make
    const revisions = yield* RevisionsRepo.make
    const rls = yield* RlsScope
    const notes = yield* Notes

    /** The version `revision` of a note: the note itself when it is current, else the kept copy. */
    const version = (note: NotesRepo.NoteRow, revision: number) =>
      note.revision === revision
        ? Effect.succeed(Option.some({ ...currentSummary(note), document: note.document }))
        : Effect.map(
            revisions.find(note.id, revision),
            Option.map((row) => ({ ...storedSummary(row), document: row.document as Document }))
          )

    const list = Effect.fn("NoteHistory.list")(function* (date: NoteDate) {
      return yield* rls.current(
        Effect.gen(function* () {
          const note = yield* notesRepo.find(date)
          if (Option.isNone(note)) {
            return yield* new NoteNotFound({ message: `there is no note for ${date} in this workspace` })
          }
          const kept = yield* revisions.list(note.value.id)
          return {
            date,
            revision: note.value.revision,
            revisions: [
              currentSummary(note.value),
              ...kept.filter((row) => row.revision !== note.value.revision).map(storedSummary)
            ]
          } satisfies NoteRevisions
        })
      )
    })

    const get = Effect.fn("NoteHistory.get")(function* (date: NoteDate, revision: number) {
      return yield* rls.current(
        Effect.gen(function* () {
          const note = yield* notesRepo.find(date)
          if (Option.isNone(note)) return yield* noRevision(date, revision)
          const found = yield* version(note.value, revision)
          if (Option.isNone(found)) return yield* noRevision(date, revision)
          const { document, ...summary } = found.value
          return { date, ...summary, documentState: document } satisfies NoteRevision
        })
      )
    })

    const restore = Effect.fn("NoteHistory.restore")(function* (
      date: NoteDate,
      revision: number,
      baseRevision?: number
    ) {
      const restored = yield* notes.edit(date, { create: false }, (note) =>
        Effect.flatMap(Effect.zipRight(atBase(note, baseRevision), version(note, revision)), (found) =>
          Option.match(found, {
            onNone: () => Effect.fail(noRevision(date, revision)),
            onSome: ({ document }) => Effect.succeed({ document, result: undefined })
          })
        )
      )
      if (Option.isNone(restored)) return yield* noRevision(date, revision)
      return toNote(restored.value.note)
    })

    const prune = (now: Date) =>
      rls.current(revisions.prune(now)).pipe(Effect.withSpan("NoteHistory.prune", { attributes: { now } }))

    return { list, get, restore, prune } satisfies NoteHistoryShape
  })
).pipe(Layer.provide(notesLayer))
