// Agent tasks: an instruction handed to the agent: the workspace's `chat` model route (ModelCalls), else an OpenClaw
// agent through the gateway. A task is stored queued, runs in the background (at most two at a time; the rest wait),
// and its result (or what went wrong) is written into the originating daily note as a logCard tagged #agent, once:
// the card carries the idempotency key agent-task:<id>. Status is visible through the task record. A task cut short
// by shutdown is marked failed.
import { whenBackgroundWork } from "../platform/BackgroundWork"
import { Context, DateTime, Effect, FiberSet, Layer, Option, Stream } from "effect"
import { agentIdOfModel, Gateway } from "../gateway/Gateway"
import type { GatewayUnconfigured } from "../gateway/GatewayErrors"
import { ModelCalls, layer as modelCallsLayer } from "../models/ModelCalls"
import type { ModelRouteUnusable } from "../models/ModelRoutesApi"
import type { Target } from "../gateway/Target"
import { hasIdempotencyKey, makeLogCard } from "../notes/LogCard"
import { markdownToBlocks } from "../notes/Markdown"
import { isCalendarDate, type NoteDate } from "../notes/NoteDate"
import { Notes, layer as notesLayer } from "../notes/Notes"
import { RlsScope } from "../platform/RlsScope"
import { CurrentWorkspace, type WorkspaceId } from "../platform/CurrentWorkspace"
import { Writer } from "../platform/Writer"
import { Workspaces, layer as workspacesLayer } from "../workspaces/Workspaces"
import { AgentTask, AgentTaskInvalid, AgentTaskNotFound, type CreateAgentTask } from "./AgentTasksApi"
import * as Repo from "./AgentTasksRepo"
import { dateOfOrigin, placeAfterOrigin } from "./NotePlacement"
import { agentTaskSessionKey } from "../gateway/SessionKeys"

const CONCURRENT_TASKS = 2

export const TASK_PROMPT =
  "You are carrying out a task the user wrote in their Carabase daily note. Do what the instruction asks, then answer " +
  "with the result in Markdown: it is added to that note as it is."

export interface AgentTasksShape {
  readonly create: (
    input: CreateAgentTask
  ) => Effect.Effect<AgentTask, AgentTaskInvalid | GatewayUnconfigured | ModelRouteUnusable, CurrentWorkspace>
  readonly list: Effect.Effect<ReadonlyArray<AgentTask>, never, CurrentWorkspace>
  readonly get: (id: string) => Effect.Effect<AgentTask, AgentTaskNotFound, CurrentWorkspace>
}

export class AgentTasks extends Context.Tag("carabase/AgentTasks")<AgentTasks, AgentTasksShape>() {}

const toTask = (row: Repo.TaskRow) =>
  new AgentTask({
    id: row.id,
    instruction: row.instruction,
    originBlockId: row.originBlockId,
    provider: "openclaw",
    agentId: row.agentId,
    status: row.status === "pending" ? "queued" : row.status,
    result: row.result,
    error: row.error,
    noteDate: row.noteDate,
    createdAt: DateTime.unsafeFromDate(row.createdAt),
    updatedAt: DateTime.unsafeFromDate(row.updatedAt)
  })

export const layer = Layer.scoped(
  AgentTasks,
  Effect.gen(function* () {
    const repo = yield* Repo.make
    const rls = yield* RlsScope
    const gateway = yield* Gateway
    const calls = yield* ModelCalls
    const notes = yield* Notes
    const workspaces = yield* Workspaces
    const running = yield* FiberSet.make()
    const permits = yield* Effect.makeSemaphore(CONCURRENT_TASKS)

    /** Writes a logCard for the task into its note, after the origin block; a second write of the same task is a no-op. */
    const writeCard = (row: Repo.TaskRow, date: NoteDate, markdown: string) =>
      Effect.gen(function* () {
        const { timestamp } = yield* notes.now
        const key = `agent-task:${row.id}`
        const card = makeLogCard({
          timestamp,
          content: markdownToBlocks(markdown),
          folios: [],
          tags: ["agent"],
          idempotencyKey: key
        })
        yield* notes
          .edit(date, { create: true }, (note) =>
            Effect.succeed(
              hasIdempotencyKey(note.document, key)
                ? { result: undefined }
                : { document: placeAfterOrigin(note.document, date, row.originBlockId, card), result: undefined }
            )
          )
          .pipe(Writer.as("agent", row.agentId))
      })

    const run = (workspaceId: WorkspaceId, row: Repo.TaskRow, date: NoteDate, target: Target) =>
      Effect.gen(function* () {
        yield* rls.run(workspaceId, repo.started(row.id))
        const answer = yield* calls
          .streamOn(target, {
            messages: [
              { role: "system", content: TASK_PROMPT },
              { role: "user", content: row.instruction }
            ],
            sessionKey: agentTaskSessionKey(workspaceId, row.id)
          })
          .pipe(
            Effect.flatMap((deltas) => Stream.runFold(deltas, "", (text, delta) => text + delta)),
            Effect.scoped
          )
        const result = answer.trim() === "" ? "(the agent answered with no text)" : answer.trim()
        yield* writeCard(row, date, `Agent task: ${row.instruction}\n\n${result}`)
        yield* rls.run(workspaceId, repo.succeeded(row.id, result))
        yield* Effect.logInfo("agent task succeeded")
      }).pipe(
        Effect.catchAll((error) =>
          Effect.gen(function* () {
            yield* Effect.logWarning("agent task failed").pipe(Effect.annotateLogs({ error: error._tag }))
            yield* writeCard(row, date, `Agent task failed: ${row.instruction}\n\n${error.message}`).pipe(
              Effect.catchAll(() => Effect.void)
            )
            yield* rls.run(workspaceId, repo.failed(row.id, error.message))
          })
        ),
        permits.withPermits(1),
        Effect.onInterrupt(() =>
          rls.run(workspaceId, repo.failed(row.id, "the host stopped before this task finished: create the task again"))
        ),
        Effect.provideService(CurrentWorkspace, workspaceId),
        Effect.catchAllCause((cause) => Effect.logError("agent task could not be recorded", cause)),
        Effect.annotateLogs({ service: "AgentTasks", task: row.id }),
        Effect.withSpan("AgentTasks.run")
      )

    const create = Effect.fn("AgentTasks.create")(function* (input: CreateAgentTask) {
      const workspaceId = yield* CurrentWorkspace
      const target = yield* calls.target("chat", { agentId: input.agentId ?? undefined })
      const date = input.date ?? dateOfOrigin(input.originBlockId) ?? (yield* notes.now).date
      if (!isCalendarDate(date)) {
        return yield* AgentTaskInvalid.notACalendarDay(date)
      }
      const row = yield* rls.current(
        repo.create({
          instruction: input.instruction,
          originBlockId: input.originBlockId ?? null,
          // The agent asked; a task on another provider's route records the agent it would have gone to.
          agentId:
            target.provider === "openclaw" ? agentIdOfModel(target.model) : (input.agentId ?? gateway.config.agentId),
          noteDate: date
        })
      )
      yield* FiberSet.run(running, run(workspaceId, row, date as NoteDate, target))
      return toTask(row)
    })

    // A crash (not a shutdown, which marks running tasks failed) can leave tasks queued or running: resume them.
    const recover = Effect.gen(function* () {
      for (const workspace of yield* workspaces.list) {
        const rows = yield* rls.run(workspace.id, repo.list)
        for (const row of rows.filter((task) => task.status === "queued" || task.status === "running")) {
          const date = (row.noteDate ?? (yield* notes.now).date) as NoteDate
          const target = yield* Effect.either(
            calls.target("chat", { agentId: row.agentId }).pipe(Effect.provideService(CurrentWorkspace, workspace.id))
          )
          if (target._tag === "Left") {
            yield* rls.run(workspace.id, repo.failed(row.id, target.left.message))
            continue
          }
          yield* Effect.logInfo("resuming an agent task left unfinished by a crash").pipe(
            Effect.annotateLogs({ service: "AgentTasks", task: row.id })
          )
          yield* FiberSet.run(running, run(workspace.id, row, date, target.right))
        }
      }
    }).pipe(Effect.catchAllCause((cause) => Effect.logError("agent task recovery failed", cause)))
    yield* whenBackgroundWork(Effect.forkScoped(recover))

    return {
      create,
      list: repo.list.pipe(Effect.map((rows) => rows.map(toTask))),
      get: (id) =>
        repo.find(id).pipe(
          Effect.flatMap(
            Option.match({
              onNone: () => Effect.fail(AgentTaskNotFound.of(id)),
              onSome: (row) => Effect.succeed(toTask(row))
            })
          )
        )
    } satisfies AgentTasksShape
  })
).pipe(Layer.provide([notesLayer, workspacesLayer, modelCallsLayer]))
