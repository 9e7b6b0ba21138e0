// Reading an uploaded zip safely (yauzl): the central directory is read and checked whole before a single entry is
// inflated, so a zip bomb (a total or a ratio past the limits), an entry whose path leaves the archive
// (`../../etc/passwd`, an absolute path) or a malformed archive is refused with nothing written. Entries are then
// inflated one at a time, each checked against the size its directory entry declared (yauzl's validateEntrySizes), so
// memory holds one file at most.
import { Data, Effect } from "effect"
import yauzl from "yauzl"

export interface ZipLimits {
  /** The most bytes all entries may expand to together. */
  readonly maxExpandedBytes: number
  /** The most entries (files and folders). */
  readonly maxEntries: number
  /** The highest expansion ratio an entry larger than RATIO_FLOOR_BYTES may have. */
  readonly maxRatio: number
}

/** Small entries may compress well (a file of one repeated line); only larger ones are held to the ratio. */
export const RATIO_FLOOR_BYTES = 1024 * 1024

export type ZipRefusal = "Malformed" | "UnsafePath" | "TooLarge" | "TooManyEntries" | "ExpansionRatio"

export class ZipRefused extends Data.TaggedError("ZipRefused")<{
  readonly reason: ZipRefusal
  readonly message: string
}> {
  static of(reason: ZipRefusal, message: string) {
    return new ZipRefused({ reason, message })
  }
}

export class EntryUnreadable extends Data.TaggedError("EntryUnreadable")<{ readonly message: string }> {}

export interface ZipEntry {
  /** The entry's path inside the archive, `/`-separated. */
  readonly path: string
  readonly size: number
}

export interface OpenZip {
  /** Files only (folders left out), in archive order. */
  readonly entries: ReadonlyArray<ZipEntry>
  readonly read: (entry: ZipEntry) => Effect.Effect<Uint8Array, EntryUnreadable>
}

const unsafe = /^(invalid relative path|absolute path|invalid characters in fileName)/

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** A file on disk by its path, or an archive already in memory. */
const openSource = (source: string | Uint8Array) =>
  Effect.async<yauzl.ZipFile, ZipRefused>((resume) => {
    const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true }
    const opened = (error: Error | null, zip: yauzl.ZipFile | undefined) => {
      if (error !== null || zip === undefined) {
        resume(Effect.fail(ZipRefused.of("Malformed", `the upload is not a readable zip archive: ${describe(error)}`)))
      } else resume(Effect.succeed(zip))
    }
    if (typeof source === "string") yauzl.open(source, options, opened)
    else yauzl.fromBuffer(Buffer.from(source.buffer, source.byteOffset, source.byteLength), options, opened)
  })

/** Every entry of the central directory, checked against the limits as it is read. */
const readDirectory = (zip: yauzl.ZipFile, limits: ZipLimits) =>
  Effect.async<Array<yauzl.Entry>, ZipRefused>((resume) => {
    const entries: Array<yauzl.Entry> = []
    let expanded = 0
    let finished = false
    const finish = (effect: Effect.Effect<Array<yauzl.Entry>, ZipRefused>) => {
      if (finished) return
      finished = true
      zip.removeAllListeners("entry")
      resume(effect)
    }
    zip.on("error", (error: unknown) => {
      const message = describe(error)
      finish(
        Effect.fail(
          unsafe.test(message)
            ? ZipRefused.of(
                "UnsafePath",
                `the archive holds an entry whose path leaves it (${message}); nothing was imported`
              )
            : ZipRefused.of("Malformed", `the upload is not a readable zip archive: ${message}`)
        )
      )
    })
    zip.on("end", () => finish(Effect.succeed(entries)))
    zip.on("entry", (entry: yauzl.Entry) => {
      if (entries.length >= limits.maxEntries) {
        return finish(
          Effect.fail(
            ZipRefused.of(
              "TooManyEntries",
              `the archive holds more than ${limits.maxEntries} entries; nothing was imported`
            )
          )
        )
      }
      expanded += entry.uncompressedSize
      if (expanded > limits.maxExpandedBytes) {
        return finish(
          Effect.fail(
            ZipRefused.of(
              "TooLarge",
              `the archive would expand to more than ${limits.maxExpandedBytes} bytes (CARABASE_IMPORT_MAX_EXPANDED_BYTES); nothing was imported`
            )
          )
        )
      }
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1)
      if (entry.uncompressedSize > RATIO_FLOOR_BYTES && ratio > limits.maxRatio) {
        return finish(
          Effect.fail(
            ZipRefused.of(
              "ExpansionRatio",
              `the entry ${JSON.stringify(entry.fileName)} would expand ${Math.round(ratio)} times (at most ${limits.maxRatio} allowed): a zip bomb is refused; nothing was imported`
            )
          )
        )
      }
      entries.push(entry)
      zip.readEntry()
    })
    zip.readEntry()
  })

const inflate = (zip: yauzl.ZipFile, entry: yauzl.Entry) =>
  Effect.async<Uint8Array, EntryUnreadable>((resume) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error !== null || stream === undefined) {
        return resume(Effect.fail(new EntryUnreadable({ message: `cannot inflate it: ${describe(error)}` })))
      }
      const chunks: Array<Buffer> = []
      stream.on("data", (chunk: Buffer) => chunks.push(chunk))
      stream.once("error", (cause: unknown) =>
        resume(Effect.fail(new EntryUnreadable({ message: `cannot inflate it: ${describe(cause)}` })))
      )
      stream.once("end", () => resume(Effect.succeed(Buffer.concat(chunks))))
    })
  })

/** Opens and checks the archive at `source` (a path, or its bytes); it stays open for the scope. */
export const openZip = (source: string | Uint8Array, limits: ZipLimits) =>
  Effect.gen(function* () {
    const zip = yield* Effect.acquireRelease(openSource(source), (zip) => Effect.sync(() => zip.close()))
    const raw = yield* readDirectory(zip, limits)
    const byPath = new Map<string, yauzl.Entry>()
    const entries: Array<ZipEntry> = []
    for (const entry of raw) {
      if (entry.fileName.endsWith("/")) continue
      byPath.set(entry.fileName, entry)
      entries.push({ path: entry.fileName, size: entry.uncompressedSize })
    }
    return {
      entries,
      read: (entry) => {
        const raw = byPath.get(entry.path)
        return raw === undefined
          ? Effect.fail(new EntryUnreadable({ message: "not in the archive" }))
          : inflate(zip, raw)
      }
    } satisfies OpenZip
  })
