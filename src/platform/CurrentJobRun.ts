// The job_runs id of the workspace run a job body is part of, set by the scheduler around the body (null outside of
// one): what the body's writes cite as their provenance.
import { FiberRef } from "effect"

export const currentJobRun = FiberRef.unsafeMake<string | null>(null)
