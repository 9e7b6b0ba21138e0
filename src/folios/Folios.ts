// The folios service (placeholder until implemented).
import { Context, Layer } from "effect"

export interface FoliosShape {}

export class Folios extends Context.Tag("carabase/Folios")<Folios, FoliosShape>() {}

export const layer = Layer.succeed(Folios, {})
