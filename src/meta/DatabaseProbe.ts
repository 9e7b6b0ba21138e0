// Answers "does the app pool answer?" for the health check.
import { Context, Effect, Layer } from "effect"

export class DatabaseProbe extends Context.Tag("carabase/DatabaseProbe")<
  DatabaseProbe,
  { readonly check: Effect.Effect<"up" | "down"> }
>() {}

/** Before the database layer exists the host reports the database as down. */
export const unavailable = Layer.succeed(DatabaseProbe, { check: Effect.succeed("down" as const) })
