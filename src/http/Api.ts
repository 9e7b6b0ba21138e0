// The whole HTTP API, declared once. The server implements it, the web UI and tests derive their client from it.
import { HttpApi, OpenApi } from "@effect/platform"
import { MetaApi } from "../meta/MetaApi"
import { SettingsApi } from "../settings/SettingsApi"
import { WorkspacesApi } from "../workspaces/WorkspacesApi"

export class CarabaseApi extends HttpApi.make("carabase")
  .add(MetaApi)
  .add(WorkspacesApi)
  .add(SettingsApi)
  .annotate(OpenApi.Title, "Carabase host API") {}
