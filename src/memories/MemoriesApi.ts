// Declaration of the memories routes: short facts, embedded for semantic recall. Imports effect, @effect/platform
// and the shared text schemas of the notes declaration.
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { stringId, uuidId } from "../schema/Ids"
import { PageCursor } from "../schema/PageCursor"
import { bounded, storable } from "../schema/TextSchemas"
import { Trashed } from "../trash/TrashApi"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const MemoryId = uuidId("MemoryId")
export type MemoryId = typeof MemoryId.Type

export class Memory extends Schema.Class<Memory>("Memory")({
  id: stringId("MemoryId"),
  content: Schema.String,
  createdAt: Schema.DateTimeUtc
}) {}

export const MemoryContent = bounded("content", 20_000)

export class MemoryNotFound extends Schema.TaggedError<MemoryNotFound>()(
  "MemoryNotFound",
  { message: Schema.String, memoryId: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {
  static of(memoryId: string) {
    return new MemoryNotFound({ memoryId, message: `memory ${memoryId} does not exist in this workspace` })
  }
}

const MemoryPath = Schema.Struct({ id: MemoryId.annotations({ message: () => "the memory id must be a UUID" }) })

export class MemoriesApi extends HttpApiGroup.make("memories")
  .add(
    HttpApiEndpoint.get("list", "/memories")
      .setUrlParams(
        Schema.Struct({
          /** Ranks memories by hybrid (full-text and semantic) relevance instead of recency. */
          search: Schema.optional(
            Schema.String.pipe(
              Schema.maxLength(1000, { message: () => "search must be at most 1000 characters" }),
              storable("search")
            )
          ),
          limit: Schema.optional(
            Schema.NumberFromString.pipe(
              Schema.int({ message: () => "limit must be an integer from 1 to 100" }),
              Schema.between(1, 100, { message: () => "limit must be an integer from 1 to 100" })
            )
          ),
          /** The previous page's `nextCursor` (newest-first listing only; a ranked search answers one page). */
          cursor: Schema.optional(PageCursor)
        })
      )
      .addSuccess(
        Schema.Struct({
          memories: Schema.Array(Memory),
          /** The `cursor` of the next page, newest first; null on the last page and for a search. */
          nextCursor: Schema.NullOr(Schema.String)
        })
      )
  )
  .add(
    HttpApiEndpoint.get("get", "/memories/:id")
      .setPath(MemoryPath)
      .addSuccess(Schema.Struct({ memory: Memory }))
      .addError(MemoryNotFound)
  )
  .add(
    HttpApiEndpoint.post("create", "/memories")
      .setPayload(
        Schema.Struct({
          content: MemoryContent,
          source: Schema.optional(
            Schema.NullOr(
              Schema.String.pipe(
                Schema.maxLength(500, { message: () => "source must be at most 500 characters" }),
                storable("source")
              )
            )
          )
        })
      )
      .addSuccess(Schema.Struct({ memory: Memory }), { status: 201 })
  )
  .add(
    HttpApiEndpoint.patch("update", "/memories/:id")
      .setPath(MemoryPath)
      .setPayload(Schema.Struct({ content: MemoryContent }))
      .addSuccess(Schema.Struct({ memory: Memory }))
      .addError(MemoryNotFound)
  )
  .add(HttpApiEndpoint.del("remove", "/memories/:id").setPath(MemoryPath).addSuccess(Trashed).addError(MemoryNotFound))
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
