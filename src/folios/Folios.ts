// The folios service: create, read, rename and re-describe folios, record commits (indexed for search in the same
// transaction), and read a folio's log from the daily notes. Every call runs in the current workspace's RLS scope;
// writes announce themselves on LiveUpdates once committed. A delete moves the folio with its commits, timeline and
// the commits' search entries to the trash; the log cards of daily notes that name it keep their text.
import type { SqlError } from "@effect/sql"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { Harvest, layer as harvestLayer } from "../harvest/Harvest"
import { LiveUpdates, layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { Artifacts, layer as artifactsLayer } from "../artifacts/Artifacts"
import { ArtifactId } from "../artifacts/ArtifactsApi"
import type { TrashId } from "../trash/TrashApi"
import { RestoreConflict, restoreConflicts, TrashRepo, layer as trashRepoLayer } from "../trash/TrashRepo"
import { folioEntries } from "./FolioEntries"
import {
  FolioArtifactNotFound,
  FolioId,
  FolioNameTaken,
  FolioNotFound,
  FolioRevisionConflict,
  type Folio,
  type FolioCommit,
  type FolioDetail,
  type FolioEntry,
  type FolioPatch
} from "./FoliosApi"
import * as FoliosRepo from "./FoliosRepo"

export interface FoliosShape {
  /** Folios ordered by name (case-insensitive); `search` is a case-insensitive substring of name or about. */
  readonly list: (search?: string) => Effect.Effect<ReadonlyArray<Folio>, never, CurrentWorkspace>
  /** Up to `limit` folios after the one `after` (from the first when null), by id: all of them a page at a time. */
  readonly pageAfter: (
    after: FolioId | null,
    limit: number
  ) => Effect.Effect<ReadonlyArray<Folio>, never, CurrentWorkspace>
  /** How many commits each folio has, by folio id (a folio without any is absent). */
  readonly commitCounts: Effect.Effect<ReadonlyMap<string, number>, never, CurrentWorkspace>
  readonly create: (input: {
    readonly name: string
    readonly about?: string | undefined
  }) => Effect.Effect<Folio, FolioNameTaken, CurrentWorkspace>
  readonly get: (id: FolioId) => Effect.Effect<FolioDetail, FolioNotFound, CurrentWorkspace>
  /** With `baseRevision` (from the patch or given apart), writes only while the folio is still at that revision. */
  readonly update: (
    id: FolioId,
    patch: FolioPatch,
    baseRevision?: number
  ) => Effect.Effect<FolioDetail, FolioNotFound | FolioNameTaken | FolioRevisionConflict, CurrentWorkspace>
  readonly commit: (
    id: FolioId,
    input: { readonly message: string; readonly artifactIds?: ReadonlyArray<ArtifactId> | undefined }
  ) => Effect.Effect<FolioCommit, FolioNotFound | FolioArtifactNotFound, CurrentWorkspace>
  /** The logCards of daily notes whose `folios` attribute names this folio, newest first. */
  readonly entries: (id: FolioId) => Effect.Effect<ReadonlyArray<FolioEntry>, FolioNotFound, CurrentWorkspace>
  /** Moves the folio, its commits and timeline to the trash; answers the trash entry's id. */
  readonly remove: (id: FolioId, deletedBy: string) => Effect.Effect<TrashId, FolioNotFound, CurrentWorkspace>
  /** Puts back what `remove` put in the trash, under the same ids; refused when its name is taken again. */
  readonly restore: (data: Record<string, unknown>) => Effect.Effect<string, RestoreConflict, CurrentWorkspace>
  /** Adds the day's synthesized synopsis to the timeline, once per folio and day; true when this call added it. */
  readonly addSynopsis: (id: FolioId, date: string, synopsis: string) => Effect.Effect<boolean, never, CurrentWorkspace>
}

export class Folios extends Context.Tag("carabase/Folios")<Folios, FoliosShape>() {}

const isUniqueViolation = (error: SqlError.SqlError, constraint: string) => {
  const cause = error.cause as { code?: unknown; constraint?: unknown } | undefined
  return cause?.code === "23505" && cause.constraint === constraint
}

/** The unique index on lower(name) answers a taken name; any other database failure stays a SqlError. */
const onTakenName =
  (name: string) =>
  <A, R>(effect: Effect.Effect<A, SqlError.SqlError, R>): Effect.Effect<A, SqlError.SqlError | FolioNameTaken, R> =>
    Effect.catchIf(
      effect,
      (error) => isUniqueViolation(error, "folios_name"),
      () => Effect.fail(FolioNameTaken.of(name))
    )

const orNotFound =
  (id: FolioId) =>
  <A>(row: Option.Option<A>): Effect.Effect<A, FolioNotFound> =>
    Option.match(row, { onNone: () => Effect.fail(FolioNotFound.of(id)), onSome: Effect.succeed })

/** Lowercased and de-duplicated, first occurrence first. */
const lowerCase = Schema.decodeSync(ArtifactId)
const distinctIds = (ids: ReadonlyArray<ArtifactId>) => [...new Set(ids.map((id) => lowerCase(id.toLowerCase())))]

export const layer = Layer.effect(
  Folios,
  Effect.gen(function* () {
    const repo = yield* FoliosRepo.make
    const rls = yield* RlsScope
    const live = yield* LiveUpdates
    const harvest = yield* Harvest
    const trash = yield* TrashRepo
    const artifacts = yield* Artifacts
    const notes = yield* Notes

    const requireFolio = (id: FolioId) => Effect.flatMap(repo.find(id), orNotFound(id))

    const detail = (folio: Folio) =>
      Effect.map(Effect.all([repo.timeline(folio.id), repo.commits(folio.id)]), ([timeline, commits]): FolioDetail => ({
        ...folio,
        timeline,
        commits
      }))

    const announce = (action: "created" | "updated" | "deleted", id: string) =>
      live.publish({ type: "folio", action, id })

    const list = Effect.fn("Folios.list")(function* (search?: string) {
      return yield* repo.list(search).pipe(Effect.orDie)
    })

    const create = Effect.fn("Folios.create")(function* (input: {
      readonly name: string
      readonly about?: string | undefined
    }) {
      // Constraint violations are mapped inside the scope: RlsScope turns any SqlError that escapes it into a defect.
      const folio = yield* rls
        .current(repo.insert({ name: input.name, about: input.about ?? "" }).pipe(onTakenName(input.name)))
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* announce("created", folio.id)
      return folio
    })

    const get = Effect.fn("Folios.get")(function* (id: FolioId) {
      return yield* rls.current(Effect.flatMap(requireFolio(id), detail)).pipe(Effect.catchTag("SqlError", Effect.die))
    })

    const update = Effect.fn("Folios.update")(function* (id: FolioId, patch: FolioPatch, baseRevision?: number) {
      const base = baseRevision ?? patch.baseRevision ?? undefined
      const atBase = (folio: Folio) =>
        base === undefined || base === folio.revision
          ? Effect.succeed(folio)
          : Effect.fail(
              new FolioRevisionConflict({
                message: `folio ${id} is at revision ${folio.revision}, not ${base}: nothing was written; read it again, apply your change to it and send that`,
                revision: folio.revision
              })
            )
      const changes =
        patch.action === "update_about"
          ? { name: null, about: patch.content }
          : { name: patch.name ?? null, about: patch.about ?? null }
      const unchanged = changes.name === null && changes.about === null
      const folio = yield* rls
        .current(
          Effect.flatMap(
            Effect.flatMap(
              Effect.flatMap(base === undefined ? repo.find(id) : repo.findForUpdate(id), (found) =>
                Effect.flatMap(orNotFound(id)(found), atBase)
              ),
              (current) =>
                unchanged
                  ? Effect.succeed(current)
                  : Effect.flatMap(
                      repo.update({ id, ...changes }).pipe(onTakenName(changes.name ?? "")),
                      orNotFound(id)
                    )
            ),
            detail
          )
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      if (!unchanged) yield* announce("updated", folio.id)
      return folio
    })

    const commit = Effect.fn("Folios.commit")(function* (
      id: FolioId,
      input: { readonly message: string; readonly artifactIds?: ReadonlyArray<ArtifactId> | undefined }
    ) {
      const artifactIds = distinctIds(input.artifactIds ?? [])
      const created = yield* rls
        .current(
          Effect.gen(function* () {
            const folio = yield* Effect.flatMap(repo.touch(id), orNotFound(id))
            if (artifactIds.length > 0) {
              const known = yield* artifacts.existing(artifactIds)
              const missing = artifactIds.find((artifactId) => !known.has(artifactId))
              if (missing !== undefined) {
                return yield* FolioArtifactNotFound.of(folio.id, missing)
              }
            }
            const row = yield* repo.insertCommit({ folioId: folio.id, message: input.message, artifactIds })
            yield* harvest.index({ kind: "folio_commit", id: row.id, title: folio.name, text: row.message })
            return row
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* announce("updated", created.folioId)
      return created
    })

    const entries = Effect.fn("Folios.entries")(function* (id: FolioId) {
      return yield* rls
        .current(
          Effect.gen(function* () {
            const folio = yield* requireFolio(id)
            return folioEntries(yield* notes.logCardsNaming(folio.name), folio.name)
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
    })

    const remove = Effect.fn("Folios.remove")(function* (id: FolioId, deletedBy: string) {
      const trashId = yield* rls
        .current(
          Effect.gen(function* () {
            const taken = yield* repo.take(id)
            if (taken === undefined) return yield* FolioNotFound.of(id)
            const chunks = yield* harvest.takeOut("folio_commit", taken.commitIds)
            return yield* trash.put({
              kind: "folio",
              originalId: id,
              label: taken.folio.name,
              data: { folio: taken.folio.row, commits: taken.commits, timeline: taken.timeline, chunks },
              deletedBy
            })
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* announce("deleted", id)
      return trashId
    })

    const restore = Effect.fn("Folios.restore")(function* (data: Record<string, unknown>) {
      const name = String((data.folio as { name?: unknown } | undefined)?.name ?? "")
      const id = yield* rls
        .current(
          restoreConflicts(
            Effect.gen(function* () {
              const holder = yield* repo.named(name)
              if (holder !== undefined) {
                return yield* new RestoreConflict({
                  conflict: `folio ${holder} is named "${name}" now (names ignore case): rename it first`
                })
              }
              const restored = yield* repo.put({ folio: data.folio, commits: data.commits, timeline: data.timeline })
              yield* harvest.putBack((data.chunks ?? []) as ReadonlyArray<Record<string, unknown>>)
              return restored
            })
          )
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      yield* announce("created", id)
      return id
    })

    const addSynopsis = Effect.fn("Folios.addSynopsis")(function* (id: FolioId, date: string, synopsis: string) {
      const added = yield* rls
        .current(repo.insertSynopsis({ folioId: id, date, synopsis }))
        .pipe(Effect.catchTag("SqlError", Effect.die))
      if (added) yield* announce("updated", id)
      return added
    })

    const commitCounts = repo.commitCounts.pipe(
      Effect.orDie,
      Effect.map((rows) => new Map(rows.map((row) => [row.folioId, row.commits]))),
      Effect.withSpan("Folios.commitCounts")
    )

    return {
      list,
      pageAfter: (after, limit) => repo.pageAfter(after, limit).pipe(Effect.orDie, Effect.withSpan("Folios.pageAfter")),
      commitCounts,
      create,
      get,
      update,
      commit,
      entries,
      remove,
      restore,
      addSynopsis
    } satisfies FoliosShape
  })
).pipe(Layer.provide([harvestLayer, liveUpdatesLayer, trashRepoLayer, artifactsLayer, notesLayer]))
