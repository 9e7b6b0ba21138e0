// SQL of agent_tasks. Callers run it inside RlsScope; the one-statement reads (find, list) run as the current
// workspace by themselves, in one round trip.
import { Effect, Option } from "effect"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"

export interface TaskRow {
  readonly id: string
  readonly instruction: string
  readonly originBlockId: string | null
  readonly provider: string
  readonly agentId: string
  readonly status: "pending" | "queued" | "running" | "succeeded" | "failed"
  readonly result: string | null
  readonly error: string | null
  readonly noteDate: string | null
  readonly createdAt: Date
  readonly updatedAt: Date
}

export const make = Effect.gen(function* () {
  const sql = yield* AppDb
  const rls = yield* RlsScope
  const columns = sql`id, instruction, origin_block_id, provider, agent_id, status, result, error,
    to_char(note_date, 'YYYY-MM-DD') as note_date, created_at, updated_at`
  const single = (rows: ReadonlyArray<TaskRow>) =>
    rows[0] === undefined ? Effect.dieMessage("agent task vanished") : Effect.succeed(rows[0])
  return {
    create: (task: { instruction: string; originBlockId: string | null; agentId: string; noteDate: string }) =>
      sql<TaskRow>`
        insert into agent_tasks (instruction, origin_block_id, provider, agent_id, status, note_date)
        values (${task.instruction}, ${task.originBlockId}, 'openclaw', ${task.agentId}, 'queued', ${task.noteDate})
        returning ${columns}
      `.pipe(Effect.orDie, Effect.flatMap(single)),
    find: (id: string) =>
      rls
        .rows(sql<TaskRow>`select ${columns} from agent_tasks where id = ${id}`)
        .pipe(Effect.map((rows) => Option.fromNullable(rows[0]))),
    list: rls.rows(sql<TaskRow>`select ${columns} from agent_tasks order by created_at desc, id limit 200`),
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
