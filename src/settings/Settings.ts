// Per-workspace settings: one JSON object per workspace, merged key by key on update.
import { SqlSchema } from "@effect/sql"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { AppDb } from "../platform/Db"
import { RlsScope } from "../platform/RlsScope"
import type { CurrentWorkspace } from "../platform/CurrentWorkspace"
import { WorkspaceSettings } from "./SettingsApi"

export interface SettingsShape {
  readonly get: Effect.Effect<WorkspaceSettings, never, CurrentWorkspace>
  readonly merge: (partial: WorkspaceSettings) => Effect.Effect<WorkspaceSettings, never, CurrentWorkspace>
}

export class Settings extends Context.Tag("carabase/Settings")<Settings, SettingsShape>() {}

const decode = Schema.decodeUnknown(WorkspaceSettings)

export const layer = Layer.effect(
  Settings,
  Effect.gen(function* () {
    const sql = yield* AppDb
    const rls = yield* RlsScope
    // Stored settings were validated on the way in; a row that no longer decodes is a defect, not a client error.
    const settingsOf = (row: Option.Option<{ readonly settings: unknown }>) =>
      decode(Option.match(row, { onNone: () => ({}), onSome: (found) => found.settings ?? {} })).pipe(Effect.orDie)
    const SettingsRow = Schema.Struct({ settings: Schema.Unknown })
    const stored = SqlSchema.findOne({
      Request: Schema.Void,
      Result: SettingsRow,
      execute: () => sql`select settings from workspace_settings`
    })
    const merged = SqlSchema.findOne({
      Request: Schema.String,
      Result: SettingsRow,
      execute: (partial) => sql`
        insert into workspace_settings (settings) values (${partial}::jsonb)
        on conflict (workspace_id)
          do update set settings = workspace_settings.settings || excluded.settings, updated_at = now()
        returning settings
      `
    })
    return {
      get: rls.current(stored(undefined).pipe(Effect.orDie, Effect.flatMap(settingsOf))),
      merge: (partial) => rls.current(merged(JSON.stringify(partial)).pipe(Effect.orDie, Effect.flatMap(settingsOf)))
    } satisfies SettingsShape
  })
)
