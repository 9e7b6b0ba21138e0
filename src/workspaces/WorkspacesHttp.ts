// Handlers of the workspaces group and the live workspace middleware.
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Effect, Layer } from "effect"
import { CarabaseApi } from "../Api"
import { resolveWorkspace, workspaceQuery } from "./ResolveWorkspace"
import { Workspaces } from "./Workspaces"
import { WorkspaceHeaderInvalid, WorkspaceMiddleware } from "./WorkspacesApi"

export const WorkspacesHttpLive = HttpApiBuilder.group(CarabaseApi, "workspaces", (handlers) =>
  Effect.gen(function* () {
    const workspaces = yield* Workspaces
    return handlers
      .handle("create", ({ payload }) => Effect.map(workspaces.create(payload.name), (workspace) => ({ workspace })))
      .handle("list", () => Effect.map(workspaces.list, (list) => ({ workspaces: list })))
  })
)

/**
 * The header, or `?workspace=` on GET streams whose clients cannot set headers (EventSource). Never for a write: a
 * URL is what a cross-site form or link can choose, a header is not.
 */
const workspaceOf = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function* () {
    const header = request.headers["x-workspace-id"]
    if (header !== undefined || request.method === "GET" || request.method === "HEAD") {
      return header ?? workspaceQuery(request.url)
    }
    if (workspaceQuery(request.url) !== undefined) {
      return yield* WorkspaceHeaderInvalid.of("QueryOnWrite")
    }
    return undefined
  })

export const WorkspaceMiddlewareLive = Layer.effect(
  WorkspaceMiddleware,
  Effect.gen(function* () {
    const workspaces = yield* Workspaces
    return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
      Effect.flatMap(workspaceOf(request), resolveWorkspace).pipe(Effect.provideService(Workspaces, workspaces))
    )
  })
)
