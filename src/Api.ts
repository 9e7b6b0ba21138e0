// The whole HTTP API, declared once. The server implements it, the web UI and tests derive their client from it.
// Every endpoint's body and query are strict (src/schema/StrictInput): applied here to each declared endpoint, so a
// new one cannot forget it. Inbound webhooks are not part of this API and stay lenient (platforms add fields).
import { HttpApi, type HttpApiEndpoint, type HttpApiGroup, OpenApi } from "@effect/platform"
import { Context, Option, Record } from "effect"
import { AgentTasksApi } from "./agent/AgentTasksApi"
import { ArtifactsApi } from "./artifacts/ArtifactsApi"
import { BackupsApi } from "./backups/BackupsApi"
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
import { NotesApi } from "./notes/NotesApi"
import { PortabilityApi } from "./portability/PortabilityApi"
import { SearchApi } from "./search/SearchApi"
import { SettingsApi } from "./settings/SettingsApi"
import { TasksApi } from "./tasks/TasksApi"
import { TrashApi } from "./trash/TrashApi"
import { WorkspacesApi } from "./workspaces/WorkspacesApi"
import { strict } from "./schema/StrictInput"

const strictEndpoint = (endpoint: HttpApiEndpoint.HttpApiEndpoint.AnyWithProps): HttpApiEndpoint.HttpApiEndpoint.Any =>
  Object.assign(Object.create(Object.getPrototypeOf(endpoint) as object) as object, endpoint, {
    payloadSchema: Option.map(endpoint.payloadSchema, strict),
    urlParamsSchema: Option.map(endpoint.urlParamsSchema, strict)
  }) as HttpApiEndpoint.HttpApiEndpoint.Any

/** The same API, with every endpoint's payload and query parameters refusing keys they do not declare. */
const strictInputs = <Api extends HttpApi.HttpApi.Any>(api: Api): Api => {
  const declared = api as unknown as HttpApi.HttpApi.AnyWithProps
  return Object.values(declared.groups).reduce((strictApi, group) => {
    const copy = group.annotateContext(Context.empty()) as HttpApiGroup.HttpApiGroup.AnyWithProps
    Object.assign(copy, { endpoints: Record.map(group.endpoints, strictEndpoint) })
    return strictApi.add(copy) as unknown as HttpApi.HttpApi.AnyWithProps
  }, declared) as unknown as Api
}

export class CarabaseApi extends strictInputs(
  HttpApi.make("carabase")
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
    .add(DoctorApi)
    .add(BackupsApi)
).annotate(OpenApi.Title, "Carabase host API") {}
