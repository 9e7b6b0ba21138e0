// Declaration of the backup routes: the env's backups with the newest one's age (as `carabase backup:status` judges
// it), and a backup run now through the backup job. Imports only effect and @effect/platform (the web UI bundles it).
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { RunView } from "../jobs/JobsApi"
import { WorkspaceMiddleware } from "../workspaces/WorkspacesApi"

export const BackupView = Schema.Struct({
  /** The file below CARABASE_BACKUP_DIR: `<env>/<YYYY-MM-DD>/<timestamp>.sql.gz.enc`. */
  file: Schema.String,
  takenAt: Schema.DateTimeUtc,
  bytes: Schema.Number
})

/** How many backups the list shows, newest first; `count` says how many there are. */
export const BACKUP_LIST_LIMIT = 50

export const BackupsStatus = Schema.Struct({
  env: Schema.String,
  /** PASS under 30 h, WARN up to 72 h, FAIL beyond that or with no backup (as `backup:status`). */
  verdict: Schema.Literal("PASS", "WARN", "FAIL"),
  newestAgeHours: Schema.NullOr(Schema.Number),
  newest: Schema.NullOr(BackupView),
  count: Schema.Number,
  backups: Schema.Array(BackupView),
  /** The newest run of the backup job as this workspace sees it (every workspace records the host-wide run). */
  lastRun: Schema.NullOr(RunView)
})

export class BackupsApi extends HttpApiGroup.make("backups")
  .add(HttpApiEndpoint.get("status", "/backups").addSuccess(BackupsStatus))
  /**
   * Queues the backup job (backup, then prune) now; a run already queued absorbs it. Follow it with GET /backups:
   * `lastRun` turns `running`, then `succeeded` or `failed` with the reason.
   */
  .add(
    HttpApiEndpoint.post("run", "/backups").addSuccess(
      Schema.Struct({ queued: Schema.Literal(true), job: Schema.Literal("backup"), requestedAt: Schema.DateTimeUtc }),
      { status: 202 }
    )
  )
  .middleware(WorkspaceMiddleware)
  .prefix("/api/v1") {}
