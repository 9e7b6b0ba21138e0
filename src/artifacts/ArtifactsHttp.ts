// Handlers of the artifacts group: upload, list, metadata, the stored file (headers from Download) and the text. The upload is parsed here, as a stream, under this host's own limits
// (CARABASE_MAX_UPLOAD_BYTES, default 25 MiB, instead of the HTTP server's general 10 MiB body limit): a file over
// the limit is answered 413 and nothing is stored.
import { HttpApiBuilder, HttpServerResponse, Multipart, type HttpServerRequest } from "@effect/platform"
import { NodeHttpServerRequest, NodeStream } from "@effect/platform-node"
import { Cause, Chunk, Effect, Option, Schema, Stream } from "effect"
import { CarabaseApi } from "../Api"
import { Artifacts, DEFAULT_MAX_TOKENS, maxUploadBytes } from "./Artifacts"
import { ArtifactCursor, DEFAULT_ARTIFACT_LIST_LIMIT, UploadInvalid, UploadTooLarge } from "./ArtifactsApi"
import { downloadHeaders } from "./Download"

/** Room for the multipart framing and small fields around the file. */
const FRAMING_BYTES = 64 * 1024
const PART_HEADER_BYTES = 8 * 1024

interface Received {
  readonly filename: string
  readonly contentType: string
  readonly bytes: Uint8Array
}

/** A size limit tripped: reported as such by the parser, or (inside a file's own stream) as the parser's cause. */
const overLimit = (error: Multipart.MultipartError) =>
  error.reason === "FileTooLarge" ||
  error.reason === "BodyTooLarge" ||
  (error.reason === "InternalError" &&
    typeof error.cause === "object" &&
    error.cause !== null &&
    (error.cause as { _tag?: unknown })._tag === "ReachedLimit" &&
    ["MaxPartSize", "MaxTotalSize"].includes(String((error.cause as { limit?: unknown }).limit)))

const encodeCursor = Schema.encodeSync(ArtifactCursor)

export const ArtifactsHttpLive = HttpApiBuilder.group(CarabaseApi, "artifacts", (handlers) =>
  Effect.gen(function* () {
    const artifacts = yield* Artifacts
    const limit = yield* maxUploadBytes
    const tooLarge = UploadTooLarge.of(limit)

    const receive = (parts: Stream.Stream<Multipart.Part, Multipart.MultipartError>) =>
      Multipart.withLimitsStream(parts, {
        // The parser counts a part's headers into its size; the exact limit is checked on the bytes received.
        maxFileSize: Option.some(limit + PART_HEADER_BYTES),
        maxTotalSize: Option.some(limit + FRAMING_BYTES),
        maxParts: Option.some(16),
        maxFieldSize: 16 * 1024,
        // Every part that carries a filename is a file, whatever its type (the default would turn JSON into a field).
        fieldMimeTypes: []
      }).pipe(
        Stream.mapEffect((part): Effect.Effect<Received, UploadInvalid | Multipart.MultipartError> => {
          if (part.key !== "file") return Effect.fail(UploadInvalid.unknownField(part.key))
          if (part._tag !== "File") return Effect.fail(UploadInvalid.of("NoFile"))
          return Effect.map(part.contentEffect, (bytes) => ({
            filename: part.name,
            contentType: part.contentType,
            bytes
          }))
        }),
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray),
        Effect.mapError((error): UploadTooLarge | UploadInvalid =>
          error instanceof UploadInvalid
            ? error
            : overLimit(error)
              ? tooLarge
              : error.cause instanceof URIError
                ? UploadInvalid.of("FilenameEncoding")
                : UploadInvalid.unreadable(error.reason)
        )
      )

    /**
     * The parts, parsed inside Effect from the body's bytes. (The Node request's own multipartStream runs the parser
     * in a stream callback, where a part header it cannot decode, such as `filename*=UTF-8''%ED%A0%80`, throws past
     * every handler and ends the process.) Such a header is the client's mistake: a 400.
     */
    const partsOf = (request: HttpServerRequest.HttpServerRequest) =>
      NodeStream.fromReadable<Multipart.MultipartError, Uint8Array>(
        () => NodeHttpServerRequest.toIncomingMessage(request),
        (cause) => new Multipart.MultipartError({ reason: "InternalError", cause }),
        // The socket must stay open for the answer: the default would destroy the request when its body ends.
        { closeOnDone: false }
      ).pipe(
        Stream.pipeThroughChannel(Multipart.makeChannel(request.headers)),
        Stream.catchAllCause((cause) => {
          const defect = Cause.dieOption(cause)
          return Option.isSome(defect) && defect.value instanceof URIError
            ? Stream.fail(new Multipart.MultipartError({ reason: "Parse", cause: defect.value }))
            : Stream.failCause(cause)
        })
      )

    /**
     * The parser never finishes a body that ends inside a part's headers, so once the request has been read to its
     * end, a parse still running after a short grace is a truncated body.
     */
    const truncated = (request: HttpServerRequest.HttpServerRequest) => {
      const incoming = NodeHttpServerRequest.toIncomingMessage(request)
      return Effect.async<void>((resume) => {
        if (incoming.readableEnded) return resume(Effect.void)
        const done = () => resume(Effect.void)
        incoming.once("end", done)
        return Effect.sync(() => incoming.off("end", done))
      }).pipe(Effect.zipRight(Effect.sleep("2 seconds")), Effect.zipRight(Effect.fail(UploadInvalid.of("Truncated"))))
    }

    return handlers
      .handleRaw("upload", ({ request }) =>
        Effect.gen(function* () {
          const contentType = request.headers["content-type"] ?? ""
          if (!/^multipart\/form-data\b/i.test(contentType) || !/boundary=/i.test(contentType)) {
            return yield* UploadInvalid.of("NotMultipart")
          }
          const declaredLength = Number(request.headers["content-length"])
          if (Number.isFinite(declaredLength) && declaredLength > limit + FRAMING_BYTES) return yield* tooLarge
          const files = yield* Effect.raceFirst(receive(partsOf(request)), truncated(request))
          if (files.length === 0) {
            return yield* UploadInvalid.of("NoFile")
          }
          if (files.length > 1) {
            return yield* UploadInvalid.of("SeveralFiles")
          }
          const file = files[0]!
          if (file.bytes.length > limit) return yield* tooLarge
          const artifact = yield* artifacts.store({
            filename: file.filename,
            declaredType: file.contentType,
            bytes: file.bytes
          })
          return { artifact }
        })
      )
      .handle("list", ({ urlParams }) =>
        Effect.map(
          artifacts.list({
            limit: urlParams.limit ?? DEFAULT_ARTIFACT_LIST_LIMIT,
            after: Option.fromNullable(urlParams.cursor)
          }),
          (page) => ({
            artifacts: page.artifacts,
            nextCursor: Option.getOrNull(Option.map(page.next, encodeCursor))
          })
        )
      )
      .handle("get", ({ path }) => Effect.map(artifacts.get(path.id), (artifact) => ({ artifact })))
      .handle("remove", ({ path }) =>
        Effect.map(artifacts.remove(path.id, "DELETE /api/v1/artifacts/:id"), (trashId) => ({ trashId }))
      )
      .handleRaw("file", ({ path }) =>
        Effect.map(artifacts.file(path.id), (file) =>
          HttpServerResponse.uint8Array(file.bytes, { headers: downloadHeaders(file) })
        )
      )
      .handle("content", ({ path, urlParams }) =>
        artifacts.content(path.id, urlParams.max_tokens ?? DEFAULT_MAX_TOKENS)
      )
  })
)
