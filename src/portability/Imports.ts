// Imports: an archive (a temporary file the caller hands over) is opened and checked whole (Zip), planned
// (VaultLayout), and recorded as a run; the run then goes on in the background in batches of files: each file's
// content in its own transaction (ImportFile; a few files side by side), then the batch's links, entities and edges
// in bulk, with the record of its paths and hashes, in one transaction; recording every file's outcome and the run's
// counts as it goes and announcing its progress on the live stream. A file that cannot be read is listed as skipped with the reason; nothing aborts a run but a
// shutdown. Unchanged files (same path, same content hash as last time) are not touched; a dry run writes only the
// report. The archive's file is removed when the run ends, whatever way it ends.
import { whenBackgroundWork } from "../platform/BackgroundWork"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import { Config, Context, Effect, Exit, Fiber, FiberSet, Layer, Option, Scope } from "effect"
import { Artifacts, layer as artifactsLayer } from "../artifacts/Artifacts"
import { Folios, layer as foliosLayer } from "../folios/Folios"
import { Extraction, layer as extractionLayer } from "../graph/Extraction"
import { Graph, layer as graphLayer, type EnsureEntry } from "../graph/Graph"
import { LiveUpdates, layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { Memories, layer as memoriesLayer } from "../memories/Memories"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { RlsScope } from "../platform/RlsScope"
import { Writer } from "../platform/Writer"
import { Workspaces, layer as workspacesLayer } from "../workspaces/Workspaces"
import {
  artifactIdOf,
  contentHash,
  IMPORT_SOURCE,
  importFile,
  kindOf,
  NotText,
  type ImportContext,
  type FileImport,
  type LinkPlan,
  type Made
} from "./ImportFile"
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
/** Files whose content is written at the same time. */
const CONCURRENCY = 4
/** Files whose links are written together, in one transaction (after their contents). */
const BATCH = 100
/** A batch ends once its files' sizes reach this: what a batch holds in memory at most, give or take one file. */
const BATCH_BYTES = 32 * 1024 * 1024

type Services = Notes | Artifacts | Graph | Folios | Memories

interface FileResult {
  readonly file: PlannedFile
  readonly outcome: typeof ImportOutcome.Type
  readonly kind: string
  readonly reason: string | null
  /** For a file whose content was written: what its links step records. */
  readonly written: { readonly hash: string; readonly made: Made; readonly plan: LinkPlan } | undefined
}

/** A file read and to be written. */
interface ToWrite {
  readonly file: PlannedFile
  readonly outcome: "created" | "updated"
  readonly hash: string
  readonly steps: FileImport
}

type Prepared = FileResult | ToWrite

const skipped = (file: PlannedFile, reason: string): FileResult => ({
  file,
  outcome: "skipped",
  kind: file.role.kind,
  reason,
  written: undefined
})

const removeFile = (file: string) => Effect.promise(() => fs.rm(file, { force: true }))

const refusal = (error: { readonly reason: ImportRefused["reason"]; readonly message: string }) =>
  ImportRefused.of(error.reason, error.message)

export const layer = Layer.scoped(
  Imports,
  Effect.gen(function* () {
    const repo = yield* ImportsRepo.make
    const rls = yield* RlsScope
    const live = yield* LiveUpdates
    const extraction = yield* Extraction
    const limits = yield* importLimits
    const zipLimits: ZipLimits = {
      maxEntries: MAX_ENTRIES,
      maxExpandedBytes: limits.maxExpandedBytes,
      maxRatio: limits.maxRatio
    }
    // A run a previous process left running can never finish: say so on it before taking new ones.
    const workspaceList = (yield* Workspaces).list
    yield* whenBackgroundWork(
      Effect.gen(function* () {
        for (const workspace of yield* workspaceList) {
          const abandoned = yield* rls.run(workspace.id, repo.abandonRunning)
          if (abandoned > 0)
            yield* Effect.logWarning(`${abandoned} import run(s) cut off by a previous process marked failed`)
        }
      })
    )
    const runs = yield* FiberSet.make<void>()
    const running = new Map<string, Effect.Effect<void>>()
    const services = yield* Effect.context<Services>()

    /**
     * One file read and compared with what its path made last time: its outcome, and for a file to write, its import.
     * Never fails: a file it cannot read is skipped, with the reason.
     */
    const prepare = (
      zip: OpenZip,
      file: PlannedFile,
      context: ImportContext,
      dryRun: boolean,
      known: ReadonlyMap<string, ImportsRepo.SourceRow>
    ): Effect.Effect<Prepared> =>
      Effect.gen(function* () {
        if (file.size > limits.maxFileBytes) {
          return skipped(
            file,
            `larger than this host takes for one file (${limits.maxFileBytes} bytes; CARABASE_MAX_UPLOAD_BYTES)`
          )
        }
        const read = yield* Effect.either(zip.read({ path: file.entry, size: file.size }))
        if (read._tag === "Left") return skipped(file, read.left.message)
        const bytes = read.right
        const hash = contentHash(bytes)
        const previous = known.get(file.path)
        if (previous !== undefined && previous.contentHash === hash) {
          const attachment = file.role.kind === "attachment" ? artifactIdOf(previous.target) : Option.none()
          if (Option.isSome(attachment)) context.attachments.set(baseName(file.path), attachment.value)
          return { file, outcome: "unchanged" as const, kind: previous.kind, reason: null, written: undefined }
        }
        const outcome = previous !== undefined ? ("updated" as const) : ("created" as const)
        if (dryRun) return { file, outcome, kind: kindOf(file, bytes), reason: null, written: undefined }
        return { file, outcome, hash, steps: importFile(file, bytes, previous?.target, context) }
      }).pipe(Effect.catchAllDefect((defect) => Effect.succeed(skipped(file, describeDefect(defect)))))

    const written = (each: ToWrite, made: Made): FileResult => ({
      file: each.file,
      outcome: each.outcome,
      kind: made.kind,
      reason: null,
      written: { hash: each.hash, made, plan: each.steps.links(made) }
    })

    /**
     * A file's content, in its own transaction (files side by side: each waits on the database most of its time).
     * Never fails: a file it cannot write is skipped, with the reason.
     */
    const writeContent = (each: ToWrite) =>
      rls.current(Effect.zipRight(repo.relaxCommit, each.steps.content)).pipe(
        Effect.map((made) => written(each, made)),
        Effect.catchAllDefect((defect) => Effect.succeed(skipped(each.file, describeDefect(defect))))
      )

    /**
     * The contents of files that a bulk write takes (pages, daily notes) in one transaction of a few statements,
     * through their owners' bulk entry points. When it fails, each file is written on its own (writeContent), so a
     * bad one is skipped with its reason and the others go in.
     */
    const writeContents = (items: ReadonlyArray<ToWrite>) =>
      Effect.gen(function* () {
        const pages = items.flatMap((each) => (each.steps.bulk?._tag === "Page" ? [each.steps.bulk.document] : []))
        const days = items.flatMap((each) => (each.steps.bulk?._tag === "Day" ? [each.steps.bulk.day] : []))
        const stored = yield* (yield* Artifacts).storeHarvestedTexts(pages)
        yield* (yield* Notes).editDays(days).pipe(Effect.orDie)
        let page = 0
        return items.map((each) =>
          written(
            each,
            each.steps.bulk?._tag === "Page"
              ? { kind: "page", target: stored[page++]!.id }
              : { kind: "daily note", target: each.steps.bulk!.day.date }
          )
        )
      }).pipe(
        (bulk) => rls.current(Effect.zipRight(repo.relaxCommit, bulk)),
        Effect.catchAllDefect((defect) =>
          Effect.logWarning(`a batch of ${items.length} files is written one by one: ${describeDefect(defect)}`).pipe(
            Effect.zipRight(Effect.forEach(items, writeContent, { concurrency: CONCURRENCY }))
          )
        )
      )

    /**
     * The links of a batch of written files in one transaction (linkBatch). When it fails, each file is linked on its
     * own, so a bad one is skipped with its reason and the others go in.
     */
    const linkFiles = (results: ReadonlyArray<FileResult>) =>
      Effect.gen(function* () {
        const written = results.filter((result) => result.written !== undefined)
        if (written.length === 0) return results
        const once = (batch: ReadonlyArray<FileResult>) =>
          rls.current(Effect.zipRight(repo.relaxCommit, linkBatch(batch)))
        const failed = yield* once(written).pipe(
          Effect.as(new Map<FileResult, string>()),
          Effect.catchAllDefect(() =>
            Effect.reduce(written, new Map<FileResult, string>(), (failures, result) =>
              once([result]).pipe(
                Effect.as(failures),
                Effect.catchAllDefect((defect) => Effect.sync(() => failures.set(result, describeDefect(defect))))
              )
            )
          )
        )
        return results.map((result) => {
          const reason = failed.get(result)
          return reason === undefined ? result : skipped(result.file, reason)
        })
      })

    /**
     * The links of written files: every entity they name found or made in one statement, their edges in one (what a
     * changed file no longer links removed), the rest (folio commits, an export's folios and graph) file by file, and
     * the record of their paths and hashes.
     */
    const linkBatch = (batch: ReadonlyArray<FileResult>) =>
      Effect.gen(function* () {
        const graph = yield* Graph
        // One entry per entity (type and name ignoring case): a file's subject adds its facts; a link only names it.
        const entries = new Map<string, EnsureEntry>()
        const keyOf = (name: string, type: string) => `${type}:${name.toLowerCase()}`
        for (const { written } of batch) {
          const subject = written!.plan.subject
          if (subject === undefined) continue
          const key = keyOf(subject.name, subject.type)
          const before = entries.get(key)?.merge === true ? entries.get(key) : undefined
          entries.set(key, {
            name: before?.name ?? subject.name,
            type: subject.type,
            metadata: { ...before?.metadata, source: IMPORT_SOURCE, ...subject.facts },
            aliases: [...(before?.aliases ?? []), ...subject.aliases].slice(0, 100),
            merge: true
          })
        }
        for (const { written } of batch) {
          if (written!.plan.subject === undefined) continue
          for (const link of written!.plan.links) {
            const key = keyOf(link.name, "concept")
            if (!entries.has(key)) {
              entries.set(key, {
                name: link.name,
                type: "concept",
                metadata: { source: IMPORT_SOURCE },
                aliases: [],
                merge: false
              })
            }
          }
        }
        const keys = [...entries.keys()]
        const ensured = yield* graph.ensureEntities([...entries.values()])
        const ids = new Map(keys.map((key, i) => [key, ensured[i]!.id]))
        const edges = batch.flatMap(({ file, written }) => {
          const subject = written!.plan.subject
          if (subject === undefined) return []
          const sourceId = ids.get(keyOf(subject.name, subject.type))!
          return written!.plan.links.map((link) => ({
            sourceId,
            targetId: ids.get(keyOf(link.name, "concept"))!,
            type: "mentions",
            provenance: { source: IMPORT_SOURCE, file: file.path, line: link.line }
          }))
        })
        const files = batch.filter((result) => result.outcome === "updated").map((result) => result.file.path)
        yield* graph.ensureEdges(edges, { source: IMPORT_SOURCE, files })
        for (const { written } of batch) yield* written!.plan.after
        yield* repo.recordSources(
          batch.map(({ file, written }) => ({
            path: file.path,
            contentHash: written!.hash,
            kind: written!.made.kind,
            target: written!.made.target
          }))
        )
      })

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
        const save = Effect.suspend(() => {
          const lines = pending
          pending = []
          lastSaved = Date.now()
          return rls
            .current(repo.progress(id, { done, ...counts }, lines))
            .pipe(Effect.zipRight(live.publish({ type: "import", action: "updated", id })))
        })
        const prepareBatch = (batch: ReadonlyArray<PlannedFile>) =>
          Effect.forEach(batch, (file) => prepare(zip, file, context, options.dryRun, known), {
            concurrency: CONCURRENCY
          })
        const writeBatch = (prepared: ReadonlyArray<Prepared>) =>
          Effect.gen(function* () {
            const toWrite = prepared.filter((each): each is ToWrite => "steps" in each)
            const inBulk = toWrite.filter((each) => each.steps.bulk !== undefined)
            const results = new Map<Prepared, FileResult>()
            if (inBulk.length > 0) {
              const bulk = yield* writeContents(inBulk)
              inBulk.forEach((each, i) => results.set(each, bulk[i]!))
            }
            const contents = yield* Effect.forEach(
              prepared,
              (each) =>
                results.has(each)
                  ? Effect.succeed(results.get(each)!)
                  : "steps" in each
                    ? writeContent(each)
                    : Effect.succeed(each),
              { concurrency: CONCURRENCY }
            )
            for (const result of yield* linkFiles(contents)) {
              counts[result.outcome]++
              pending.push({
                ordinal: done,
                path: result.file.path,
                outcome: result.outcome,
                kind: result.kind,
                reason: result.reason
              })
              done++
            }
            if (pending.length >= PROGRESS_FILES || Date.now() - lastSaved >= PROGRESS_MILLIS) yield* save
          })
        // Kinds in order (attachments before the pages that embed them); files of one kind in batches.
        const batches: Array<ReadonlyArray<PlannedFile>> = []
        let from = 0
        while (from < files.length) {
          const kind = files[from]!.role.kind
          let to = from
          let bytes = 0
          while (to < files.length && to - from < BATCH && bytes < BATCH_BYTES && files[to]!.role.kind === kind) {
            bytes += files[to]!.size
            to++
          }
          batches.push(files.slice(from, to))
          from = to
        }
        // The next batch is read and parsed (the host's work) while this one is written (mostly the database's).
        // Reading never depends on what an earlier batch wrote: an attachment's id is looked up when linking.
        let ahead = yield* Effect.fork(prepareBatch(batches[0]!))
        for (let i = 0; i < batches.length; i++) {
          const prepared = yield* Fiber.join(ahead)
          if (i + 1 < batches.length) ahead = yield* Effect.fork(prepareBatch(batches[i + 1]!))
          yield* writeBatch(prepared)
        }
        yield* save
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
        attachments: new Map()
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
      // Entity extraction waits for the run to end instead of working through its files while they are written.
      const fiber = yield* extraction
        .deferWhile(run(status.id, zip, files, options, context))
        .pipe(
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
  Layer.provide([
    notesLayer,
    artifactsLayer,
    graphLayer,
    extractionLayer,
    foliosLayer,
    memoriesLayer,
    liveUpdatesLayer,
    workspacesLayer
  ])
)

const baseName = (path: string) => path.split("/").pop() ?? path

const describeDefect = (defect: unknown) =>
  defect instanceof NotText
    ? defect.message
    : defect instanceof SyntaxError
      ? `not valid JSON: ${defect.message}`
      : `could not be imported: ${defect instanceof Error ? defect.message : String(defect)}`
