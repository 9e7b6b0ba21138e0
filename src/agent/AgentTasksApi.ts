// Declaration of the agent-task routes: hand an instruction to an OpenClaw agent; it runs in the background and its
// result is written into the originating daily note as a logCard. Imports effect, @effect/platform and other
// declarations (the gateway errors, the shared text schemas of the notes declaration).
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { GatewayUnconfigured } from "../gateway/GatewayErrors"
import { ModelRouteUnusable } from "../models/ModelRoutesApi"
import { bounded, storable } from "../schema/TextSchemas"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const AgentTaskStatus = Schema.Literal("queued", "running", "succeeded", "failed")
export type AgentTaskStatus = typeof AgentTaskStatus.Type

export class AgentTask extends Schema.Class<AgentTask>("AgentTask")({
  id: Schema.UUID,
  instruction: Schema.String,
  originBlockId: Schema.NullOr(Schema.String),
  provider: Schema.Literal("openclaw"),
  agentId: Schema.String,
  status: AgentTaskStatus,
  /** The agent's answer, once succeeded. */
  result: Schema.NullOr(Schema.String),
  /** What went wrong, once failed. */
  error: Schema.NullOr(Schema.String),
  /** The daily note the result is (or will be) written into. */
  noteDate: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}) {}

export const CreateAgentTask = Schema.Struct({
  instruction: bounded("instruction", 20_000),
  /**
   * The block the task came from. `YYYY-MM-DD:<index>` names a top-level block of that day's note; any other value is
   * matched against blocks' `attrs.id`. The result goes right after it, else at the end of the note.
   */
  originBlockId: Schema.optionalWith(
    Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200), storable("originBlockId")),
    { nullable: true }
  ),
  provider: Schema.Literal("openclaw"),
  /** The day whose note receives the result (default: the day in originBlockId, else today). */
  date: Schema.optionalWith(
    Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/, { message: () => "date must be written YYYY-MM-DD" })),
    { nullable: true }
  ),
  agentId: Schema.optionalWith(
    Schema.String.pipe(
      Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: () => "agentId must be an OpenClaw agent id" })
    ),
    { nullable: true }
  )
})
export type CreateAgentTask = typeof CreateAgentTask.Type

export class AgentTaskNotFound extends Schema.TaggedError<AgentTaskNotFound>()(
  "AgentTaskNotFound",
  { message: Schema.String, agentTaskId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(agentTaskId: string) {
    return new AgentTaskNotFound({ agentTaskId, message: `no agent task ${agentTaskId} in this workspace` })
  }
}

export class AgentTaskInvalid extends Schema.TaggedError<AgentTaskInvalid>()(
  "AgentTaskInvalid",
  { message: Schema.String, field: Schema.Literal("date"), reason: Schema.Literal("NotACalendarDay") },
  HttpApiSchema.annotations({ status: 400 })
) {
  static notACalendarDay(date: string) {
    return new AgentTaskInvalid({
      field: "date",
      reason: "NotACalendarDay",
      message: `${date} is not a real calendar day (YYYY-MM-DD)`
    })
  }
}

export class AgentTasksApi extends HttpApiGroup.make("agentTasks")
  .add(
    HttpApiEndpoint.post("create", "/agent-tasks")
      .setPayload(CreateAgentTask)
      .addSuccess(Schema.Struct({ task: AgentTask }), { status: 202 })
      .addError(AgentTaskInvalid)
      .addError(GatewayUnconfigured)
      .addError(ModelRouteUnusable)
  )
  .add(HttpApiEndpoint.get("list", "/agent-tasks").addSuccess(Schema.Struct({ tasks: Schema.Array(AgentTask) })))
  .add(
    HttpApiEndpoint.get("get", "/agent-tasks/:id")
      .setPath(Schema.Struct({ id: Schema.UUID }))
      .addSuccess(Schema.Struct({ task: AgentTask }))
      .addError(AgentTaskNotFound)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
