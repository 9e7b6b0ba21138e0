// Handlers of the tasks group: translate query and body shapes (either toggle form) for the Tasks service.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { asRoute } from "../http/RouteWriter"
import type { NoteDate } from "../notes/NoteDate"
import { parseTaskId } from "./TaskItems"
import { Tasks } from "./Tasks"

export const TasksHttpLive = HttpApiBuilder.group(CarabaseApi, "tasks", (handlers) =>
  Effect.map(Tasks, (tasks) =>
    handlers
      .handle("list", ({ urlParams }) =>
        Effect.map(
          tasks.list({
            checked: urlParams.checked,
            folio: urlParams.folio,
            tag: urlParams.tag,
            from: urlParams.date_from,
            to: urlParams.date_to,
            limit: urlParams.limit
          }),
          (list) => ({ tasks: list })
        )
      )
      .handle("create", ({ payload }) =>
        Effect.map(tasks.create(payload), ({ checked, date, folio, id, nodeIndex, tags, text, timestamp }) => ({
          success: true as const,
          task: { id, text, checked, date, folio, tags, timestamp, nodeIndex }
        })).pipe(asRoute)
      )
      .handle("toggle", ({ payload }) => {
        // The schema has checked task_id's shape and day, so it always splits.
        const { date, nodeIndex } =
          "task_id" in payload
            ? parseTaskId(payload.task_id)!
            : { date: payload.date as NoteDate, nodeIndex: payload.nodeIndex }
        return Effect.map(tasks.toggle(date, nodeIndex, payload.checked), ({ checked, id, text }) => ({
          success: true as const,
          task: { id, text, checked, date, nodeIndex }
        })).pipe(asRoute)
      })
  )
)
