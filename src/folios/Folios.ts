// The folios service: create, read, rename and re-describe folios, record commits (indexed for search in the same
// transaction), and read a folio's log from the daily notes. Every call runs in the current workspace's RLS scope;
// writes announce themselves on LiveUpdates once committed.
import type { SqlError } from "@effect/sql"
import { Context, Effect, Layer, Option } from "effect"
import { Harvest, layer as harvestLayer } from "../harvest/Harvest"
import { LiveUpdates, layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { folioEntries } from "./FolioEntries"
import {
  FolioArtifactNotFound,
  FolioNameTaken,
  FolioNotFound,
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
  readonly create: (input: {
    readonly name: string
    readonly about?: string | undefined
  }) => Effect.Effect<Folio, FolioNameTaken, CurrentWorkspace>
  readonly get: (id: string) => Effect.Effect<FolioDetail, FolioNotFound, CurrentWorkspace>
  readonly update: (
    id: string,
    patch: FolioPatch
  ) => Effect.Effect<FolioDetail, FolioNotFound | FolioNameTaken, CurrentWorkspace>
  readonly commit: (
    id: string,
    input: { readonly message: string; readonly artifactIds?: ReadonlyArray<string> | undefined }
  ) => Effect.Effect<FolioCommit, FolioNotFound | FolioArtifactNotFound, CurrentWorkspace>
  /** The logCards of daily notes whose `folios` attribute names this folio, newest first. */
  readonly entries: (id: string) => Effect.Effect<ReadonlyArray<FolioEntry>, FolioNotFound, CurrentWorkspace>
  /** Adds the day's synthesized synopsis to the timeline, once per folio and day; true when this call added it. */
  readonly addSynopsis: (id: string, date: string, synopsis: string) => Effect.Effect<boolean, never, CurrentWorkspace>
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
  (id: string) =>
  <A>(row: Option.Option<A>): Effect.Effect<A, FolioNotFound> =>
    Option.match(row, { onNone: () => Effect.fail(FolioNotFound.of(id)), onSome: Effect.succeed })

/** Lowercased and de-duplicated, first occurrence first. */
const distinctIds = (ids: ReadonlyArray<string>) => [...new Set(ids.map((id) => id.toLowerCase()))]

export const layer = Layer.effect(
  Folios,
  Effect.gen(function* () {
    const repo = yield* FoliosRepo.make
    const rls = yield* RlsScope
    const live = yield* LiveUpdates
    const harvest = yield* Harvest

    const requireFolio = (id: string) => Effect.flatMap(repo.find(id), orNotFound(id))

    const detail = (folio: Folio) =>
      Effect.map(Effect.all([repo.timeline(folio.id), repo.commits(folio.id)]), ([timeline, commits]): FolioDetail => ({
        ...folio,
        timeline,
        commits
      }))

    const announce = (action: "created" | "updated", id: string) => live.publish({ type: "folio", action, id })

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

    const get = Effect.fn("Folios.get")(function* (id: string) {
      return yield* rls.current(Effect.flatMap(requireFolio(id), detail)).pipe(Effect.catchTag("SqlError", Effect.die))
    })

    const update = Effect.fn("Folios.update")(function* (id: string, patch: FolioPatch) {
      const changes =
        patch.action === "update_about"
          ? { name: null, about: patch.content }
          : { name: patch.name ?? null, about: patch.about ?? null }
      const unchanged = changes.name === null && changes.about === null
      const folio = yield* rls
        .current(
          Effect.flatMap(
            unchanged
              ? requireFolio(id)
              : Effect.flatMap(repo.update({ id, ...changes }).pipe(onTakenName(changes.name ?? "")), orNotFound(id)),
            detail
          )
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
      if (!unchanged) yield* announce("updated", folio.id)
      return folio
    })

    const commit = Effect.fn("Folios.commit")(function* (
      id: string,
      input: { readonly message: string; readonly artifactIds?: ReadonlyArray<string> | undefined }
    ) {
      const artifactIds = distinctIds(input.artifactIds ?? [])
      const created = yield* rls
        .current(
          Effect.gen(function* () {
            const folio = yield* Effect.flatMap(repo.touch(id), orNotFound(id))
            if (artifactIds.length > 0) {
              const known = yield* repo.existingArtifacts(artifactIds)
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

    const entries = Effect.fn("Folios.entries")(function* (id: string) {
      return yield* rls
        .current(
          Effect.gen(function* () {
            const folio = yield* requireFolio(id)
            return folioEntries(yield* repo.logCards(folio.name), folio.name)
          })
        )
        .pipe(Effect.catchTag("SqlError", Effect.die))
    })

    const addSynopsis = Effect.fn("Folios.addSynopsis")(function* (id: string, date: string, synopsis: string) {
      const added = yield* rls
        .current(repo.insertSynopsis({ folioId: id, date, synopsis }))
        .pipe(Effect.catchTag("SqlError", Effect.die))
      if (added) yield* announce("updated", id)
      return added
    })

    return { list, create, get, update, commit, entries, addSynopsis } satisfies FoliosShape
  })
).pipe(Layer.provide([harvestLayer, liveUpdatesLayer]))
