// Whether this process does the host's background work. A host normally does (the default); a second process on the
// same database that must only answer requests, such as the new release `carabase upgrade` smoke-tests beside the
// running one, sets CARABASE_BACKGROUND_WORK=false so that it never touches the running host's work: no job workers,
// schedules or recovery of jobs "cut off" (they are the running host's, not cut off), no reply worker and no requeue of
// its chat events, no recovery of its imports and agent tasks, no harvest, re-index, extraction or OCR sweeps.
import { Config, Effect } from "effect"

export const backgroundWorkConfig = Config.boolean("CARABASE_BACKGROUND_WORK").pipe(Config.withDefault(true))

/** `work` when this process does background work, else nothing. */
export const whenBackgroundWork = <A, E, R>(work: Effect.Effect<A, E, R>) =>
  Effect.flatMap(backgroundWorkConfig, (on) => (on ? Effect.asVoid(work) : Effect.void))
