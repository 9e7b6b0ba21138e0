// MCP tools over daily notes and tasks, calling the Notes and Tasks services. remove_log_entry is opt-in (off in a
// workspace until its `mcp_tools` setting turns it on) and moves the entry to the trash, as DELETE /entries/:ref does.
import { Effect, Schema } from "effect"
import { Notes } from "../../notes/Notes"
import { NoteDate } from "../../notes/NoteDate"
import { Tasks } from "../../tasks/Tasks"
import { ADDITIVE, READ_ONLY, REMOVING, tool, UPDATING } from "../Tool"
import { dayArg, textArg } from "./Arguments"
import { failWith } from "./Resolve"

const DateArg = Schema.optional(
  dayArg("date").annotations({ description: "YYYY-MM-DD; default today (host time zone)" })
)
const Folio = Schema.optional(textArg("folio"))
const Tags = Schema.optional(Schema.Array(textArg("tags")).annotations({ description: "tags, without #" }))

export const noteTools = [
  tool({
    name: "read_daily_note",
    title: "Read a daily note",
    description:
      "Returns a day's note as markdown-like text: log entries as `## hh:mm AM [#tag] [Folio]` headings (e.g. `## 09:15 AM [#standup] [Backend]`), tasks as `- [ ]` / `- [x]`. Reading never creates a note.",
    input: Schema.Struct({ date: DateArg }),
    annotations: READ_ONLY,
    run: ({ date }) =>
      Effect.gen(function* () {
        const notes = yield* Notes
        const day = date ?? (yield* notes.now).date
        return yield* notes.text(day)
      })
  }),
  tool({
    name: "create_log_entry",
    title: "Add a log entry",
    description:
      "Appends a log entry (logCard) to a daily note. `content` is markdown; `- [ ]` lines become tasks. Pass `idempotency_key` to make retries safe: an entry with the same key is not added twice.",
    input: Schema.Struct({
      content: textArg("content").pipe(Schema.minLength(1)),
      folio: Folio,
      tags: Tags,
      date: DateArg,
      idempotency_key: Schema.optional(textArg("idempotency_key").pipe(Schema.minLength(1), Schema.maxLength(200)))
    }),
    annotations: ADDITIVE,
    run: (args) =>
      Effect.gen(function* () {
        const notes = yield* Notes
        const result = yield* failWith(
          notes.appendLogEntry({
            content: args.content,
            folio: args.folio,
            tags: args.tags,
            date: args.date,
            idempotencyKey: args.idempotency_key
          })
        )
        return { success: true, date: result.date, duplicate: result.duplicate }
      })
  }),
  tool({
    name: "create_task",
    title: "Add a task",
    description: "Adds an unchecked task to a daily note, written as a log entry holding one task item.",
    input: Schema.Struct({
      text: textArg("text").pipe(Schema.minLength(1)),
      folio: Folio,
      tags: Tags,
      date: DateArg
    }),
    annotations: ADDITIVE,
    run: (args) => Effect.flatMap(Tasks, (tasks) => failWith(tasks.create(args)))
  }),
  tool({
    name: "list_tasks",
    title: "List tasks",
    description:
      "Lists tasks from daily notes, unchecked first, then newest date first. Task ids are `YYYY-MM-DD:nodeIndex`.",
    input: Schema.Struct({
      checked: Schema.optional(Schema.Boolean),
      folio: Folio,
      tag: Schema.optional(textArg("tag")),
      date_from: Schema.optional(dayArg("date_from")),
      date_to: Schema.optional(dayArg("date_to")),
      limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 500)))
    }),
    annotations: READ_ONLY,
    run: (args) =>
      Effect.flatMap(Tasks, (tasks) =>
        Effect.map(
          tasks.list({
            checked: args.checked,
            folio: args.folio,
            tag: args.tag,
            from: args.date_from,
            to: args.date_to,
            limit: args.limit
          }),
          (list) => ({ tasks: list })
        )
      )
  }),
  tool({
    name: "toggle_task",
    title: "Check or uncheck a task",
    description: "Sets a task's checked state by its id (`YYYY-MM-DD:nodeIndex`, as list_tasks returns it).",
    input: Schema.Struct({
      task_id: Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}:\d+$/)),
      checked: Schema.Boolean
    }),
    annotations: { ...UPDATING, destructiveHint: false },
    run: ({ task_id, checked }) =>
      Effect.gen(function* () {
        const [date, index] = task_id.split(":") as [string, string]
        const day = yield* Schema.decodeUnknown(NoteDate)(date).pipe(
          Effect.mapError(() => ({ message: `${date} is not a date` }))
        )
        const tasks = yield* Tasks
        return yield* tasks.toggle(day, Number(index), checked)
      }).pipe(failWith)
  }),
  tool({
    name: "remove_log_entry",
    title: "Remove a log entry",
    description:
      "Takes one log entry out of a daily note, by its idempotency key or its 0-based position among the note's entries, and moves it to the workspace's trash, where the owner can restore it for 30 days. Off unless the owner turned it on for this workspace.",
    input: Schema.Struct({
      date: dayArg("date").annotations({ description: "YYYY-MM-DD: the note the entry is in" }),
      entry: textArg("entry").pipe(Schema.minLength(1), Schema.maxLength(200)).annotations({
        description: "the entry's idempotency key, or its 0-based position in the note"
      })
    }),
    annotations: REMOVING,
    optIn: true,
    run: ({ date, entry }) =>
      Effect.flatMap(Notes, (notes) =>
        Effect.map(failWith(notes.removeEntry(date, entry)), ({ note, trashId }) => ({
          trashId,
          date,
          revision: note.revision
        }))
      )
  })
]
