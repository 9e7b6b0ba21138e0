// The first check every request meets, before any route: defences against the owner's own browser being used by a
// page it opened (DNS rebinding, cross-site form posts, JSON sent as text/plain) and against bodies that would cost
// memory or stack (too large, nested too deep). Inbound webhooks are exempt: platforms call them by a public name,
// and they verify signatures over bytes they read under their own 1 MiB limit.
//
// - Host: every route answers only to the names of src/http/HostNames (421 otherwise); MCP answers in JSON-RPC.
// - Writes (POST, PUT, PATCH, DELETE) from a page: refused when Origin is present and not this host's own or listed,
//   or when Sec-Fetch-Site says cross-site (403).
// - API writes carry JSON as application/json (415 otherwise); the upload route takes multipart and checks it itself,
//   the import route a zip (application/zip, 415 otherwise) whose size and contents it checks itself.
// - JSON bodies (API and MCP): at most CARABASE_MAX_JSON_BYTES (413 from Content-Length before reading, or once a
//   chunked body passes it; what follows is discarded, never kept), nesting at most MAX_JSON_DEPTH levels (400). The checked bytes are what routes then read.
// - A decode error of a JSON body never quotes the values it held under secret-looking keys (src/http/RedactSecrets).
import { HttpApiBuilder, HttpApiError, HttpServerError, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Cause, Config, Effect, Stream } from "effect"
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../platform/JsonDepth"
import { hostNamesConfig, hostRefusal, isAllowedHost, isAllowedOrigin } from "./HostNames"
import { readRawBody } from "./RawBody"
import { redactDecodeError, secretsIn } from "./RedactSecrets"
import { isUnder, pathOf } from "./RequestPath"

export const DEFAULT_MAX_JSON_BYTES = 4 * 1024 * 1024

export const maxJsonBytes = Config.integer("CARABASE_MAX_JSON_BYTES").pipe(
  Config.withDefault(DEFAULT_MAX_JSON_BYTES),
  Config.validate({ message: "CARABASE_MAX_JSON_BYTES must be a positive number of bytes", validation: (n) => n > 0 })
)

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"])
const UPLOAD_PATHS = new Set(["/api/v1/artifacts/upload", "/api/v1/imports"])
/** Routes whose body is a zip archive: no form or simple request can send one of these types. */
const ZIP_PATHS = new Set(["/api/v1/imports"])
const ZIP_TYPES = new Set(["application/zip", "application/x-zip-compressed"])

const refuse = (status: number, tag: string, message: string) =>
  HttpServerResponse.unsafeJson({ _tag: tag, message }, { status })

const mediaType = (contentType: string | undefined) => (contentType ?? "").split(";")[0]!.trim().toLowerCase()

const parseOrUndefined = (bytes: Buffer): unknown => {
  try {
    return JSON.parse(bytes.toString("utf8"))
  } catch {
    return undefined
  }
}

const hasBody = (headers: HttpServerRequest.HttpServerRequest["headers"]) =>
  headers["transfer-encoding"] !== undefined ||
  (headers["content-length"] !== undefined && headers["content-length"] !== "0")

/**
 * The request with its body already read: routes that read it (HttpApi's payload decoding, MCP's web Request) get
 * these bytes instead of the consumed socket stream. Everything else is the original request.
 */
const withReadBody = (
  request: HttpServerRequest.HttpServerRequest,
  bytes: Buffer
): HttpServerRequest.HttpServerRequest => {
  const text = bytes.toString("utf8")
  const decodeError = (cause: unknown) => new HttpServerError.RequestError({ request, reason: "Decode", cause })
  return Object.create(request, {
    text: { value: Effect.succeed(text) },
    json: {
      get: () => Effect.try({ try: (): unknown => (text === "" ? null : JSON.parse(text)), catch: decodeError })
    },
    arrayBuffer: {
      get: () => Effect.sync(() => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
    },
    stream: { get: () => Stream.succeed(new Uint8Array(bytes)) }
  }) as HttpServerRequest.HttpServerRequest
}

export const RequestGuardLive = HttpApiBuilder.middleware(
  Effect.gen(function* () {
    const names = yield* hostNamesConfig
    const jsonLimit = yield* maxJsonBytes
    // No `Connection: close`: closing with the client's bytes still unread resets the connection, and a client
    // busy sending may lose the 413 with it. Node discards the rest of the body (never buffering it), within the
    // server's request timeout.
    const tooLarge = refuse(
      413,
      "PayloadTooLarge",
      `the body is larger than this host accepts (${jsonLimit} bytes; CARABASE_MAX_JSON_BYTES)`
    )

    return (app) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const path = pathOf(request.url)
        if (path.startsWith("/api/v1/webhooks/")) return yield* app
        const mcp = isUnder(path, "/mcp")
        const host = request.headers["host"]
        // MCP checks Host and Origin itself, to answer in JSON-RPC.
        if (!mcp && !isAllowedHost(names, host)) return refuse(421, "HostNotAllowed", hostRefusal(host ?? ""))
        if (!WRITES.has(request.method)) return yield* app

        const origin = request.headers["origin"]
        if (!mcp && origin !== undefined && !isAllowedOrigin(names, origin, host)) {
          return refuse(
            403,
            "CrossOriginRequest",
            `a page of ${JSON.stringify(origin)} may not change this host: if it should, add it to CARABASE_ALLOWED_ORIGINS`
          )
        }
        if (!mcp && request.headers["sec-fetch-site"] === "cross-site") {
          return refuse(403, "CrossOriginRequest", "a page of another site may not change this host")
        }

        const api = isUnder(path, "/api/v1")
        if (!api && !mcp) return yield* app
        const contentType = request.headers["content-type"]
        if (ZIP_PATHS.has(path) && !ZIP_TYPES.has(mediaType(contentType))) {
          return refuse(415, "UnsupportedMediaType", "send the archive as the body with Content-Type: application/zip")
        }
        if (UPLOAD_PATHS.has(path)) return yield* app
        if (
          api &&
          (contentType !== undefined || hasBody(request.headers)) &&
          mediaType(contentType) !== "application/json"
        ) {
          return refuse(
            415,
            "UnsupportedMediaType",
            "send the request body as JSON with the header Content-Type: application/json"
          )
        }
        if (!hasBody(request.headers)) return yield* app
        const body = yield* Effect.either(readRawBody(request, jsonLimit))
        if (body._tag === "Left") {
          return body.left._tag === "BodyTooLarge"
            ? tooLarge
            : refuse(400, "HttpApiDecodeError", "the request body could not be read")
        }
        if (nestsDeeperThan(body.right, MAX_JSON_DEPTH)) {
          return refuse(400, "HttpApiDecodeError", `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`)
        }
        return yield* Effect.provideService(
          app,
          HttpServerRequest.HttpServerRequest,
          withReadBody(request, body.right)
        ).pipe(
          // The app's error channel is typed never, but declared errors (the decode error among them) travel in it.
          Effect.mapErrorCause((cause) =>
            Cause.map(cause, (error: unknown) =>
              error instanceof HttpApiError.HttpApiDecodeError
                ? (redactDecodeError(error, secretsIn(parseOrUndefined(body.right))) as never)
                : (error as never)
            )
          )
        )
      })
  })
)
