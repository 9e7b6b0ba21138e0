// Declaration of the live-updates stream. Imports only effect and @effect/platform.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

/**
 * `GET /api/v1/events`: Server-Sent Events for one workspace (`x-workspace-id`, or `?workspace=` for EventSource,
 * which cannot set headers). First `event: ready`, then `event: change` with `{ type, action, id?, date? }` whenever a
 * note, task, folio, memory, entity, artifact, chat session or the workspace itself changes, and a comment line every
 * 15 s to keep proxies open. A `workspace` `deleted` notice is the stream's last: it ends there.
 */
export class LiveApi extends HttpApiGroup.make("live")
  .add(
    HttpApiEndpoint.get("events", "/events").addSuccess(
      Schema.String.pipe(HttpApiSchema.withEncoding({ kind: "Text", contentType: "text/event-stream" }))
    )
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
