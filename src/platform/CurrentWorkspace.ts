// The workspace a request (or job, or MCP session) acts for: a request-scoped tag that the HTTP middleware, the MCP
// session and the job runner provide and the RLS scope reads. Declaration only, importing only effect: the web UI
// bundles it.
import { Context, Schema } from "effect"

export const WorkspaceId = Schema.UUID.pipe(Schema.brand("WorkspaceId"))
export type WorkspaceId = typeof WorkspaceId.Type

export class CurrentWorkspace extends Context.Tag("carabase/CurrentWorkspace")<CurrentWorkspace, WorkspaceId>() {}
