// The job bodies, built from the host's own services. Bodies that need a later feature (GitHub connections,
// backups) record a skipped run with the reason.
import { Effect, Layer } from "effect"
import { Curation } from "../curation/Curation"
import { Harvest } from "../harvest/Harvest"
import { dreamCycle } from "./bodies/DreamCycle"
import { folioSynthesis } from "./bodies/FolioSynthesis"
import { memoryDistill } from "./bodies/MemoryDistill"
import { JobBodies, skipped, type JobBody } from "./JobBody"
import type { JobName } from "./JobCatalog"

export const layer = Layer.effect(
  JobBodies,
  Effect.gen(function* () {
    const curation = yield* Curation
    const harvest = yield* Harvest
    const distill = yield* memoryDistill
    const synthesis = yield* folioSynthesis
    const dream = yield* dreamCycle
    return new Map<JobName, JobBody>([
      [
        "github-sync",
        { scope: "workspace", run: Effect.succeed(skipped("no GitHub connection: connectors are not set up yet")) }
      ],
      ["backup", { scope: "host", run: Effect.succeed(skipped("backups come with the operator CLI")) }],
      ["memory-distill", distill],
      ["folio-synthesis", synthesis],
      ["dream-cycle", dream],
      [
        "corpus-curation",
        {
          scope: "workspace",
          run: Effect.map(curation.propose, (count) => ({
            status: "succeeded" as const,
            detail: `${count} new alias-merge suggestion(s)`
          }))
        }
      ],
      [
        "harvest",
        {
          scope: "host",
          run: Effect.map(harvest.refreshEmbeddings, (count) => ({
            status: "succeeded" as const,
            detail: `${count} chunk(s) embedded`
          }))
        }
      ]
    ])
  })
)
