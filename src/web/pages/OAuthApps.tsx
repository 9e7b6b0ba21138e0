// OAuth apps: one per provider (its client id and secret), needed before an account can be connected. The secret goes
// in once and is never shown again; the host never returns it.
import { useState } from "preact/hooks"
import { call, validate } from "../api"
import { ConfirmButton } from "../components/Confirm"
import { ErrorMessage, Field, Form, Loading, Page, Select, formatTime, useLoad } from "../components/ui"
import { CreateOAuthApp, Providers, type Provider } from "../../connectors/ConnectorsApi"
import { secretSummary } from "./Channels"

export const OAuthAppsPage = () => {
  const apps = useLoad(() => call((api) => api.oauthApps.list()), [])
  const [provider, setProvider] = useState<Provider>("github")
  const [clientId, setClientId] = useState("")
  const [clientSecret, setClientSecret] = useState("")
  const [created, setCreated] = useState<string>()

  const remove = async (id: string) => {
    await call((api) => api.oauthApps.remove({ path: { id } }))
    apps.reload()
  }

  return (
    <Page title="OAuth apps">
      <p>
        Register the OAuth app you created at the provider; its callback URL is{" "}
        <code>{`${location.origin}/api/v1/auth/<provider>/callback`}</code>.
      </p>
      <Form
        label="Add an OAuth app"
        submitLabel="Add OAuth app"
        submit={async () => {
          const input = validate(CreateOAuthApp, { provider, clientId, clientSecret })
          if (!input.ok) return input.message
          const answer = await call((api) => api.oauthApps.create({ payload: input.value }))
          setCreated(
            `${answer.oauthApp.provider} app ${answer.oauthApp.clientId}: secret ${secretSummary(clientSecret)}`
          )
          setClientId("")
          setClientSecret("")
          apps.reload()
        }}
      >
        <div class="row">
          <Select label="Provider" value={provider} options={Providers} onValue={setProvider} />
          <Field label="Client id" value={clientId} onValue={setClientId} />
        </div>
        <Field
          label="Client secret"
          type="password"
          autoComplete="off"
          value={clientSecret}
          onValue={setClientSecret}
        />
      </Form>
      {created === undefined ? null : (
        <p class="card" role="status">
          Added {created}
        </p>
      )}
      <Loading when={apps.loading && apps.data === undefined} />
      <ErrorMessage message={apps.error} />
      <h2>Apps</h2>
      {apps.data?.oauthApps.length === 0 ? <p>No OAuth apps yet.</p> : null}
      <ul class="list" aria-label="OAuth apps">
        {apps.data?.oauthApps.map((app) => (
          <li key={app.id}>
            <strong>{app.provider}</strong> <span class="chip">{app.clientId}</span>{" "}
            <small class="muted">secret set · {formatTime(app.createdAt)}</small>{" "}
            <ConfirmButton
              label={`Delete ${app.provider} app`}
              class="secondary"
              title={`Delete the ${app.provider} OAuth app?`}
              confirmLabel="Delete OAuth app"
              onConfirm={() => remove(app.id)}
            >
              <p>Its client secret is deleted; connecting a {app.provider} account needs an OAuth app again.</p>
            </ConfirmButton>
          </li>
        ))}
      </ul>
    </Page>
  )
}
