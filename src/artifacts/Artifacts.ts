// The artifacts service (placeholder until implemented).
import { Context, Layer } from "effect"

export interface ArtifactsShape {}

export class Artifacts extends Context.Tag("carabase/Artifacts")<Artifacts, ArtifactsShape>() {}

export const layer = Layer.succeed(Artifacts, {})
