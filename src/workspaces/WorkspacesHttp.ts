// Handlers of the workspaces group and the live workspace middleware.
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Effect, Layer } from "effect"
import { CarabaseApi } from "../Api"
import { resolveWorkspace, workspaceQuery } from "./ResolveWorkspace"
import { Workspaces } from "./Workspaces"
import { WorkspaceHeaderInvalid, WorkspaceMiddleware, WorkspaceMismatch } from "./WorkspacesApi"
import type { WorkspaceId } from "../platform/CurrentWorkspace"

/**
 * The path names the workspace to change; a client that also sends `x-workspace-id` must name the same one, so a
 * client working in one workspace cannot rename or delete another by a slip of its path.
 */
const samePath = (
  request: HttpServerRequest.HttpServerRequest,
  id: WorkspaceId
): Effect.Effect<WorkspaceId, WorkspaceMismatch> => {
  const header = request.headers["x-workspace-id"]
  return header === undefined || header.trim().toLowerCase() === id.toLowerCase()
    ? Effect.succeed(id.toLowerCase() as WorkspaceId)
    : Effect.fail(WorkspaceMismatch.of(id))
}

export const WorkspacesHttpLive = HttpApiBuilder.group(CarabaseApi, "workspaces", (handlers) =>
  Effect.gen(function* () {
    const workspaces = yield* Workspaces
    return handlers
      .handle("create", ({ payload }) => Effect.map(workspaces.create(payload.name), (workspace) => ({ workspace })))
      .handle("list", () => Effect.map(workspaces.list, (list) => ({ workspaces: list })))
      .handle("rename", ({ path, payload, request }) =>
        samePath(request, path.id).pipe(
          Effect.flatMap((id) => workspaces.rename(id, payload.name)),
          Effect.map((workspace) => ({ workspace }))
        )
      )
      .handle("delete", ({ path, payload, request }) =>
        samePath(request, path.id).pipe(
          Effect.flatMap((id) => workspaces.remove(id, payload.confirm)),
          Effect.map((workspace) => ({
            deleted: { id: workspace.id, name: workspace.name },
            final: true as const,
            message: `workspace "${workspace.name}" and everything in it were deleted; this cannot be undone`
          }))
        )
      )
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
