// Turns what the API's own error encoding cannot answer into JSON a client can act on: unknown routes are 404,
// unreadable bodies 400, a database that does not answer 503, and anything else unexpected a 500 that carries no
// internal detail (the detail goes to the log). Declared API errors pass through to their own encoding.
import { HttpServerError, HttpServerRequest, HttpServerResponse, type HttpApp } from "@effect/platform"
import { Cause, Effect, Option } from "effect"
import { pathOf } from "./RequestPath"

const errorBody = (status: number, tag: string, message: string) =>
  HttpServerResponse.unsafeJson({ _tag: tag, message }, { status })

export const jsonErrors = (app: HttpApp.Default): HttpApp.Default =>
  Effect.catchAllCause(app, (cause) =>
    Effect.gen(function* () {
      if (Cause.isInterruptedOnly(cause)) return yield* Effect.failCause(cause)
      const request = yield* HttpServerRequest.HttpServerRequest
      const failure = Cause.failureOption(cause)
      if (Option.isSome(failure)) {
        const error: unknown = failure.value
        if (HttpServerError.isServerError(error) && error._tag === "RouteNotFound") {
          return errorBody(404, "RouteNotFound", `no route for ${request.method} ${pathOf(request.url)}`)
        }
        return yield* Effect.failCause(cause)
      }
      const defect = Cause.squash(cause)
      if (HttpServerError.isServerError(defect) && defect._tag === "RequestError") {
        return errorBody(400, "HttpApiDecodeError", `the request body could not be read: ${describe(defect)}`)
      }
      if (isUnavailable(defect)) {
        yield* Effect.logWarning("database unavailable", cause).pipe(
          Effect.annotateLogs({ method: request.method, path: pathOf(request.url) })
        )
        return errorBody(503, "DatabaseUnavailable", "the database is not answering; try again shortly")
      }
      yield* Effect.logError("request failed unexpectedly", cause).pipe(
        Effect.annotateLogs({ method: request.method, path: pathOf(request.url) })
      )
      return errorBody(500, "InternalServerError", "the host failed to handle this request; details are in its log")
    })
  )

const describe = (error: HttpServerError.RequestError): string => {
  if (error.cause instanceof SyntaxError) return "malformed JSON"
  if (typeof error.description === "string" && error.description.length < 200) return error.description
  return "malformed body"
}

/** Connection-level database failures (refused, reset, shutting down), as opposed to bugs in a query. */
const isUnavailable = (defect: unknown): boolean => {
  if (typeof defect !== "object" || defect === null || (defect as { _tag?: string })._tag !== "SqlError") return false
  const message = (defect as { message?: string }).message ?? ""
  const cause = (defect as { cause?: { code?: string; message?: string } }).cause
  const code = cause?.code ?? ""
  return (
    /^(08|57P0[1-3])/.test(code) ||
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(code) ||
    /Failed to acquire connection|Connection error|Connection terminated/i.test(`${message} ${cause?.message ?? ""}`)
  )
}
