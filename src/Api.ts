// The whole HTTP API, declared once. The server implements it, the web UI and tests derive their client from it.
import { HttpApi, OpenApi } from "@effect/platform"
import { AgentTasksApi } from "./agent/AgentTasksApi"
import { ArtifactsApi } from "./artifacts/ArtifactsApi"
import { ChannelsApi } from "./channels/ChannelsApi"
import { ChatApi } from "./chat/ChatApi"
import { ConnectionsApi, OAuthAppsApi, OAuthCallbackApi } from "./connectors/ConnectorsApi"
import { SyncRulesApi } from "./connectors/SyncRulesApi"
import { CurationApi } from "./curation/CurationApi"
import { FoliosApi } from "./folios/FoliosApi"
import { GraphApi } from "./graph/GraphApi"
import { HarvesterDeviceSelfApi, HarvesterDevicesApi } from "./harvester/HarvesterApi"
import { JobsApi } from "./jobs/JobsApi"
import { LiveApi } from "./live/LiveApi"
import { MemoriesApi } from "./memories/MemoriesApi"
import { MetaApi } from "./meta/MetaApi"
import { ModelRoutesApi } from "./models/ModelRoutesApi"
import { NotesApi } from "./notes/NotesApi"
import { PortabilityApi } from "./portability/PortabilityApi"
import { SearchApi } from "./search/SearchApi"
import { SettingsApi } from "./settings/SettingsApi"
import { TasksApi } from "./tasks/TasksApi"
import { TrashApi } from "./trash/TrashApi"
import { WorkspacesApi } from "./workspaces/WorkspacesApi"

export class CarabaseApi extends HttpApi.make("carabase")
  .add(MetaApi)
  .add(WorkspacesApi)
  .add(SettingsApi)
  .add(NotesApi)
  .add(TasksApi)
  .add(FoliosApi)
  .add(GraphApi)
  .add(MemoriesApi)
  .add(ArtifactsApi)
  .add(SearchApi)
  .add(LiveApi)
  .add(ChatApi)
  .add(ModelRoutesApi)
  .add(AgentTasksApi)
  .add(JobsApi)
  .add(ChannelsApi)
  .add(CurationApi)
  .add(OAuthAppsApi)
  .add(ConnectionsApi)
  .add(OAuthCallbackApi)
  .add(SyncRulesApi)
  .add(HarvesterDevicesApi)
  .add(HarvesterDeviceSelfApi)
  .add(TrashApi)
  .add(PortabilityApi)
  .annotate(OpenApi.Title, "Carabase host API") {}
