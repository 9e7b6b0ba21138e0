// Compile-time checks of the branded ids, run by `tsc --noEmit` (the typecheck gate; this file has no tests and
// vitest does not load it): each @ts-expect-error line must stay an error, or tsc fails on the unused directive.
import type { ArtifactId } from "../../src/artifacts/ArtifactsApi"
import type { ChatSessionId } from "../../src/chat/ChatApi"
import type { FolioId } from "../../src/folios/FoliosApi"
import type { EntityId } from "../../src/graph/GraphApi"
import type { GraphShape } from "../../src/graph/Graph"
import type { MemoriesShape } from "../../src/memories/Memories"
import type { MemoryId } from "../../src/memories/MemoriesApi"
import type { TrashShape } from "../../src/trash/Trash"

declare const memories: MemoriesShape
declare const graph: GraphShape
declare const trash: TrashShape
declare const memoryId: MemoryId
declare const entityId: EntityId

export const checks = [
  memories.update(memoryId, "text"),
  graph.getEntity(entityId),
  // @ts-expect-error a plain string is not a memory id: decode it first
  memories.update("6f1c1f47-35f5-4bd4-9bd9-1d1dbd0b7c6e", "text"),
  // @ts-expect-error an entity id is not a memory id
  memories.remove(entityId, "test"),
  // @ts-expect-error a memory id is not an entity id
  graph.getEntity(memoryId),
  // @ts-expect-error a memory id is not a trash entry's id
  trash.purge(memoryId)
]

// Every branded id is still a string where a string is wanted (logs, messages, live notices).
export const asText = (id: ArtifactId | ChatSessionId | FolioId | EntityId | MemoryId): string => id
