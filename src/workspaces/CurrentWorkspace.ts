// The workspace a request (or job, or MCP session) acts for. Declaration only: the web UI bundles it.
import { Context, Schema } from "effect"

export const WorkspaceId = Schema.UUID.pipe(Schema.brand("WorkspaceId"))
export type WorkspaceId = typeof WorkspaceId.Type

export class CurrentWorkspace extends Context.Tag("carabase/CurrentWorkspace")<CurrentWorkspace, WorkspaceId>() {}
