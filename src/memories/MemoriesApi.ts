// Declaration of the memories routes: short facts, embedded for semantic recall. Imports only effect and
// @effect/platform.
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export class Memory extends Schema.Class<Memory>("Memory")({
  id: Schema.String,
  content: Schema.String,
  createdAt: Schema.DateTimeUtc
}) {}

export const MemoryContent = Schema.Trim.pipe(
  Schema.minLength(1, { message: () => "content must not be empty" }),
  Schema.maxLength(20_000, { message: () => "content must be at most 20000 characters" })
)

export class MemoriesApi extends HttpApiGroup.make("memories")
  .add(
    HttpApiEndpoint.get("list", "/memories")
      .setUrlParams(
        Schema.Struct({
          /** Ranks memories by hybrid (full-text and semantic) relevance instead of recency. */
          search: Schema.optional(
            Schema.String.pipe(Schema.maxLength(1000, { message: () => "search must be at most 1000 characters" }))
          ),
          limit: Schema.optional(
            Schema.NumberFromString.pipe(
              Schema.int({ message: () => "limit must be an integer from 1 to 100" }),
              Schema.between(1, 100, { message: () => "limit must be an integer from 1 to 100" })
            )
          )
        })
      )
      .addSuccess(Schema.Struct({ memories: Schema.Array(Memory) }))
  )
  .add(
    HttpApiEndpoint.post("create", "/memories")
      .setPayload(
        Schema.Struct({
          content: MemoryContent,
          source: Schema.optional(
            Schema.NullOr(
              Schema.String.pipe(Schema.maxLength(500, { message: () => "source must be at most 500 characters" }))
            )
          )
        })
      )
      .addSuccess(Schema.Struct({ memory: Memory }), { status: 201 })
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
