// The admin UI's shell: navigation, the chosen workspace and the page for the current route.
import { render } from "preact"
import { useEffect, useState } from "preact/hooks"
import { API_KEY_REQUIRED, call, currentWorkspace, hasApiKey, setApiKey, setWorkspace } from "./shellClient"
import { ApiKeyPrompt } from "./components/ApiKey"
import { NeedsWorkspace } from "./components/ui"
import { Keyboard } from "./components/Keyboard"
import { UndoToast } from "./components/Undo"
import {
  ArtifactDetail,
  ArtifactsPage,
  ChannelsPage,
  ChatPage,
  ConnectionsPage,
  CurationPage,
  DevicesPage,
  DoctorPage,
  FoliosPage,
  GraphPage,
  JobsPage,
  MemoriesPage,
  ModelsPage,
  OAuthAppsPage,
  OpenFolioCommit,
  PortabilityPage,
  SearchPage,
  SetupPage,
  SyncRulesPage,
  TrashPage
} from "./lazyPages"
import { PageBoundary, focusTitleWhenShown } from "./components/PageBoundary"
import { TodayPage } from "./pages/Today"
import { href, navigate, onLinkClick, useRoute } from "./router"
import "./styles.css"

const NAV: ReadonlyArray<readonly [string, string]> = [
  ["today", "Today"],
  ["search", "Search"],
  ["memories", "Memories"],
  ["folios", "Folios"],
  ["graph", "Graph"],
  ["artifacts", "Artifacts"],
  ["curation", "Curation"],
  ["chat", "Chat"],
  ["trash", "Trash"],
  ["connections", "Connections"],
  ["oauth-apps", "OAuth apps"],
  ["devices", "Harvester devices"],
  ["sync-rules", "Sync rules"],
  ["models", "Model routing"],
  ["channels", "Webhook channels"],
  ["jobs", "Jobs"],
  ["import-export", "Import and export"],
  ["doctor", "Doctor and backups"],
  ["setup", "Setup"]
]

const scoped = (workspaceId: string | undefined, page: (id: string) => preact.JSX.Element) =>
  workspaceId === undefined ? <NeedsWorkspace /> : page(workspaceId)

const NotFound = ({ path }: { path: string }) => (
  <section>
    <h1 id="page-title" tabIndex={-1}>
      Not found
    </h1>
    <p>
      There is no page at /admin/{path}. Go to <a href={href("today")}>Today</a>.
    </p>
  </section>
)

const App = () => {
  const path = useRoute()
  const [workspaceId, setWorkspaceId] = useState(currentWorkspace)
  const [section = "", ...rest] = path.split("/")
  const current = section === "" ? (workspaceId === undefined ? "setup" : "today") : section

  // API-key mode: a 401 anywhere shows the prompt; a key that works remounts the page so it loads again.
  const [needsKey, setNeedsKey] = useState(false)
  const [keySet, setKeySet] = useState(hasApiKey)
  const [keyGeneration, setKeyGeneration] = useState(0)
  useEffect(() => {
    const onRequired = () => setNeedsKey(true)
    addEventListener(API_KEY_REQUIRED, onRequired)
    return () => removeEventListener(API_KEY_REQUIRED, onRequired)
  }, [])

  // A remembered workspace that no longer exists (a reset database, another host) is forgotten, back to setup.
  const [workspaceName, setWorkspaceName] = useState<string>()
  // Raised when setup renames or picks a workspace, so the header reads its name again.
  const [workspaceGeneration, setWorkspaceGeneration] = useState(0)
  useEffect(() => {
    if (workspaceId === undefined) return setWorkspaceName(undefined)
    call((api) => api.workspaces.list(), undefined).then(
      ({ workspaces }) => {
        const found = workspaces.find((workspace) => workspace.id === workspaceId)
        if (found !== undefined) return setWorkspaceName(found.name)
        setWorkspace(undefined)
        setWorkspaceId(undefined)
      },
      () => undefined
    )
  }, [workspaceId, keyGeneration, workspaceGeneration])

  // The home path settles on a real page once, so choosing a workspace in the wizard does not move the page away.
  useEffect(() => {
    if (section === "") navigate(current, { replace: true })
  }, [section, current])

  // Each page's title takes focus so screen readers announce it and the next Tab starts in the page (the title draws
  // no focus box: it is not a control). The phone menu closes on every move.
  const [menuOpen, setMenuOpen] = useState(false)
  useEffect(() => {
    setMenuOpen(false)
    return focusTitleWhenShown()
  }, [current])

  const page = (() => {
    switch (current) {
      case "setup":
        return (
          <SetupPage
            onWorkspace={(id) => {
              setWorkspaceId(id)
              setWorkspaceGeneration((generation) => generation + 1)
            }}
          />
        )
      case "today":
        return scoped(workspaceId, (id) => <TodayPage key={`${id}/${rest[0] ?? ""}`} workspaceId={id} day={rest[0]} />)
      case "search":
        return scoped(workspaceId, (id) => <SearchPage key={id} />)
      case "memories":
        return scoped(workspaceId, (id) => <MemoriesPage key={id} memoryId={rest[0]} />)
      case "folios":
        return scoped(workspaceId, (id) => <FoliosPage key={id} folioId={rest[0]} />)
      case "graph":
        return scoped(workspaceId, (id) => <GraphPage key={id} entityId={rest[0]} />)
      case "artifacts":
        return scoped(workspaceId, (id) =>
          rest[0] === undefined ? <ArtifactsPage key={id} /> : <ArtifactDetail key={id} id={rest[0]} />
        )
      case "open":
        return scoped(workspaceId, (id) =>
          rest[0] === "folio-commit" && rest[1] !== undefined ? (
            <OpenFolioCommit key={id} commitId={rest[1]} />
          ) : (
            <NotFound path={path} />
          )
        )
      case "trash":
        return scoped(workspaceId, (id) => <TrashPage key={id} />)
      case "curation":
        return scoped(workspaceId, (id) => <CurationPage key={id} />)
      case "chat":
        return scoped(workspaceId, (id) => <ChatPage key={id} workspaceId={id} sessionId={rest[0]} />)
      case "connections":
        return scoped(workspaceId, (id) => <ConnectionsPage key={id} workspaceId={id} />)
      case "oauth-apps":
        return scoped(workspaceId, (id) => <OAuthAppsPage key={id} />)
      case "devices":
        return scoped(workspaceId, (id) => <DevicesPage key={id} />)
      case "sync-rules":
        return scoped(workspaceId, (id) => <SyncRulesPage key={id} />)
      case "models":
        return scoped(workspaceId, (id) => <ModelsPage key={id} />)
      case "channels":
        return scoped(workspaceId, (id) => <ChannelsPage key={id} />)
      case "import-export":
        return scoped(workspaceId, (id) => <PortabilityPage key={id} />)
      case "jobs":
        return scoped(workspaceId, (id) => <JobsPage key={id} />)
      case "doctor":
        return <DoctorPage />
      default:
        return <NotFound path={path} />
    }
  })()

  return (
    <div class="shell" onClick={onLinkClick}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <strong>Carabase</strong>
        {keySet ? (
          <button
            type="button"
            class="secondary chip"
            title="Forget the API key kept for this tab"
            onClick={() => {
              setApiKey(undefined)
              setKeySet(false)
              setKeyGeneration((generation) => generation + 1)
            }}
          >
            API key: set (forget)
          </button>
        ) : null}
        {workspaceName === undefined ? null : (
          <a href={href("setup")} class="chip" title="Change workspace">
            {workspaceName}
          </a>
        )}
        <button
          type="button"
          class="secondary menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          {menuOpen ? "Close menu" : "Menu"}
        </button>
        <nav id="main-nav" aria-label="Main" class={menuOpen ? "open" : "closed"}>
          <ul>
            {NAV.map(([slug, label]) => (
              <li key={slug}>
                <a href={href(slug)} aria-current={slug === current ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main">
        {needsKey ? (
          <ApiKeyPrompt
            onKey={() => {
              setNeedsKey(false)
              setKeySet(true)
              setKeyGeneration((generation) => generation + 1)
            }}
          />
        ) : null}
        <PageBoundary key={`${keyGeneration}/${current}`}>{page}</PageBoundary>
      </main>
      <UndoToast />
      <Keyboard pages={NAV} />
    </div>
  )
}

render(<App />, document.getElementById("app")!)
