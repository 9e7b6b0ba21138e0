// Every page but Today, each its own chunk fetched on its first visit: a cold load of the landing page downloads and
// runs only the shell, Today and what they import (issue 29's budget). Heavy libraries used by one page (d3-force on
// Graph, the Markdown renderer on Chat) come with that page's chunk. The shell shows PageLoading meanwhile.
import { lazy } from "preact/compat"

export const ArtifactDetail = lazy(() => import("./pages/ArtifactDetail").then((m) => m.ArtifactDetail))
export const ArtifactsPage = lazy(() => import("./pages/Artifacts").then((m) => m.ArtifactsPage))
export const ChannelsPage = lazy(() => import("./pages/Channels").then((m) => m.ChannelsPage))
export const ChatPage = lazy(() => import("./pages/Chat").then((m) => m.ChatPage))
export const ConnectionsPage = lazy(() => import("./pages/Connections").then((m) => m.ConnectionsPage))
export const CurationPage = lazy(() => import("./pages/Curation").then((m) => m.CurationPage))
export const DevicesPage = lazy(() => import("./pages/Devices").then((m) => m.DevicesPage))
export const DoctorPage = lazy(() => import("./pages/Doctor").then((m) => m.DoctorPage))
export const FoliosPage = lazy(() => import("./pages/Folios").then((m) => m.FoliosPage))
export const GraphPage = lazy(() => import("./pages/Graph").then((m) => m.GraphPage))
export const JobsPage = lazy(() => import("./pages/Jobs").then((m) => m.JobsPage))
export const MemoriesPage = lazy(() => import("./pages/Memories").then((m) => m.MemoriesPage))
export const ModelsPage = lazy(() => import("./pages/Models").then((m) => m.ModelsPage))
export const OpenFolioCommit = lazy(() => import("./pages/Open").then((m) => m.OpenFolioCommit))
export const OAuthAppsPage = lazy(() => import("./pages/OAuthApps").then((m) => m.OAuthAppsPage))
export const PortabilityPage = lazy(() => import("./pages/Portability").then((m) => m.PortabilityPage))
export const SearchPage = lazy(() => import("./pages/Search").then((m) => m.SearchPage))
export const SetupPage = lazy(() => import("./pages/Setup").then((m) => m.SetupPage))
export const SyncRulesPage = lazy(() => import("./pages/SyncRules").then((m) => m.SyncRulesPage))
export const TrashPage = lazy(() => import("./pages/Trash").then((m) => m.TrashPage))
