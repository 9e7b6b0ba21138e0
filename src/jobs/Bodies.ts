// The job bodies, built from the host's own services. Every job works on one workspace at a time (as that workspace,
// under RLS) except backup, which dumps the whole database once: the one host-wide job.
import { Clock, Config, Effect, Layer } from "effect"
import { layer as artifactsLayer } from "../artifacts/Artifacts"
import { backupDirConfig, createBackup } from "../backups/Backups"
import { pruneBackups } from "../backups/Prune"
import { layer as connectionsLayer } from "../connectors/Connections"
import { layer as syncRoutingLayer } from "../connectors/SyncRouting"
import { Curation, layer as curationLayer } from "../curation/Curation"
import { layer as foliosLayer } from "../folios/Folios"
import { layer as extractionLayer } from "../graph/Extraction"
import { layer as graphLayer } from "../graph/Graph"
import { Harvest, layer as harvestLayer } from "../harvest/Harvest"
import { layer as liveUpdatesLayer } from "../live/LiveUpdates"
import { layer as memoriesLayer } from "../memories/Memories"
import { layer as modelCallsLayer } from "../models/ModelCalls"
import { NoteHistory, layer as noteHistoryLayer } from "../notes/NoteHistory"
import { layer as notesLayer } from "../notes/Notes"
import { dreamCycle } from "./bodies/DreamCycle"
import { entityExtraction } from "./bodies/EntityExtraction"
import { folioSynthesis } from "./bodies/FolioSynthesis"
import { githubSync } from "./bodies/GitHubSync"
import { gmailSync } from "./bodies/GmailSync"
import { googleCalendarSync } from "./bodies/GoogleCalendarSync"
import { memoryDistill } from "./bodies/MemoryDistill"
import { Crypto } from "../platform/Crypto"
import { HostEnv } from "../platform/HostEnv"
import { TRASH_RETENTION_DAYS } from "../trash/TrashApi"
import { TrashRepo, layer as trashRepoLayer } from "../trash/TrashRepo"
import { JobBodies, JobError, type JobBody } from "./JobBody"
import type { JobName } from "./JobCatalog"
import * as Scheduler from "./Scheduler"

/** The bodies, with the services they call. */
export const layer = Layer.effect(
  JobBodies,
  Effect.gen(function* () {
    const curation = yield* Curation
    const harvest = yield* Harvest
    const trash = yield* TrashRepo
    const history = yield* NoteHistory
    const crypto = yield* Crypto
    const hostEnv = yield* HostEnv
    const databaseUrl = yield* Config.redacted("DATABASE_URL")
    const backupDir = yield* backupDirConfig
    const distill = yield* memoryDistill
    const synthesis = yield* folioSynthesis
    const dream = yield* dreamCycle
    const github = yield* githubSync
    const calendar = yield* googleCalendarSync
    const gmail = yield* gmailSync
    const extraction = yield* entityExtraction
    return new Map<JobName, JobBody>([
      ["github-sync", github],
      ["google-calendar-sync", calendar],
      ["gmail-sync", gmail],
      [
        "backup",
        {
          scope: "host",
          run: createBackup({ crypto, databaseUrl, dir: backupDir, env: hostEnv.name }).pipe(
            Effect.flatMap((result) =>
              Effect.map(pruneBackups({ dir: backupDir, env: hostEnv.name }), (pruned) => ({
                status: "succeeded" as const,
                detail: `${result.file}; pruned ${pruned.removed.length}, kept ${pruned.kept.length}`
              }))
            ),
            Effect.mapError((error) => new JobError({ message: error.message }))
          )
        }
      ],
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
        "trash-purge",
        {
          scope: "workspace",
          run: Clock.currentTimeMillis.pipe(
            Effect.flatMap((now) => trash.purgeExpired(new Date(now))),
            Effect.map((count) => ({
              status: "succeeded" as const,
              detail: `${count} trash entr${count === 1 ? "y" : "ies"} older than ${TRASH_RETENTION_DAYS} days purged`
            }))
          )
        }
      ],
      [
        "note-revisions",
        {
          scope: "workspace",
          run: Clock.currentTimeMillis.pipe(
            Effect.flatMap((now) => history.prune(new Date(now))),
            Effect.map((count) => ({ status: "succeeded" as const, detail: `${count} old note revision(s) dropped` }))
          )
        }
      ],
      ["entity-extraction", extraction],
      [
        "harvest",
        {
          scope: "workspace",
          run: Effect.map(harvest.refreshWorkspace, (count) => ({
            status: "succeeded" as const,
            detail: `${count} chunk(s) embedded`
          }))
        }
      ]
    ])
  })
).pipe(
  Layer.provide([
    curationLayer,
    harvestLayer,
    liveUpdatesLayer,
    notesLayer,
    noteHistoryLayer,
    foliosLayer,
    memoriesLayer,
    modelCallsLayer,
    artifactsLayer,
    graphLayer,
    extractionLayer,
    connectionsLayer,
    syncRoutingLayer,
    trashRepoLayer
  ])
)

/** The scheduler running these bodies: the jobs feature as the host runs it (tests give Scheduler.layer their own). */
export const schedulerLayer = Scheduler.layer.pipe(Layer.provide(layer))
