// Declaration of the task routes (tasks are taskItem nodes of daily notes; see TaskItems.ts for ids and nodeIndex).
// Imports only effect, @effect/platform and the pure declarations of notes.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"
import { bounded } from "../schema/TextSchemas"
import { FolioName, NoteTooLarge, optionalField, TagNames } from "../notes/NotesApi"
import { isCalendarDate, NoteDate, noteDateField } from "../notes/NoteDate"

export const Task = Schema.Struct({
  id: Schema.String,
  text: Schema.String,
  checked: Schema.Boolean,
  date: NoteDate,
  folios: Schema.Array(Schema.String),
  tags: Schema.Array(Schema.String),
  /** The enclosing logCard's `hh:mm AM`, or null for a task outside any log card. */
  timestamp: Schema.NullOr(Schema.String),
  nodeIndex: Schema.Int
})

const overriding = (message: string) => ({ message: () => ({ message, override: true }) })

/** Absent or present, never undefined: keeps "Expected undefined" out of the error a client reads. */
const optionalParam = <A, I>(schema: Schema.Schema<A, I>) => Schema.optionalWith(schema, { exact: true })

export const TaskQuery = Schema.Struct({
  checked: optionalParam(Schema.BooleanFromString.annotations(overriding("checked must be `true` or `false`"))),
  folio: optionalParam(Schema.String),
  tag: optionalParam(Schema.String),
  date_from: optionalParam(noteDateField("date_from")),
  date_to: optionalParam(noteDateField("date_to")),
  limit: optionalParam(
    Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 500)).annotations(
      overriding("limit must be a whole number from 1 to 500")
    )
  )
}).pipe(
  Schema.filter((query) =>
    query.date_from !== undefined && query.date_to !== undefined && query.date_from > query.date_to
      ? { path: ["date_to"], message: "date_to must be on or after date_from" }
      : undefined
  ),
  Schema.annotations({ identifier: "TaskQuery", title: "task query" })
)

export const TaskText = bounded("text", 10_000)

export const CreateTask = Schema.Struct({
  text: TaskText,
  folio: optionalField(FolioName),
  tags: optionalField(TagNames),
  date: optionalField(noteDateField("date"))
})

export const CreatedTask = Schema.Struct({
  id: Schema.String,
  text: Schema.String,
  checked: Schema.Boolean,
  date: NoteDate,
  folio: Schema.NullOr(Schema.String),
  tags: Schema.Array(Schema.String),
  timestamp: Schema.String,
  nodeIndex: Schema.Int
})

export const TaskIdString = Schema.String.pipe(
  Schema.filter((id) => /^\d{4}-\d{2}-\d{2}:\d{1,9}$/.test(id) && isCalendarDate(id.slice(0, 10)), {
    message: (issue) =>
      `task_id must be YYYY-MM-DD:nodeIndex with a real day and a whole number (for example 2026-03-14:0); got ${JSON.stringify(issue.actual)}`
  })
)

export const NodeIndex = Schema.Int.pipe(
  Schema.between(0, 999_999_999),
  Schema.annotations(overriding("nodeIndex must be a whole number, 0 or more"))
)

export const ToggleByIndex = Schema.Struct({
  date: noteDateField("date"),
  nodeIndex: NodeIndex,
  checked: Schema.Boolean
}).annotations({ identifier: "ToggleByIndex", title: "{ date, nodeIndex, checked }" })

export const ToggleById = Schema.Struct({ task_id: TaskIdString, checked: Schema.Boolean }).annotations({
  identifier: "ToggleById",
  title: "{ task_id, checked }"
})

export const ToggleTask = Schema.Union(ToggleByIndex, ToggleById)
export type ToggleTask = typeof ToggleTask.Type

export const ToggledTask = Schema.Struct({
  id: Schema.String,
  text: Schema.String,
  checked: Schema.Boolean,
  date: NoteDate,
  nodeIndex: Schema.Int
})

export class TaskNotFound extends Schema.TaggedError<TaskNotFound>()(
  "TaskNotFound",
  {
    message: Schema.String,
    date: Schema.String,
    taskId: Schema.String,
    reason: Schema.Literal("NoSuchTask", "NoNote")
  },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(date: string, taskId: string, reason: "NoSuchTask" | "NoNote") {
    const why = reason === "NoSuchTask" ? `the note of ${date} has no such task` : `there is no note for ${date}`
    return new TaskNotFound({
      date,
      taskId,
      reason,
      message: `no task ${taskId}: ${why}; list tasks (GET /api/v1/tasks) for current ids`
    })
  }
}

/** Dates default to today in the host's local time zone. */
export class TasksApi extends HttpApiGroup.make("tasks")
  .add(
    HttpApiEndpoint.get("list", "/tasks")
      .setUrlParams(TaskQuery)
      .addSuccess(Schema.Struct({ tasks: Schema.Array(Task) }))
  )
  .add(
    HttpApiEndpoint.post("create", "/tasks")
      .setPayload(CreateTask)
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), task: CreatedTask }))
      .addError(NoteTooLarge)
  )
  .add(
    HttpApiEndpoint.patch("toggle", "/tasks")
      .setPayload(ToggleTask)
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), task: ToggledTask }))
      .addError(TaskNotFound)
      .addError(NoteTooLarge)
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
