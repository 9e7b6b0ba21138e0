// What a handler that writes says about itself: the route it serves (`PATCH /api/v1/daily-notes/:date`, the declared
// path, not the request's) as the writer recorded with the versions it makes, and the If-Match header it was sent.
import { HttpRouter, HttpServerRequest } from "@effect/platform"
import { Effect } from "effect"
import { Writer } from "../platform/Writer"

/** Runs a handler's effect with its route as the writer. */
export const asRoute = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(HttpRouter.RouteContext, ({ route }) => Writer.as("route", `${route.method} ${route.path}`)(effect))

/** The request's If-Match header as sent, if any. */
export const ifMatch = Effect.map(HttpServerRequest.HttpServerRequest, (request) => request.headers["if-match"])
