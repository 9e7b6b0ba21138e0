// Per-workspace settings: one JSON object per workspace, merged key by key on update.
import { Context, Effect, Layer, Schema } from "effect"
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
    const settingsOf = (rows: ReadonlyArray<{ settings: unknown }>) =>
      decode(rows[0]?.settings ?? {}).pipe(Effect.orDie)
    return {
      get: rls.current(
        sql<{ settings: unknown }>`select settings from workspace_settings`.pipe(
          Effect.orDie,
          Effect.flatMap(settingsOf)
        )
      ),
      merge: (partial) =>
        rls.current(
          sql<{ settings: unknown }>`
            insert into workspace_settings (settings) values (${JSON.stringify(partial)}::jsonb)
            on conflict (workspace_id)
              do update set settings = workspace_settings.settings || excluded.settings, updated_at = now()
            returning settings
          `.pipe(Effect.orDie, Effect.flatMap(settingsOf))
        )
    } satisfies SettingsShape
  })
)
