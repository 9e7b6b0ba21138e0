// The memories service (placeholder until implemented).
import { Context, Layer } from "effect"

export interface MemoriesShape {}

export class Memories extends Context.Tag("carabase/Memories")<Memories, MemoriesShape>() {}

export const layer = Layer.succeed(Memories, {})
