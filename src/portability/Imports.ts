// Imports: an archive (a temporary file the caller hands over) is opened and checked whole (Zip), planned
// (VaultLayout), and recorded as a run; the run then goes on in the background, one file at a time, each in its own
// transaction (ImportFile), recording every file's outcome and the run's counts as it goes and announcing its progress
// on the live stream. A file that cannot be read is listed as skipped with the reason; nothing aborts a run but a
// shutdown. Unchanged files (same path, same content hash as last time) are not touched; a dry run writes only the
// report. The archive's file is removed when the run ends, whatever way it ends.
import * as fs from "node:fs/promises"
import * as os from "node:os"
import { Config, Context, Effect, Exit, FiberSet, Layer, Option, Scope } from "effect"
import { Artifacts, layer as artifactsLayer } from "../artifacts/Artifacts"
import { Folios, layer as foliosLayer } from "../folios/Folios"
import { Graph, layer as graphLayer } from "../graph/Graph"
import { LiveUpdates, layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { Memories, layer as memoriesLayer } from "../memories/Memories"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { RlsScope } from "../platform/RlsScope"
import { Writer } from "../platform/Writer"
import { Workspaces, layer as workspacesLayer } from "../workspaces/Workspaces"
import { artifactIdOf, contentHash, importFile, kindOf, NotText, type ImportContext } from "./ImportFile"
import * as ImportsRepo from "./ImportsRepo"
import {
  ImportNotFound,
  ImportRefused,
  type ImportFileReport,
  type ImportOutcome,
  type ImportStatus
} from "./PortabilityApi"
import { dailySettingsEntry, parseDailySettings, planVault, type PlannedFile } from "./VaultLayout"
import { openZip, type OpenZip, type ZipLimits } from "../platform/Zip"

export const DEFAULT_MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024

export const importLimits = Config.all({
  maxUploadBytes: Config.integer("CARABASE_MAX_IMPORT_BYTES").pipe(
    Config.withDefault(DEFAULT_MAX_IMPORT_BYTES),
    Config.validate({
      message: "CARABASE_MAX_IMPORT_BYTES must be a positive number of bytes",
      validation: (n) => n > 0
    })
  ),
  maxExpandedBytes: Config.integer("CARABASE_IMPORT_MAX_EXPANDED_BYTES").pipe(
    Config.withDefault(4 * DEFAULT_MAX_IMPORT_BYTES),
    Config.validate({
      message: "CARABASE_IMPORT_MAX_EXPANDED_BYTES must be a positive number of bytes",
      validation: (n) => n > 0
    })
  ),
  maxRatio: Config.integer("CARABASE_IMPORT_MAX_RATIO").pipe(
    Config.withDefault(200),
    Config.validate({ message: "CARABASE_IMPORT_MAX_RATIO must be 2 or more", validation: (n) => n >= 2 })
  ),
  /** Where an upload waits while it is imported (a 0600 file, removed when the run ends). */
  directory: Config.string("CARABASE_IMPORT_DIR").pipe(Config.withDefault(os.tmpdir())),
  /** One file larger than this is skipped: the artifact upload's limit. */
  maxFileBytes: Config.integer("CARABASE_MAX_UPLOAD_BYTES").pipe(Config.withDefault(25 * 1024 * 1024))
})

export const MAX_ENTRIES = 250_000

export interface ImportOptions {
  readonly dryRun: boolean
  /** Each page's folder becomes a folio (the page committed to it). */
  readonly folios: boolean
}

export interface ImportsShape {
  /**
   * Checks the archive at `file` and starts importing it; answers the run as it starts. From this call on the file is
   * the import's: it is removed when the run ends, or at once when the archive is refused.
   */
  readonly start: (file: string, options: ImportOptions) => Effect.Effect<ImportStatus, ImportRefused, CurrentWorkspace>
  readonly get: (
    id: string
  ) => Effect.Effect<
    { status: ImportStatus; skippedFiles: ReadonlyArray<ImportFileReport> },
    ImportNotFound,
    CurrentWorkspace
  >
  readonly list: Effect.Effect<ReadonlyArray<ImportStatus>, never, CurrentWorkspace>
  readonly files: (
    id: string,
    page: { readonly offset: number; readonly limit: number; readonly outcome: typeof ImportOutcome.Type | null }
  ) => Effect.Effect<{ files: ReadonlyArray<ImportFileReport>; total: number }, ImportNotFound, CurrentWorkspace>
  /** Resolves once the run has ended (for the CLI's tests and callers that want to wait). */
  readonly awaitRun: (id: string) => Effect.Effect<void>
}

export class Imports extends Context.Tag("carabase/Imports")<Imports, ImportsShape>() {}

/** How often a run records its progress: every this many files, or this often, whichever comes first. */
const PROGRESS_FILES = 200
const PROGRESS_MILLIS = 1000
/** Files whose content is written at the same time (their links are written one file at a time). */
const CONCURRENCY = 4

const removeFile = (file: string) => Effect.promise(() => fs.rm(file, { force: true }))

const refusal = (error: { readonly reason: ImportRefused["reason"]; readonly message: string }) =>
  ImportRefused.of(error.reason, error.message)

export const layer = Layer.scoped(
  Imports,
  Effect.gen(function* () {
    const repo = yield* ImportsRepo.make
    const rls = yield* RlsScope
    const live = yield* LiveUpdates
    const limits = yield* importLimits
    const zipLimits: ZipLimits = {
      maxEntries: MAX_ENTRIES,
      maxExpandedBytes: limits.maxExpandedBytes,
      maxRatio: limits.maxRatio
    }
    // A run a previous process left running can never finish: say so on it before taking new ones.
    for (const workspace of yield* (yield* Workspaces).list) {
      const abandoned = yield* rls.run(workspace.id, repo.abandonRunning)
      if (abandoned > 0)
        yield* Effect.logWarning(`${abandoned} import run(s) cut off by a previous process marked failed`)
    }
    const runs = yield* FiberSet.make<void>()
    const running = new Map<string, Effect.Effect<void>>()
    const services = yield* Effect.context<Notes | Artifacts | Graph | Folios | Memories>()

    /**
     * One file: its outcome and report line. Never fails: a file it cannot import is skipped, with the reason. Its
     * content is written in one transaction, its links in a second one under `linking` (one file at a time), together
     * with the record of its path and hash: a file whose links were not written is imported again next time.
     */
    const oneFile = (
      zip: OpenZip,
      file: PlannedFile,
      context: ImportContext,
      dryRun: boolean,
      known: ReadonlyMap<string, ImportsRepo.SourceRow>,
      linking: Effect.Semaphore
    ) =>
      Effect.gen(function* () {
        if (file.size > limits.maxFileBytes) {
          return {
            outcome: "skipped" as const,
            kind: file.role.kind,
            reason: `larger than this host takes for one file (${limits.maxFileBytes} bytes; CARABASE_MAX_UPLOAD_BYTES)`
          }
        }
        const read = yield* Effect.either(zip.read({ path: file.entry, size: file.size }))
        if (read._tag === "Left")
          return { outcome: "skipped" as const, kind: file.role.kind, reason: read.left.message }
        const bytes = read.right
        const hash = contentHash(bytes)
        const previous = known.get(file.path)
        if (previous !== undefined && previous.contentHash === hash) {
          const attachment = file.role.kind === "attachment" ? artifactIdOf(previous.target) : Option.none()
          if (Option.isSome(attachment)) context.attachments.set(baseName(file.path), attachment.value)
          return { outcome: "unchanged" as const, kind: previous.kind, reason: null }
        }
        const outcome = previous !== undefined ? ("updated" as const) : ("created" as const)
        if (dryRun) return { outcome, kind: kindOf(file, bytes), reason: null }
        const steps = importFile(file, bytes, previous?.target, context)
        const made = yield* rls.current(Effect.zipRight(repo.relaxCommit, steps.content))
        yield* linking.withPermits(1)(
          rls
            .current(
              Effect.gen(function* () {
                yield* repo.relaxCommit
                yield* steps.links(made)
                yield* repo.recordSource({ path: file.path, contentHash: hash, kind: made.kind, target: made.target })
              })
            )
            // Entities cached while the transaction was open may not exist now.
            .pipe(Effect.onError(() => Effect.sync(() => context.entities.clear())))
        )
        return { outcome, kind: made.kind, reason: null }
      }).pipe(
        Effect.catchAllDefect((defect) =>
          Effect.succeed({
            outcome: "skipped" as const,
            kind: file.role.kind,
            reason: defect instanceof SyntaxError ? `not valid JSON: ${defect.message}` : describeDefect(defect)
          })
        )
      )

    const run = (
      id: string,
      zip: OpenZip,
      files: ReadonlyArray<PlannedFile>,
      options: ImportOptions,
      context: ImportContext
    ) =>
      Effect.gen(function* () {
        const counts = { created: 0, updated: 0, unchanged: 0, skipped: 0 }
        let done = 0
        let pending: Array<ImportsRepo.FileLine> = []
        let lastSaved = Date.now()
        const known = yield* rls.current(repo.allSources)
        const linking = yield* Effect.makeSemaphore(1)
        const save = Effect.suspend(() => {
          const lines = pending
          pending = []
          lastSaved = Date.now()
          return rls
            .current(repo.progress(id, { done, ...counts }, lines))
            .pipe(Effect.zipRight(live.publish({ type: "import", action: "updated", id })))
        })
        const saving = yield* Effect.makeSemaphore(1)
        const each = (file: PlannedFile) =>
          Effect.gen(function* () {
            const result = yield* oneFile(zip, file, context, options.dryRun, known, linking)
            counts[result.outcome]++
            pending.push({
              ordinal: done,
              path: file.path,
              outcome: result.outcome,
              kind: result.kind,
              reason: result.reason
            })
            done++
            if (pending.length >= PROGRESS_FILES || Date.now() - lastSaved >= PROGRESS_MILLIS) {
              yield* saving.withPermits(1)(save)
            }
          })
        // Kinds in order (attachments before the pages that embed them); files of one kind side by side.
        let from = 0
        while (from < files.length) {
          const kind = files[from]!.role.kind
          let to = from
          while (to < files.length && files[to]!.role.kind === kind) to++
          yield* Effect.forEach(files.slice(from, to), each, { concurrency: CONCURRENCY, discard: true })
          from = to
        }
        yield* saving.withPermits(1)(save)
      })

    const start = Effect.fn("Imports.start")(function* (file: string, options: ImportOptions) {
      const workspaceId = yield* CurrentWorkspace
      const writer = yield* Writer
      const scope = yield* Scope.make()
      const opened = yield* Effect.exit(
        Effect.gen(function* () {
          const zip = yield* Scope.extend(openZip(file, zipLimits), scope).pipe(Effect.mapError(refusal))
          const settingsEntry = dailySettingsEntry(zip.entries)
          const settings =
            settingsEntry === undefined
              ? undefined
              : yield* zip.read({ path: settingsEntry, size: 0 }).pipe(
                  Effect.map((bytes) => parseDailySettings(Buffer.from(bytes).toString("utf8"))),
                  Effect.orElseSucceed(() => undefined)
                )
          const plan = planVault(zip.entries, settings)
          const files = plan.files.filter((each) => each.role.kind !== "ignored")
          if (files.length === 0) {
            return yield* ImportRefused.of(
              "Empty",
              "the archive holds no file to import (hidden files and app settings are left out)"
            )
          }
          return { zip, plan, files }
        })
      )
      if (Exit.isFailure(opened)) {
        yield* Scope.close(scope, Exit.void)
        yield* removeFile(file)
        return yield* Effect.failCause(opened.cause)
      }
      const { files, plan, zip } = opened.value
      const status = yield* rls.current(repo.insert(plan.format, options.dryRun, files.length))
      const context: ImportContext = {
        format: plan.format,
        folios: options.folios,
        attachments: new Map(),
        entities: new Map()
      }
      // The archive is closed and removed first: a run that reads as ended has left nothing behind.
      const finish = (exit: Exit.Exit<void>) =>
        Scope.close(scope, Exit.void).pipe(
          Effect.zipRight(removeFile(file)),
          Effect.zipRight(
            rls.current(
              repo.finish(
                status.id,
                Exit.isSuccess(exit)
                  ? null
                  : "stopped before it finished: the host shut down or the run failed; import the same archive again to go on"
              )
            )
          ),
          Effect.zipRight(live.publish({ type: "import", action: "updated", id: status.id })),
          Effect.provideService(CurrentWorkspace, workspaceId),
          Effect.uninterruptible
        )
      const fiber = yield* run(status.id, zip, files, options, context).pipe(
        Effect.onExit(finish),
        Effect.provideService(CurrentWorkspace, workspaceId),
        Writer.as(writer.kind === "route" ? "route" : writer.kind, "POST /api/v1/imports"),
        Effect.provide(services),
        FiberSet.run(runs)
      )
      running.set(status.id, Effect.asVoid(fiber.await))
      yield* live.publish({ type: "import", action: "created", id: status.id })
      return status
    })

    const requireRun = (id: string) =>
      Effect.flatMap(rls.current(repo.find(id)), (found) =>
        Option.match(found, { onNone: () => Effect.fail(ImportNotFound.of(id)), onSome: Effect.succeed })
      )

    return {
      start,
      get: (id) =>
        Effect.gen(function* () {
          const status = yield* requireRun(id)
          const skippedFiles = yield* rls.current(repo.files(id, { offset: 0, limit: 1000, outcome: "skipped" }))
          return { status, skippedFiles }
        }),
      list: rls.current(repo.list),
      files: (id, page) =>
        Effect.gen(function* () {
          yield* requireRun(id)
          const files = yield* rls.current(repo.files(id, page))
          const total = yield* rls.current(repo.countFiles(id, page.outcome))
          return { files, total }
        }),
      awaitRun: (id) => running.get(id) ?? Effect.void
    } satisfies ImportsShape
  })
).pipe(
  Layer.provide([notesLayer, artifactsLayer, graphLayer, foliosLayer, memoriesLayer, liveUpdatesLayer, workspacesLayer])
)

const baseName = (path: string) => path.split("/").pop() ?? path

const describeDefect = (defect: unknown) =>
  defect instanceof NotText
    ? defect.message
    : `could not be imported: ${defect instanceof Error ? defect.message : String(defect)}`
