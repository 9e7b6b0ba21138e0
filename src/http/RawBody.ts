// Reads a webhook body as the exact bytes received, never more than the limit: a declared Content-Length over it is
// refused before reading, and a body that grows past it while streaming stops being collected at that point.
import type { HttpServerRequest } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Data, Effect } from "effect"

export const MAX_BODY_BYTES = 1024 * 1024

export class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{ readonly limit: number }> {}
export class BodyUnreadable extends Data.TaggedError("BodyUnreadable")<{ readonly cause: unknown }> {}

export const readRawBody = (
  request: HttpServerRequest.HttpServerRequest,
  limit = MAX_BODY_BYTES
): Effect.Effect<Buffer, BodyTooLarge | BodyUnreadable> =>
  Effect.suspend(() => {
    const declared = request.headers["content-length"]
    if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > limit)) {
      return Effect.fail(new BodyTooLarge({ limit }))
    }
    const source = NodeHttpServerRequest.toIncomingMessage(request)
    return Effect.async<Buffer, BodyTooLarge | BodyUnreadable>((resume) => {
      const chunks: Array<Buffer> = []
      let size = 0
      const stop = () => {
        source.off("data", onData)
        source.off("end", onEnd)
        source.off("error", onError)
        source.off("aborted", onError)
      }
      const onData = (chunk: Buffer) => {
        size += chunk.length
        if (size > limit) {
          stop()
          // Keep the socket flowing so the 413 can be written; the response closes the connection.
          source.resume()
          resume(Effect.fail(new BodyTooLarge({ limit })))
          return
        }
        chunks.push(chunk)
      }
      const onEnd = () => {
        stop()
        resume(Effect.succeed(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)))
      }
      const onError = (cause: unknown) => {
        stop()
        resume(Effect.fail(new BodyUnreadable({ cause })))
      }
      source.on("data", onData)
      source.once("end", onEnd)
      source.once("error", onError)
      source.once("aborted", onError)
      return Effect.sync(stop)
    })
  })
