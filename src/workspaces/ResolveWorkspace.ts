// Which workspace a request names: the one rule the workspace middleware, the MCP endpoints and the health route all
// apply to an `x-workspace-id` value (or its `?workspace=` stand-in), so no face holds its own copy.
import { Effect, Schema } from "effect"
import { WorkspaceId } from "../platform/CurrentWorkspace"
import { Workspaces } from "./Workspaces"
import { WorkspaceHeaderInvalid, WorkspaceNotFound } from "./WorkspacesApi"

const decodeWorkspaceId = Schema.decodeUnknownOption(WorkspaceId)

/** The `?workspace=<uuid>` of a URL, for clients that cannot set headers; whether to accept it is the caller's rule. */
export const workspaceQuery = (url: string): string | undefined => {
  const query = url.indexOf("?")
  return query === -1 ? undefined : (new URLSearchParams(url.slice(query + 1)).get("workspace") ?? undefined)
}

/** Resolves an `x-workspace-id` value: missing or not a UUID is 400, an unknown workspace 404. */
export const resolveWorkspace = (header: string | undefined) =>
  Effect.gen(function* () {
    const workspaces = yield* Workspaces
    if (header === undefined || header.trim() === "") {
      return yield* WorkspaceHeaderInvalid.of("Missing")
    }
    const id = decodeWorkspaceId(header.trim().toLowerCase())
    if (id._tag === "None") {
      return yield* WorkspaceHeaderInvalid.of("NotUuid")
    }
    if (!(yield* workspaces.exists(id.value))) {
      return yield* WorkspaceNotFound.of(id.value)
    }
    return id.value
  })
