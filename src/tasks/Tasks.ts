// The tasks service: tasks are derived from daily notes on every read (no table of their own); adding one writes a
// logCard > taskList > taskItem into the day's note and toggling one edits that note under its row lock.
import { Context, Effect, Layer, Option } from "effect"
import type { NoteTooLarge } from "../notes/NotesApi"
import { makeLogCard, normalizeTags } from "../notes/LogCard"
import type { NoteDate } from "../notes/NoteDate"
import { Notes, layer as notesLayer } from "../notes/Notes"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { byListOrder, collectTasks, countTasks, matches, setChecked, taskId, type TaskItem } from "./TaskItems"
import { TaskNotFound } from "./TasksApi"

export interface TaskListQuery {
  readonly checked?: boolean | undefined
  readonly folio?: string | undefined
  readonly tag?: string | undefined
  readonly from?: NoteDate | undefined
  readonly to?: NoteDate | undefined
  readonly limit?: number | undefined
}

export interface NewTask {
  readonly text: string
  readonly folio?: string | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  readonly date?: NoteDate | undefined
}

export interface CreatedTask extends TaskItem {
  readonly folio: string | null
  readonly timestamp: string
}

export interface TasksShape {
  readonly list: (query: TaskListQuery) => Effect.Effect<ReadonlyArray<TaskItem>, never, CurrentWorkspace>
  readonly create: (task: NewTask) => Effect.Effect<CreatedTask, NoteTooLarge, CurrentWorkspace>
  readonly toggle: (
    date: NoteDate,
    nodeIndex: number,
    checked: boolean
  ) => Effect.Effect<TaskItem, TaskNotFound | NoteTooLarge, CurrentWorkspace>
}

export class Tasks extends Context.Tag("carabase/Tasks")<Tasks, TasksShape>() {}

export const DEFAULT_LIMIT = 50

const notFound = (date: NoteDate, nodeIndex: number, reason: "NoSuchTask" | "NoNote") =>
  TaskNotFound.of(date, taskId(date, nodeIndex), reason)

export const layer = Layer.effect(
  Tasks,
  Effect.gen(function* () {
    const notes = yield* Notes

    const list = Effect.fn("Tasks.list")(function* (query: TaskListQuery) {
      const days = yield* notes.withTasks({ from: query.from, to: query.to })
      return days
        .flatMap(({ date, document }) => collectTasks(date, document))
        .filter((task) => matches(task, query))
        .sort(byListOrder)
        .slice(0, query.limit ?? DEFAULT_LIMIT)
    })

    const create = Effect.fn("Tasks.create")(function* (task: NewTask) {
      const clock = yield* notes.now
      const date = task.date ?? clock.date
      const text = task.text.replace(/\s+/g, " ").trim()
      const folios = task.folio === undefined ? [] : [task.folio]
      const tags = normalizeTags(task.tags ?? [])
      const card = makeLogCard({
        timestamp: clock.timestamp,
        folios,
        tags,
        content: [
          {
            type: "taskList",
            content: [
              {
                type: "taskItem",
                attrs: { checked: false },
                content: [{ type: "paragraph", content: [{ type: "text", text }] }]
              }
            ]
          }
        ]
      })
      const edited = yield* notes.edit(date, { create: true }, (note) =>
        Effect.succeed({ document: [...note.document, card], result: countTasks(note.document) })
      )
      const nodeIndex = yield* Effect.orDieWith(edited, () => "note vanished while adding a task")
      return {
        id: taskId(date, nodeIndex.result),
        text,
        checked: false,
        date,
        folio: task.folio ?? null,
        folios,
        tags,
        timestamp: clock.timestamp,
        nodeIndex: nodeIndex.result
      } satisfies CreatedTask
    })

    const toggle = Effect.fn("Tasks.toggle")(function* (date: NoteDate, nodeIndex: number, checked: boolean) {
      const edited = yield* notes.edit(date, { create: false }, (note) => {
        const task = collectTasks(date, note.document)[nodeIndex]
        if (task === undefined) return Effect.fail(notFound(date, nodeIndex, "NoSuchTask"))
        const result: TaskItem = { ...task, checked }
        // Already in the asked state: answer without writing, so a retried toggle changes nothing.
        if (task.checked === checked) return Effect.succeed({ result })
        return Effect.succeed({ document: setChecked(note.document, nodeIndex, checked), result })
      })
      if (Option.isNone(edited)) return yield* notFound(date, nodeIndex, "NoNote")
      return edited.value.result
    })

    return { list, create, toggle } satisfies TasksShape
  })
).pipe(Layer.provide(notesLayer))
