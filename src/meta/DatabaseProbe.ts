// Answers "does the app pool answer?" for the health check, within a short bound.
import { Context, Effect, Layer } from "effect"
import { AppDb } from "../platform/Db"

export class DatabaseProbe extends Context.Tag("carabase/DatabaseProbe")<
  DatabaseProbe,
  { readonly check: Effect.Effect<"up" | "down"> }
>() {}

export const layer = Layer.effect(
  DatabaseProbe,
  Effect.map(AppDb, (sql) => ({
    check: sql`select 1`.pipe(
      Effect.as("up" as const),
      Effect.timeoutFail({ duration: "1500 millis", onTimeout: () => "timeout" }),
      Effect.orElseSucceed(() => "down" as const)
    )
  }))
)
