// Turns what the API router could not answer into JSON a client can act on: unknown routes are 404, unreadable
// bodies are 400, and anything unexpected is a 500 that carries no internal detail (the detail goes to the log).
import { HttpServerError, HttpServerRequest, HttpServerResponse, type HttpApp } from "@effect/platform"
import { Cause, Effect } from "effect"

const errorBody = (status: number, tag: string, message: string) =>
  HttpServerResponse.unsafeJson({ _tag: tag, message }, { status })

export const jsonErrors = (app: HttpApp.Default): HttpApp.Default =>
  Effect.catchAllCause(app, (cause) =>
    Effect.gen(function* () {
      if (Cause.isInterruptedOnly(cause)) return yield* Effect.failCause(cause)
      const request = yield* HttpServerRequest.HttpServerRequest
      const error = Cause.squash(cause)
      if (HttpServerError.isServerError(error) && error._tag === "RouteNotFound") {
        return errorBody(404, "RouteNotFound", `no route for ${request.method} ${request.url.split("?")[0]}`)
      }
      if (HttpServerError.isServerError(error) && error._tag === "RequestError") {
        if (error.reason === "Decode") {
          return errorBody(400, "HttpApiDecodeError", `the request body could not be read: ${describe(error)}`)
        }
        return yield* Effect.failCause(cause)
      }
      yield* Effect.logError("request failed unexpectedly", cause).pipe(
        Effect.annotateLogs({ method: request.method, path: request.url.split("?")[0] })
      )
      return errorBody(500, "InternalServerError", "the host failed to handle this request; details are in its log")
    })
  )

const describe = (error: HttpServerError.RequestError): string => {
  const inner = error.cause
  if (inner instanceof SyntaxError) return "malformed JSON"
  if (typeof error.description === "string" && error.description.length < 200) return error.description
  return "malformed body"
}
