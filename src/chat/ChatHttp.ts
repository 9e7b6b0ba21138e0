// Handlers of the chat group (placeholder until implemented).
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../http/Api"

export const ChatHttpLive = HttpApiBuilder.group(CarabaseApi, "chat", (handlers) => Effect.succeed(handlers))
