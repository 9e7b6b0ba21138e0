// With CARABASE_API_KEYS_REQUIRED=true, every /api/v1 route and the MCP endpoints need `Authorization: Bearer <api
// key>`, except the ones whose callers cannot hold one or carry their own proof: health, version, inbound webhooks
// (signed), OAuth callbacks (the provider redirects the browser there; the state is the proof) and device pushes (the
// device token). Off by default: the network is the trust boundary.
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { isUnder, pathOf } from "../http/RequestPath"
import { ApiKeys, apiKeysRequired } from "./ApiKeys"

const EXEMPT = [
  /^\/api\/v1\/health\/?$/,
  /^\/api\/v1\/version\/?$/,
  /^\/api\/v1\/webhooks\//,
  /^\/api\/v1\/auth\/[^/]+\/callback\/?$/,
  /^\/api\/v1\/harvester-devices\/push\/?$/
]

/** The API but its exempt routes, and the MCP endpoints (the agent's tools read and write everything a key guards). */
export const needsApiKey = (path: string) =>
  (isUnder(path, "/api/v1") && !EXEMPT.some((pattern) => pattern.test(path))) || isUnder(path, "/mcp")

export const ApiKeyGuardLive = HttpApiBuilder.middleware(
  Effect.gen(function* () {
    const required = yield* apiKeysRequired
    const keys = yield* ApiKeys
    return (app) =>
      required
        ? Effect.gen(function* () {
            const request = yield* HttpServerRequest.HttpServerRequest
            const path = pathOf(request.url)
            if (!needsApiKey(path) || (yield* keys.verify(request.headers["authorization"]))) return yield* app
            return HttpServerResponse.unsafeJson(
              {
                _tag: "ApiKeyRequired",
                message:
                  "this host requires an API key: send Authorization: Bearer <key> (create one with `carabase api-keys:create`)"
              },
              { status: 401, headers: { "www-authenticate": 'Bearer realm="carabase"' } }
            )
          })
        : app
  })
)
