// Handlers of the workspaces group and the live workspace middleware.
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Effect, Layer, Schema } from "effect"
import { CarabaseApi } from "../Api"
import { WorkspaceId } from "../platform/CurrentWorkspace"
import { Workspaces } from "./Workspaces"
import { WorkspaceHeaderInvalid, WorkspaceMiddleware, WorkspaceNotFound } from "./WorkspacesApi"

export const WorkspacesHttpLive = HttpApiBuilder.group(CarabaseApi, "workspaces", (handlers) =>
  Effect.gen(function* () {
    const workspaces = yield* Workspaces
    return handlers
      .handle("create", ({ payload }) => Effect.map(workspaces.create(payload.name), (workspace) => ({ workspace })))
      .handle("list", () => Effect.map(workspaces.list, (list) => ({ workspaces: list })))
  })
)

const decodeWorkspaceId = Schema.decodeUnknownOption(WorkspaceId)

/**
 * `?workspace=<uuid>`: for GET streams whose clients cannot set headers (EventSource). Never for a write: a URL is
 * what a cross-site form or link can choose, a header is not.
 */
const workspaceQuery = (url: string): string | undefined => {
  const query = url.indexOf("?")
  return query === -1 ? undefined : (new URLSearchParams(url.slice(query + 1)).get("workspace") ?? undefined)
}

const workspaceOf = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function* () {
    const header = request.headers["x-workspace-id"]
    if (header !== undefined || request.method === "GET" || request.method === "HEAD") {
      return header ?? workspaceQuery(request.url)
    }
    if (workspaceQuery(request.url) !== undefined) {
      return yield* new WorkspaceHeaderInvalid({
        message: "?workspace= names the workspace only on GET requests: send the x-workspace-id header"
      })
    }
    return undefined
  })

/** Resolves an `x-workspace-id` value: missing or not a UUID is 400, an unknown workspace 404. */
export const resolveWorkspace = (header: string | undefined) =>
  Effect.gen(function* () {
    const workspaces = yield* Workspaces
    if (header === undefined || header.trim() === "") {
      return yield* new WorkspaceHeaderInvalid({ message: "missing x-workspace-id header: send the workspace's id" })
    }
    const id = decodeWorkspaceId(header.trim().toLowerCase())
    if (id._tag === "None") {
      return yield* new WorkspaceHeaderInvalid({ message: "x-workspace-id must be a UUID" })
    }
    if (!(yield* workspaces.exists(id.value))) {
      return yield* new WorkspaceNotFound({ message: `workspace ${id.value} does not exist` })
    }
    return id.value
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
