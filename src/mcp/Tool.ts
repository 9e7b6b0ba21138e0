// What an MCP tool is here: a name, a description, an Effect Schema for its arguments (published as JSON Schema),
// truthful annotations, and an Effect that runs as the session's workspace through the same services as REST.
import { JSONSchema, Schema, type Effect } from "effect"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"

/** A failure the agent should see and can act on; it becomes an MCP tool result with `isError: true`. */
export class ToolFailure extends Schema.TaggedError<ToolFailure>()("ToolFailure", { message: Schema.String }) {}

export interface ToolAnnotations {
  readonly readOnlyHint: boolean
  readonly destructiveHint: boolean
  readonly idempotentHint: boolean
}

export interface ToolDefinition<R> {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly input: Schema.Schema<any, any, never>
  readonly annotations: ToolAnnotations
  /**
   * Off in every workspace unless its `mcp_tools` setting maps the tool's name to true: the destructive tools, since
   * an agent can do whatever a tool allows. Other tools are on unless mapped to false.
   */
  readonly optIn?: boolean
  readonly run: (args: any) => Effect.Effect<unknown, ToolFailure, R | CurrentWorkspace>
}

export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true }
/** Adds something new; calling it twice adds it twice. */
export const ADDITIVE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false }
/** Changes existing data in place; repeating the same call leaves the same state. */
export const UPDATING: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: true }
/** Removes something (to the trash); a second call finds nothing to remove. */
export const REMOVING: ToolAnnotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: false }

export const tool = <A, I, R>(definition: {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly input: Schema.Schema<A, I, never>
  readonly annotations: ToolAnnotations
  readonly optIn?: boolean
  readonly run: (args: A) => Effect.Effect<unknown, ToolFailure, R | CurrentWorkspace>
}): ToolDefinition<R> => definition

/** Whether a tool is on, given a workspace's `mcp_tools` switches: opt-in tools only when set to true. */
export const isOn = (definition: ToolDefinition<unknown>, switches: ReadonlyMap<string, unknown>) =>
  definition.optIn === true ? switches.get(definition.name) === true : switches.get(definition.name) !== false

export const inputJsonSchema = (schema: Schema.Schema<any, any, never>) => {
  const json = JSONSchema.make(schema) as unknown as Record<string, unknown>
  delete json.$schema
  return json.type === "object" ? json : { type: "object", properties: {}, ...json }
}
