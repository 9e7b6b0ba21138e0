// Model routing: which provider and model serve each role. An API key typed here is sent once and never shown again;
// the host answers only whether one is set and its last four characters. For an openclaw route the model field offers
// the agents OpenClaw lists (GET /api/v1/openclaw/agents), and says why when it cannot list them.
import { useState } from "preact/hooks"
import { call, validate } from "../api"
import { ConfirmButton } from "../components/Confirm"
import { ErrorMessage, Field, Form, Loading, Page, Select, formatTime, useLoad } from "../components/ui"
import { ModelProvider, ModelRole, ModelRouteInput } from "../../models/ModelRoutesApi"

export const ModelsPage = () => {
  const routes = useLoad(() => call((api) => api.modelRoutes.list()), [])
  const agents = useLoad(() => call((api) => api.modelRoutes.openClawAgents()), [])
  const [role, setRole] = useState<ModelRole>("chat")
  const [provider, setProvider] = useState<ModelProvider>("openclaw")
  const [baseUrl, setBaseUrl] = useState("")
  const [model, setModel] = useState("")
  const [apiKey, setApiKey] = useState("")
  const [removeKey, setRemoveKey] = useState(false)

  const remove = async (which: ModelRole) => {
    await call((api) => api.modelRoutes.remove({ path: { role: which } }))
    routes.reload()
  }

  return (
    <Page title="Model routing">
      <Loading when={routes.loading && routes.data === undefined} />
      <ErrorMessage message={routes.error} />
      {routes.data?.routes.length === 0 ? <p>No routes: every role uses the host&apos;s defaults.</p> : null}
      <table class="stack">
        <thead>
          <tr>
            <th>Role</th>
            <th>Provider</th>
            <th>Model</th>
            <th>Base URL</th>
            <th>API key</th>
            <th>Updated</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {routes.data?.routes.map((route) => (
            <tr key={route.role}>
              <td data-label="Role">{route.role}</td>
              <td data-label="Provider">{route.provider}</td>
              <td data-label="Model">{route.model}</td>
              <td data-label="Base URL">{route.baseUrl ?? "default"}</td>
              <td data-label="API key">
                {route.hasApiKey
                  ? `set${route.apiKeyLast4 === null ? "" : `, ends in ${route.apiKeyLast4}`}`
                  : "not set"}
              </td>
              <td data-label="Updated">{formatTime(route.updatedAt)}</td>
              <td>
                <ConfirmButton
                  label={`Remove ${route.role} route`}
                  class="secondary"
                  title={`Remove the ${route.role} route?`}
                  confirmLabel="Remove route"
                  onConfirm={() => remove(route.role)}
                >
                  <p>
                    The {route.role} role goes back to the host&apos;s defaults; a stored API key goes with the route.
                  </p>
                </ConfirmButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Form
        label="Set a route"
        submitLabel="Save route"
        submit={async () => {
          const input = validate(ModelRouteInput, {
            provider,
            model,
            baseUrl: baseUrl.trim() === "" ? null : baseUrl,
            ...(removeKey ? { apiKey: null } : apiKey === "" ? {} : { apiKey })
          })
          if (!input.ok) return input.message
          await call((api) => api.modelRoutes.put({ path: { role }, payload: input.value }))
          setApiKey("")
          setRemoveKey(false)
          routes.reload()
        }}
      >
        <div class="row">
          <Select label="Role" value={role} options={ModelRole.literals} onValue={setRole} />
          <Select label="Provider" value={provider} options={ModelProvider.literals} onValue={setProvider} />
        </div>
        <div class="row">
          <Field
            label="Model"
            value={model}
            onValue={setModel}
            placeholder={provider === "openclaw" ? "openclaw/main" : "model id"}
            {...(provider === "openclaw"
              ? {
                  suggestions: agents.data?.agents.map((agent) => agent.model) ?? [],
                  hint:
                    agents.data === undefined
                      ? `OpenClaw's agents could not be listed${agents.error === undefined ? "" : `: ${agents.error}`}`
                      : `OpenClaw lists: ${agents.data.agents.map((agent) => agent.model).join(", ") || "no agents"}`
                }
              : {})}
          />
          <Field label="Base URL (empty: provider default)" type="url" value={baseUrl} onValue={setBaseUrl} />
        </div>
        <Field
          label="API key (empty: keep the stored one)"
          type="password"
          autoComplete="off"
          value={apiKey}
          onValue={setApiKey}
        />
        <label>
          <input type="checkbox" checked={removeKey} onChange={(e) => setRemoveKey(e.currentTarget.checked)} /> Remove
          the stored key
        </label>
      </Form>
    </Page>
  )
}
