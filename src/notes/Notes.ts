// The notes service (placeholder until implemented).
import { Context, Layer } from "effect"

export interface NotesShape {}

export class Notes extends Context.Tag("carabase/Notes")<Notes, NotesShape>() {}

export const layer = Layer.succeed(Notes, {})
