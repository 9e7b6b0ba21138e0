// MCP tools that change or remove a memory, calling the Memories service as PATCH and DELETE /memories/:id do. Both
// are opt-in: off in a workspace until its `mcp_tools` setting turns them on. A delete goes to the trash.
import { Effect, Schema } from "effect"
import { Memories } from "../../memories/Memories"
import { MemoryId } from "../../memories/MemoriesApi"
import { REMOVING, tool, UPDATING } from "../Tool"
import { textArg } from "./Arguments"
import { failWith } from "./Resolve"

const memoryId = MemoryId.annotations({ description: "the memory's id (from search_memories or create_memory)" })

export const memoryTools = [
  tool({
    name: "update_memory",
    title: "Change a memory",
    description:
      "Replaces a memory's content and indexes it again for search. Off unless the owner turned it on for this workspace.",
    input: Schema.Struct({
      memory_id: memoryId,
      content: textArg("content").pipe(
        Schema.maxLength(20_000),
        Schema.filter((content) => content.trim() !== "" || "content must not be blank")
      )
    }),
    annotations: UPDATING,
    optIn: true,
    run: ({ content, memory_id }) =>
      Effect.flatMap(Memories, (memories) =>
        Effect.map(failWith(memories.update(memory_id, content.trim())), (memory) => ({ memory }))
      )
  }),
  tool({
    name: "delete_memory",
    title: "Delete a memory",
    description:
      "Moves a memory to the workspace's trash, where the owner can restore it for 30 days. Off unless the owner turned it on for this workspace.",
    input: Schema.Struct({ memory_id: memoryId }),
    annotations: REMOVING,
    optIn: true,
    run: ({ memory_id }) =>
      Effect.flatMap(Memories, (memories) =>
        Effect.map(failWith(memories.remove(memory_id, "mcp:delete_memory")), (trashId) => ({ trashId }))
      )
  })
]
