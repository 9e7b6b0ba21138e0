// Writing a zip (yazl) as fast as its reader takes it, never faster: a file is handed to the zip only while its output
// is below the high-water mark and at most AHEAD_BYTES of earlier files wait for the zip to reach them (yazl takes the
// next file only once the output took the last), and a file written piece by piece waits on every piece the same way.
// So however large the archive and however slow the reader, what is held is the output's buffer, about a megabyte of
// files in hand and the central directory (a name and a few numbers per file), never the archive.
import { PassThrough, Readable } from "node:stream"
import { Effect } from "effect"
import yazl from "yazl"

export interface ZipWriter {
  /** The archive's bytes, to be read (or piped) by its consumer; destroyed with the error when writing fails. */
  readonly output: Readable
  /** Adds a file whose content is in hand; resumes once the zip has taken it and its output has room again. */
  readonly add: (name: string, content: string | Uint8Array) => Effect.Effect<void>
  /**
   * Adds a file written piece by piece by `body` with `write`, each piece taken when the zip has room for it, so the
   * file is never whole in memory; the file ends when `body` does.
   */
  readonly addWritten: <E, R>(
    name: string,
    body: (write: (piece: string) => Effect.Effect<void>) => Effect.Effect<void, E, R>
  ) => Effect.Effect<void, E, R>
  /** Writes the central directory and ends the output. */
  readonly end: Effect.Effect<void>
  /** Ends the output with this error (the reader sees the archive break off, never a complete-looking one). */
  readonly fail: (error: Error) => void
}

/** Resumes once `stream` emits `drain` (or is closed: the reader is gone and this fiber is about to be interrupted). */
const drained = (stream: NodeJS.EventEmitter) =>
  Effect.async<void>((resume) => {
    const done = () => resume(Effect.void)
    stream.once("drain", done)
    stream.once("close", done)
    return Effect.sync(() => {
      stream.off("drain", done)
      stream.off("close", done)
    })
  })

/**
 * Bytes of files handed to the zip but not yet reached by it that `add` lets pile up before it waits: enough that
 * reading the next file overlaps compressing this one, little enough to keep memory flat.
 */
export const AHEAD_BYTES = 1024 * 1024

/** Characters of a file written piece by piece gathered before they go into the zip together. */
const PIECES_BYTES = 64 * 1024

export const makeZipWriter = (): ZipWriter => {
  const file = new yazl.ZipFile()
  const output = file.outputStream as PassThrough
  const options = { mtime: new Date(), mode: 0o100644 }
  /** Bytes of added files the zip has not reached yet, and who waits for that to fall. */
  let ahead = 0
  const waiting = new Set<() => void>()

  /** Waits while the output holds more than its high-water mark (the reader has not taken it yet). */
  const room = Effect.suspend(() => (output.writableNeedDrain && !output.destroyed ? drained(output) : Effect.void))

  /** Waits until no more than AHEAD_BYTES of added files wait for the zip. */
  const caughtUp = Effect.async<void>((resume) => {
    const check = () => {
      if (ahead > AHEAD_BYTES) return false
      waiting.delete(check)
      resume(Effect.void)
      return true
    }
    if (!check()) waiting.add(check)
    return Effect.sync(() => waiting.delete(check))
  })

  /** Adds the entry (`size` bytes in hand, read by the zip when it reaches it). */
  const enter = (name: string, stream: Readable, size: number) =>
    Effect.zipRight(
      room,
      Effect.suspend(() => {
        ahead += size
        file.addReadStreamLazy(name, options, (callback) => {
          ahead -= size
          callback(null, stream)
          for (const check of [...waiting]) check()
        })
        return caughtUp
      })
    )

  const add = (name: string, content: string | Uint8Array) =>
    Effect.suspend(() => {
      const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content)
      return enter(name, Readable.from([bytes]), bytes.length)
    })

  const addWritten = <E, R>(
    name: string,
    body: (write: (piece: string) => Effect.Effect<void>) => Effect.Effect<void, E, R>
  ) =>
    Effect.suspend(() => {
      const pieces = new PassThrough()
      // Pieces are gathered to PIECES_BYTES before they go in: each write is a trip through the compressor (zlib's
      // thread pool), which for pieces of a few hundred bytes cost more than the rest of the export.
      let gathered: Array<string> = []
      let size = 0
      const flush = Effect.suspend(() => {
        const text = gathered.join("")
        gathered = []
        size = 0
        return text === "" || pieces.write(text, "utf8") || pieces.destroyed ? Effect.void : drained(pieces)
      })
      const write = (piece: string) =>
        Effect.suspend(() => {
          gathered.push(piece)
          size += piece.length
          return size >= PIECES_BYTES ? flush : Effect.void
        })
      return enter(name, pieces, 0).pipe(
        Effect.zipRight(body(write)),
        Effect.zipRight(flush),
        Effect.ensuring(Effect.sync(() => pieces.end()))
      )
    })

  return {
    output,
    add,
    addWritten,
    end: Effect.sync(() => file.end()),
    fail: (error) => {
      output.destroy(error)
    }
  }
}
