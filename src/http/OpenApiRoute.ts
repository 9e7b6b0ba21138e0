// GET /api/openapi.json: the OpenAPI document of the declared API, built on its first request and kept. It is
// HttpApiBuilder.middlewareOpenApi without the work at boot: that builds the document (a walk of every schema of every
// endpoint into JSON Schema) and holds it encoded from the start, for a route few clients ever call.
import { HttpApi, HttpApiBuilder, type HttpRouter, HttpServerResponse, OpenApi } from "@effect/platform"
import { Effect } from "effect"

export const openApiRoute = (path: HttpRouter.PathInput) =>
  HttpApiBuilder.Router.use((router) =>
    Effect.gen(function* () {
      const { api } = yield* HttpApi.Api
      let document: HttpServerResponse.HttpServerResponse | undefined
      yield* router.get(
        path,
        Effect.sync(() => (document ??= HttpServerResponse.unsafeJson(OpenApi.fromApi(api))))
      )
    })
  )
