// What a job does. A workspace job's body runs once per workspace with that workspace as CurrentWorkspace, so every
// service it calls works inside the workspace's RLS scope on the app pool. A host job (backup) runs once.
import { Context, Data, type Effect } from "effect"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import type { JobName } from "./JobCatalog"

export type Outcome =
  { readonly status: "succeeded"; readonly detail?: string } | { readonly status: "skipped"; readonly reason: string }

export class JobError extends Data.TaggedError("JobError")<{ readonly message: string }> {}

export type JobBody =
  | { readonly scope: "workspace"; readonly run: Effect.Effect<Outcome, JobError, CurrentWorkspace> }
  | { readonly scope: "host"; readonly run: Effect.Effect<Outcome, JobError> }

export class JobBodies extends Context.Tag("carabase/JobBodies")<JobBodies, ReadonlyMap<JobName, JobBody>>() {}

export const skipped = (reason: string): Outcome => ({ status: "skipped", reason })
