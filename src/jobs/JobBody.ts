// What a job does. A workspace job's body runs once per workspace with that workspace as CurrentWorkspace, so every
// service it calls works inside the workspace's RLS scope on the app pool. A host job (backup) runs once.
import { Context, Data, Effect, Layer } from "effect"
import type { CurrentWorkspace } from "../workspaces/CurrentWorkspace"
import type { JobName } from "./JobCatalog"

export type Outcome =
  { readonly status: "succeeded"; readonly detail?: string } | { readonly status: "skipped"; readonly reason: string }

export class JobError extends Data.TaggedError("JobError")<{ readonly message: string }> {}

export type JobBody =
  | { readonly scope: "workspace"; readonly run: Effect.Effect<Outcome, JobError, CurrentWorkspace> }
  | { readonly scope: "host"; readonly run: Effect.Effect<Outcome, JobError> }

export class JobBodies extends Context.Tag("carabase/JobBodies")<JobBodies, ReadonlyMap<JobName, JobBody>>() {}

export const skipped = (reason: string): Outcome => ({ status: "skipped", reason })

/** Bodies that come with later features record their runs as skipped, with the reason. */
export const placeholderLayer = Layer.succeed(
  JobBodies,
  new Map<JobName, JobBody>([
    [
      "github-sync",
      { scope: "workspace", run: Effect.succeed(skipped("no GitHub connection: connectors are not set up yet")) }
    ],
    ["backup", { scope: "host", run: Effect.succeed(skipped("backups come with the operator CLI")) }],
    [
      "memory-distill",
      { scope: "workspace", run: Effect.succeed(skipped("the agent gateway is not wired to jobs yet")) }
    ],
    [
      "folio-synthesis",
      { scope: "workspace", run: Effect.succeed(skipped("the agent gateway is not wired to jobs yet")) }
    ],
    ["dream-cycle", { scope: "workspace", run: Effect.succeed(skipped("the agent gateway is not wired to jobs yet")) }],
    ["corpus-curation", { scope: "workspace", run: Effect.succeed(skipped("curation is not wired yet")) }],
    ["harvest", { scope: "workspace", run: Effect.succeed({ status: "succeeded", detail: "writes index themselves" }) }]
  ])
)
