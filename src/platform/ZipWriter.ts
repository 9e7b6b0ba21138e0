// Writing a zip (yazl) as fast as its reader takes it, never faster: each file is handed to the zip only once the zip
// has reached it and its output is below the high-water mark, and a file written piece by piece waits on every piece
// the same way. So however large the archive and however slow the reader, what is held is the output's buffer, the
// file (or piece) in hand and the central directory (a name and a few numbers per file), never the archive.
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

export const makeZipWriter = (): ZipWriter => {
  const file = new yazl.ZipFile()
  const output = file.outputStream as PassThrough
  const options = { mtime: new Date(), mode: 0o100644 }

  /** Waits while the output holds more than its high-water mark (the reader has not taken it yet). */
  const room = Effect.suspend(() => (output.writableNeedDrain && !output.destroyed ? drained(output) : Effect.void))

  /** Adds the entry, resuming once the zip has reached it and taken `stream` to read it. */
  const enter = (name: string, stream: Readable) =>
    Effect.zipRight(
      room,
      Effect.async<void>((resume) => {
        file.addReadStreamLazy(name, options, (callback) => {
          callback(null, stream)
          resume(Effect.void)
        })
      })
    )

  const add = (name: string, content: string | Uint8Array) =>
    enter(name, Readable.from([typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content)]))

  const addWritten = <E, R>(
    name: string,
    body: (write: (piece: string) => Effect.Effect<void>) => Effect.Effect<void, E, R>
  ) =>
    Effect.suspend(() => {
      const pieces = new PassThrough()
      const write = (piece: string) =>
        Effect.suspend(() => (pieces.write(piece, "utf8") || pieces.destroyed ? Effect.void : drained(pieces)))
      return enter(name, pieces).pipe(Effect.zipRight(body(write)), Effect.ensuring(Effect.sync(() => pieces.end())))
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
