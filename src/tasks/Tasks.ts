// The tasks service (placeholder until implemented).
import { Context, Layer } from "effect"

export interface TasksShape {}

export class Tasks extends Context.Tag("carabase/Tasks")<Tasks, TasksShape>() {}

export const layer = Layer.succeed(Tasks, {})
