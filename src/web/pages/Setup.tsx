// Setup wizard: 1) the host's health (database, gateway, master key), 2) create or pick the workspace, 3) the gateway
// password instructions, and the doctor command for the checks only the operator's shell can run. Each workspace can be
// renamed, or deleted for good after typing its name.
import { useState } from "preact/hooks"
import { call, currentWorkspace, setWorkspace, validate } from "../api"
import { href } from "../router"
import { ConfirmButton } from "../components/Confirm"
import { Field, Form, Loading, ErrorMessage, Page, useLoad } from "../components/ui"
import { WorkspaceName, type Workspace } from "../../workspaces/WorkspacesApi"
import * as Schema from "effect/Schema"

const WorkspaceActions = (props: { workspace: Workspace; onRenamed: () => void; onDeleted: () => void }) => {
  const { workspace } = props
  const [renaming, setRenaming] = useState(false)
  const [name, setName] = useState(workspace.name)
  return (
    <>
      <span class="item-actions">
        <button
          type="button"
          class="secondary small"
          aria-expanded={renaming}
          aria-label={`Rename ${workspace.name}`}
          onClick={() => {
            setName(workspace.name)
            setRenaming(!renaming)
          }}
        >
          Rename
        </button>
        <ConfirmButton
          label="Delete…"
          ariaLabel={`Delete workspace ${workspace.name}`}
          class="danger small"
          title={`Delete workspace ${workspace.name}?`}
          confirmLabel="Delete workspace for good"
          typed={{ label: "Type the workspace's name to confirm", value: workspace.name }}
          onConfirm={async (typed) => {
            await call(
              (api) => api.workspaces.delete({ path: { id: workspace.id }, payload: { confirm: typed } }),
              workspace.id
            )
            props.onDeleted()
          }}
        >
          <p>
            Everything in <strong>{workspace.name}</strong> goes, at once and for good: notes, tasks, folios, the graph,
            memories, artifacts, chats, settings, connections and their secrets. It does not go to the trash and cannot
            be undone; only backups made before now still hold it.
          </p>
        </ConfirmButton>
      </span>
      {!renaming ? null : (
        <Form
          label={`Rename workspace ${workspace.name}`}
          submitLabel="Save name"
          submit={async () => {
            const checked = validate(Schema.Struct({ name: WorkspaceName }), { name })
            if (!checked.ok) return checked.message
            await call(
              (api) => api.workspaces.rename({ path: { id: workspace.id }, payload: checked.value }),
              workspace.id
            )
            setRenaming(false)
            props.onRenamed()
          }}
        >
          <Field label="New workspace name" value={name} onValue={setName} />
        </Form>
      )}
    </>
  )
}

const Status = ({ label, state, detail }: { label: string; state: "pass" | "warn" | "fail"; detail: string }) => (
  <li class={`check ${state}`} data-check={label}>
    <strong>{state === "pass" ? "PASS" : state === "warn" ? "WARN" : "FAIL"}</strong> {label}: {detail}
  </li>
)

export const SetupPage = ({ onWorkspace }: { onWorkspace: (id: string | undefined) => void }) => {
  const health = useLoad(() => call((api) => api.meta.health({ headers: {} }), undefined), [])
  const workspaces = useLoad(() => call((api) => api.workspaces.list(), undefined), [])
  const [name, setName] = useState("")
  const [chosen, setChosen] = useState(currentWorkspace())

  const choose = (id: string) => {
    setWorkspace(id)
    setChosen(id)
    onWorkspace(id)
  }

  const h = health.data
  return (
    <Page title="Setup">
      <ol class="steps">
        <li>
          <h2>Check the host</h2>
          <Loading when={health.loading && h === undefined} />
          <ErrorMessage message={health.error} />
          {h === undefined ? null : (
            <ul class="checks">
              <Status
                label="database"
                state={h.database === "up" ? "pass" : "fail"}
                detail={h.database === "up" ? "connected" : "not reachable: check DATABASE_URL and APP_DATABASE_URL"}
              />
              <Status
                label="gateway"
                state={
                  h.gateway === "up"
                    ? "pass"
                    : h.gateway === "endpoint-disabled" || h.gateway === "wrong-password"
                      ? "fail"
                      : "warn"
                }
                detail={
                  h.gateway === "up"
                    ? "OpenClaw answers with the configured password"
                    : h.gateway === "down"
                      ? "OpenClaw does not answer at OPENCLAW_GATEWAY_URL: start it, then reload"
                      : h.gateway === "unconfigured"
                        ? "OPENCLAW_GATEWAY_PASSWORD is not set (see step 3)"
                        : (h.gatewayIssue?.message ?? h.gateway)
                }
              />
              <Status
                label="master key"
                state="pass"
                detail="loaded (the host refuses to start without a well-formed HOST_MASTER_KEY)"
              />
              <li class="muted">Host version {h.version}</li>
            </ul>
          )}
          <button type="button" onClick={health.reload}>
            Check again
          </button>
          <p>
            The full install check (env file mode, database roles and row-level security, migrations, gateway, where the
            host listens, backup age) runs in a shell on the host: <code>pnpm carabase doctor</code>. See the{" "}
            <a href="/admin/doctor">doctor page</a>.
          </p>
        </li>
        <li>
          <h2>Workspace</h2>
          <ErrorMessage message={workspaces.error} />
          {workspaces.data === undefined || workspaces.data.workspaces.length === 0 ? (
            <p>No workspace yet: create the first one.</p>
          ) : (
            <ul class="list" aria-label="workspaces">
              {workspaces.data.workspaces.map((workspace) => (
                <li key={workspace.id}>
                  <span>{workspace.name}</span>{" "}
                  {chosen === workspace.id ? (
                    <strong class="chip">in use</strong>
                  ) : (
                    <button type="button" onClick={() => choose(workspace.id)}>
                      Use {workspace.name}
                    </button>
                  )}
                  <WorkspaceActions
                    workspace={workspace}
                    onRenamed={() => {
                      workspaces.reload()
                      if (chosen === workspace.id) onWorkspace(workspace.id)
                    }}
                    onDeleted={() => {
                      workspaces.reload()
                      if (chosen === workspace.id) {
                        setWorkspace(undefined)
                        setChosen(undefined)
                        onWorkspace(undefined)
                      }
                    }}
                  />
                </li>
              ))}
            </ul>
          )}
          <Form
            label="Create workspace"
            submitLabel="Create workspace"
            resetOnSuccess
            submit={async () => {
              const checked = validate(Schema.Struct({ name: WorkspaceName }), { name })
              if (!checked.ok) return checked.message
              const created = await call((api) => api.workspaces.create({ payload: checked.value }), undefined)
              setName("")
              workspaces.reload()
              choose(created.workspace.id)
            }}
          >
            <Field label="Workspace name" value={name} onValue={setName} placeholder="Home" />
          </Form>
        </li>
        <li>
          <h2>Connect OpenClaw</h2>
          <p>
            <code>pnpm bootstrap</code> writes a fresh <code>OPENCLAW_GATEWAY_PASSWORD</code> into{" "}
            <code>.env.&lt;env&gt;</code> (mode 0600) and prints it once. Put the same value in OpenClaw&apos;s config
            as <code>gateway.auth.password</code>, then restart both. The password never appears here.
          </p>
          <p>
            To rotate it: empty the value in <code>.env.&lt;env&gt;</code>, run <code>pnpm bootstrap</code> again (it
            fills only empty values), paste the new password into OpenClaw, restart both.
          </p>
          {chosen === undefined ? null : (
            <p>
              <a href={href("today")}>Done: open today&apos;s note</a>
            </p>
          )}
        </li>
      </ol>
    </Page>
  )
}
