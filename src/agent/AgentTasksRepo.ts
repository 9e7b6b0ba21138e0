// SQL of agent_tasks. Callers run it inside RlsScope; the one-statement reads (find, list) run as the current
// workspace by themselves, in one round trip.
import { SqlSchema } from "@effect/sql"
import { Effect, Schema } from "effect"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"

export const TaskRow = Schema.Struct({
  id: Schema.String,
  instruction: Schema.String,
  originBlockId: Schema.NullOr(Schema.String),
  provider: Schema.String,
  agentId: Schema.String,
  status: Schema.Literal("pending", "queued", "running", "succeeded", "failed"),
  result: Schema.NullOr(Schema.String),
  error: Schema.NullOr(Schema.String),
  noteDate: Schema.NullOr(Schema.String),
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
})
export interface TaskRow extends Schema.Schema.Type<typeof TaskRow> {}

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const columns = sql`id, instruction, origin_block_id, provider, agent_id, status, result, error,
    to_char(note_date, 'YYYY-MM-DD') as note_date, created_at, updated_at`
  const create = SqlSchema.single({
    Request: Schema.Struct({
      instruction: Schema.String,
      originBlockId: Schema.NullOr(Schema.String),
      agentId: Schema.String,
      noteDate: Schema.String
    }),
    Result: TaskRow,
    execute: (task) => sql`
      insert into agent_tasks (instruction, origin_block_id, provider, agent_id, status, note_date)
      values (${task.instruction}, ${task.originBlockId}, 'openclaw', ${task.agentId}, 'queued', ${task.noteDate})
      returning ${columns}
    `
  })
  const find = SqlSchema.findOne({
    Request: Schema.String,
    Result: TaskRow,
    execute: (id) => rls.rows(sql`select ${columns} from agent_tasks where id = ${id}`)
  })
  const list = SqlSchema.findAll({
    Request: Schema.Void,
    Result: TaskRow,
    execute: () => rls.rows(sql`select ${columns} from agent_tasks order by created_at desc, id limit 200`)
  })
  return {
    create: (task: { instruction: string; originBlockId: string | null; agentId: string; noteDate: string }) =>
      create(task).pipe(Effect.orDie),
    find: (id: string) => find(id).pipe(Effect.orDie),
    list: list(undefined).pipe(Effect.orDie),
    started: (id: string) =>
      sql`update agent_tasks set status = 'running', started_at = now(), updated_at = now() where id = ${id}`.pipe(
        Effect.orDie,
        Effect.asVoid
      ),
    succeeded: (id: string, result: string) =>
      sql`
        update agent_tasks set status = 'succeeded', result = ${result}, error = null, finished_at = now(),
          updated_at = now()
        where id = ${id}
      `.pipe(Effect.orDie, Effect.asVoid),
    failed: (id: string, error: string) =>
      sql`
        update agent_tasks set status = 'failed', error = ${error}, finished_at = now(), updated_at = now()
        where id = ${id} and status in ('queued', 'running')
      `.pipe(Effect.orDie, Effect.asVoid)
  }
})
