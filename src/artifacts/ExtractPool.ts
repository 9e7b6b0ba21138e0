// The bounded pool of extraction workers: every file's text is extracted in a worker thread (ExtractWorker), at most
// CARABASE_EXTRACT_WORKERS at once, each with a heap limit (CARABASE_EXTRACT_MEMORY_MB) and a time limit
// (CARABASE_EXTRACT_TIMEOUT_SECONDS). A worker that runs out of memory or time is ended and replaced; its file is
// stored with the reason and the host carries on. Zip-based formats are also held to
// CARABASE_EXTRACT_MAX_EXPANDED_BYTES (array buffers live outside the heap limit), and PDFs to
// CARABASE_EXTRACT_MAX_PDF_PAGES pages.
import { Config, Context, Duration, Effect, Either, Layer } from "effect"
import { Worker } from "node:worker_threads"
import { extractorFor, type ExtractLimits, type Extraction } from "./Extract"
import type { ExtractJob } from "./ExtractWorker"

/** ExtractWorker's first message (its READY, not imported: that module is the worker's entry). */
const READY = "ready"
/** How long a new worker may take to load before its first file (a cold start on a busy machine). */
const LOAD_TIMEOUT = Duration.seconds(30)

export interface ExtractPoolShape {
  /** The file's extraction; never fails (a worker that dies or times out gives a NoText saying so). */
  readonly extract: (mimeType: string, bytes: Uint8Array) => Effect.Effect<Extraction>
}

export class ExtractPool extends Context.Tag("carabase/ExtractPool")<ExtractPool, ExtractPoolShape>() {}

const positive = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.withDefault(fallback),
    Config.validate({ message: `${name} must be a positive integer`, validation: (n) => n > 0 })
  )

export const extractConfig = Config.all({
  workers: positive("CARABASE_EXTRACT_WORKERS", 2),
  timeoutSeconds: positive("CARABASE_EXTRACT_TIMEOUT_SECONDS", 60),
  memoryMb: positive("CARABASE_EXTRACT_MEMORY_MB", 512),
  maxPdfPages: positive("CARABASE_EXTRACT_MAX_PDF_PAGES", 2000),
  maxExpandedBytes: positive("CARABASE_EXTRACT_MAX_EXPANDED_BYTES", 200 * 1024 * 1024)
})
export type ExtractConfig = Config.Config.Success<typeof extractConfig>

/**
 * The worker's script: beside the built host (dist/main.js and dist/cli.js sit next to dist/extract-worker.js); from
 * the sources (in-process tests) the build's copy, which the test setup builds.
 */
const workerUrl = import.meta.url.endsWith(".ts")
  ? new URL("../../dist/extract-worker.js", import.meta.url)
  : new URL("./extract-worker.js", import.meta.url)

interface Answer {
  readonly id: number
  readonly result: Extraction
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error))

export const layer = Layer.scoped(
  ExtractPool,
  Effect.gen(function* () {
    const config = yield* extractConfig
    const limits: ExtractLimits = {
      maxPdfPages: config.maxPdfPages,
      zip: { maxExpandedBytes: config.maxExpandedBytes, maxEntries: 20_000, maxRatio: 1000 }
    }
    const permits = yield* Effect.makeSemaphore(config.workers)
    const idle: Array<Worker> = []
    const running = new Set<Worker>()
    let nextId = 0
    yield* Effect.addFinalizer(() =>
      Effect.promise(() => Promise.all([...running].map((worker) => worker.terminate()))).pipe(Effect.ignore)
    )

    const spawn = () => {
      const worker = new Worker(workerUrl, {
        resourceLimits: { maxOldGenerationSizeMb: config.memoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 8 }
      })
      // An idle worker never keeps the process alive.
      worker.unref()
      // A job listens for its own worker's errors; one that comes after its job gave up (a timeout racing an
      // out-of-memory end) must not go unheard, which would throw in the host.
      worker.on("error", () => {})
      running.add(worker)
      worker.once("exit", () => {
        running.delete(worker)
        const at = idle.indexOf(worker)
        if (at >= 0) idle.splice(at, 1)
      })
      return worker
    }

    /** A new worker, once it has loaded: a file's time limit is the file's alone. */
    const started = Effect.async<Worker, string>((resume) => {
      const worker = spawn()
      const cleanup = () => {
        worker.off("message", onMessage)
        worker.off("error", onError)
      }
      const onMessage = (message: unknown) => {
        if (message !== READY) return
        cleanup()
        resume(Effect.succeed(worker))
      }
      const onError = (error: Error) => {
        cleanup()
        resume(Effect.fail(`the extraction worker could not start: ${describe(error)}`))
      }
      worker.on("message", onMessage)
      worker.once("error", onError)
      return Effect.sync(() => {
        cleanup()
        void worker.terminate()
      })
    }).pipe(
      Effect.timeoutFail({ duration: LOAD_TIMEOUT, onTimeout: () => "the extraction worker did not start in time" })
    )

    const post = (worker: Worker, job: ExtractJob) =>
      Effect.async<Extraction, string>((resume) => {
        const cleanup = () => {
          worker.off("message", onMessage)
          worker.off("error", onError)
          worker.off("exit", onExit)
        }
        const onMessage = (answer: Answer) => {
          if (answer.id !== job.id) return
          cleanup()
          resume(Effect.succeed(answer.result))
        }
        const onError = (error: Error & { code?: string }) => {
          cleanup()
          resume(
            Effect.fail(
              error.code === "ERR_WORKER_OUT_OF_MEMORY"
                ? `it needed more memory than an extraction may use (CARABASE_EXTRACT_MEMORY_MB is ${config.memoryMb})`
                : `the extraction worker failed: ${describe(error)}`
            )
          )
        }
        const onExit = (code: number) => {
          cleanup()
          resume(Effect.fail(`the extraction worker stopped (exit code ${code})`))
        }
        worker.on("message", onMessage)
        worker.once("error", onError)
        worker.once("exit", onExit)
        worker.postMessage(job, [job.bytes.buffer as ArrayBuffer])
        return Effect.sync(cleanup)
      })

    const extract = (mimeType: string, bytes: Uint8Array) =>
      permits
        .withPermits(1)(
          Effect.gen(function* () {
            const reused = idle.pop()
            const ready = reused === undefined ? yield* Effect.either(started) : Either.right(reused)
            if (Either.isLeft(ready)) {
              yield* Effect.logError(ready.left)
              return { _tag: "NoText", reason: ready.left, extractor: extractorFor(mimeType) } satisfies Extraction
            }
            const worker = ready.right
            // A copy of exactly these bytes, handed over rather than cloned again (the caller still stores its own).
            const copy = new Uint8Array(bytes)
            const job: ExtractJob = { id: nextId++, mimeType, bytes: copy, limits }
            const outcome = yield* post(worker, job).pipe(
              Effect.timeoutFail({
                duration: Duration.seconds(config.timeoutSeconds),
                onTimeout: () =>
                  `it took longer than ${config.timeoutSeconds} seconds (CARABASE_EXTRACT_TIMEOUT_SECONDS)`
              }),
              Effect.either,
              // The caller went away (the upload's client hung up) while the worker is busy with the file: it goes.
              Effect.onInterrupt(() => Effect.promise(() => worker.terminate()).pipe(Effect.ignore))
            )
            if (outcome._tag === "Right") {
              idle.push(worker)
              return outcome.right
            }
            // Out of time, memory or luck: the worker may be stuck in the file, so it goes and a fresh one replaces it.
            yield* Effect.promise(() => worker.terminate()).pipe(Effect.ignore)
            yield* Effect.logWarning(`extraction of a ${mimeType} file stopped: ${outcome.left}`)
            return { _tag: "NoText", reason: outcome.left, extractor: extractorFor(mimeType) } satisfies Extraction
          })
        )
        .pipe(Effect.withSpan("ExtractPool.extract", { attributes: { mimeType, size: bytes.length } }))

    return { extract } satisfies ExtractPoolShape
  }).pipe(Effect.annotateLogs("service", "ExtractPool"))
)
