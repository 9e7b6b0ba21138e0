// The whole HTTP API, declared once. The server implements it, the web UI and tests derive their client from it.
// Every endpoint's body and query are strict (src/StrictApi.ts). Inbound webhooks are not part of this API and stay
// lenient (platforms add fields). It starts from the groups the admin UI's first chunk needs (src/ShellApi.ts).
import { OpenApi } from "@effect/platform"
import { AgentTasksApi } from "./agent/AgentTasksApi"
import { ArtifactsApi } from "./artifacts/ArtifactsApi"
import { ChannelsApi } from "./channels/ChannelsApi"
import { ChatApi } from "./chat/ChatApi"
import { ConnectionsApi, OAuthAppsApi, OAuthCallbackApi } from "./connectors/ConnectorsApi"
import { SyncRulesApi } from "./connectors/SyncRulesApi"
import { CurationApi } from "./curation/CurationApi"
import { DoctorApi } from "./doctor/DoctorApi"
import { FoliosApi } from "./folios/FoliosApi"
import { GraphApi } from "./graph/GraphApi"
import { HarvesterDeviceSelfApi, HarvesterDevicesApi } from "./harvester/HarvesterApi"
import { JobsApi } from "./jobs/JobsApi"
import { LiveApi } from "./live/LiveApi"
import { MemoriesApi } from "./memories/MemoriesApi"
import { MetaApi } from "./meta/MetaApi"
import { ModelRoutesApi } from "./models/ModelRoutesApi"
import { PortabilityApi } from "./portability/PortabilityApi"
import { SearchApi } from "./search/SearchApi"
import { SettingsApi } from "./settings/SettingsApi"
import { shellGroups } from "./ShellApi"
import { strictInputs } from "./StrictApi"

export class CarabaseApi extends strictInputs(
  shellGroups
    .add(MetaApi)
    .add(SettingsApi)
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
    .add(PortabilityApi)
    .add(DoctorApi)
).annotate(OpenApi.Title, "Carabase host API") {}
