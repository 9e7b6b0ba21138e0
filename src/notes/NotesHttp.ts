// Handlers of the notes group (placeholder until implemented).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../http/Api"

export const NotesHttpLive = HttpApiBuilder.group(CarabaseApi, "notes", (handlers) => Effect.succeed(handlers))
