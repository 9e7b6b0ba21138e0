// Handlers of the settings group.
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { CarabaseApi } from "../Api"
import { Settings } from "./Settings"

export const SettingsHttpLive = HttpApiBuilder.group(CarabaseApi, "settings", (handlers) =>
  Effect.map(Settings, (settings) =>
    handlers.handle("get", () => settings.get).handle("merge", ({ payload }) => settings.merge(payload))
  )
)
