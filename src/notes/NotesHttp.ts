// Handlers of the daily-notes group: each one translates the request for the Notes service.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { Notes } from "./Notes"

export const NotesHttpLive = HttpApiBuilder.group(CarabaseApi, "notes", (handlers) =>
  Effect.map(Notes, (notes) =>
    handlers
      .handle("get", ({ path }) => notes.get(path.date))
      .handle("text", ({ path }) => notes.text(path.date))
      .handle("replace", ({ path, payload }) => notes.replace(path.date, payload.documentState))
      .handle("inject", ({ payload }) =>
        Effect.map(
          "block" in payload
            ? notes.appendBlock({ block: payload.block, date: payload.date, idempotencyKey: payload.idempotencyKey })
            : notes.appendLogEntry({
                content: payload.content,
                folio: payload.folio,
                tags: payload.tags,
                date: payload.date,
                idempotencyKey: payload.idempotencyKey
              }),
          ({ date, duplicate }) => ({ success: true as const, date, duplicate })
        )
      )
  )
)
