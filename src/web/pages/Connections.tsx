// Connections: the accounts connected through OAuth, with their token status. "Connect" asks the host to start a
// connection (through the typed client, so it carries the API key when the host requires one) and then goes to the
// provider's consent page it answers; the provider sends the browser back to the host's callback. Without script the
// link still works as a navigation to the start route. Disconnecting asks to confirm, and may also delete what was
// harvested from the account.
import { useState } from "preact/hooks"
import { ApiFailure, call } from "../api"
import { ErrorMessage, Loading, Page, errorText, formatTime, useLoad } from "../components/ui"
import { Providers, type Connection } from "../../connectors/ConnectorsApi"
import { googleServiceScopes } from "../../connectors/OAuthProviders"

/** Google services a connection can add (each asks Google for one more read-only scope). */
const GOOGLE_SERVICES = [
  { service: "calendar", label: "calendar", scope: googleServiceScopes.calendar },
  { service: "gmail", label: "Gmail", scope: googleServiceScopes.gmail }
] as const

export const startUrl = (provider: string, workspaceId: string) =>
  `/api/v1/auth/${encodeURIComponent(provider)}/start?workspace=${encodeURIComponent(workspaceId)}`

/** What the OAuth callback sent the browser back with (`?oauth=connected|failed&provider=…`), read once. */
const callbackOutcome = (): { readonly ok: boolean; readonly text: string } | undefined => {
  const query = new URLSearchParams(location.search)
  const oauth = query.get("oauth")
  if (oauth !== "connected" && oauth !== "failed") return undefined
  // The outcome is shown once: a reload or a bookmark of this page does not repeat it.
  history.replaceState(history.state, "", location.pathname)
  const provider = query.get("provider") ?? "the provider"
  return oauth === "connected"
    ? { ok: true, text: `Connected ${query.get("account") ?? "the account"} (${provider}).` }
    : {
        ok: false,
        text: `Connecting ${provider} failed: ${query.get("message") ?? query.get("reason") ?? "unknown reason"}`
      }
}

/** A provider without an OAuth app: where to register one, as a link rather than an HTTP call to make. */
const NeedsOAuthApp = ({ provider }: { readonly provider: string }) => (
  <p class="error" role="alert">
    This workspace has no OAuth app for {provider} yet.{" "}
    <a href="/admin/oauth-apps">Register one on the OAuth apps page</a> (its client id and secret, from {provider}
    &apos;s developer settings), then connect again.
  </p>
)

export const ConnectionsPage = ({ workspaceId }: { readonly workspaceId: string }) => {
  const connections = useLoad(() => call((api) => api.connections.list()), [])
  const [confirming, setConfirming] = useState<Connection>()
  const [purge, setPurge] = useState(false)
  const [busy, setBusy] = useState(false)
  const [outcome] = useState(callbackOutcome)
  const [done, setDone] = useState<string | undefined>(outcome?.ok === true ? outcome.text : undefined)
  const [error, setError] = useState<string | undefined>(outcome?.ok === false ? outcome.text : undefined)
  const [missingApp, setMissingApp] = useState<string>()

  const connect = async (event: Event, provider: Connection["provider"], services?: string) => {
    event.preventDefault()
    setError(undefined)
    setMissingApp(undefined)
    try {
      const { url } = await call((api) =>
        api.connections.authorize({ path: { provider }, urlParams: services === undefined ? {} : { services } })
      )
      window.location.assign(url)
    } catch (failure) {
      if (failure instanceof ApiFailure && failure.tag === "OAuthAppMissing") setMissingApp(provider)
      else setError(errorText(failure))
    }
  }

  const disconnect = async (connection: Connection) => {
    setError(undefined)
    setBusy(true)
    try {
      await call((api) =>
        api.connections.disconnect({
          path: { provider: connection.provider },
          urlParams: { account: connection.id, ...(purge ? { purge: "true" as const } : {}) }
        })
      )
      setDone(
        `${connection.accountLabel} (${connection.provider}) disconnected${purge ? ", harvested data deleted" : ""}`
      )
      setConfirming(undefined)
      setPurge(false)
    } catch (failure) {
      setError(errorText(failure))
    } finally {
      setBusy(false)
    }
    connections.reload()
  }

  return (
    <Page title="Connections">
      <p>
        Connecting needs the provider&apos;s <a href="/admin/oauth-apps">OAuth app</a>. After you allow access, the
        provider sends the browser to the host&apos;s callback, which records the connection; come back to this page.
      </p>
      <div class="toolbar" role="group" aria-label="connect an account">
        {Providers.map((provider) => (
          <a
            key={provider}
            class="button"
            href={startUrl(provider, workspaceId)}
            onClick={(event) => void connect(event, provider)}
          >
            Connect {provider}
          </a>
        ))}
      </div>
      {done === undefined ? null : (
        <p class="card" role="status">
          {done}
        </p>
      )}
      <Loading when={connections.loading && connections.data === undefined} />
      {missingApp === undefined ? null : <NeedsOAuthApp provider={missingApp} />}
      <ErrorMessage message={connections.error ?? error} />
      <h2>Connected accounts</h2>
      {connections.data?.connections.length === 0 ? <p>No accounts connected yet.</p> : null}
      {connections.data === undefined || connections.data.connections.length === 0 ? null : (
        <table aria-label="connections">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Account</th>
              <th>Token</th>
              <th>Synced until</th>
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {connections.data.connections.map((connection) => (
              <tr key={connection.id}>
                <td>{connection.provider}</td>
                <td>{connection.accountLabel}</td>
                <td>
                  <span class="chip">{connection.tokenStatus}</span>
                </td>
                <td>{formatTime(connection.syncedUntil)}</td>
                <td>
                  {connection.provider === "google"
                    ? GOOGLE_SERVICES.filter(({ scope }) => !connection.scopes.includes(scope)).map(
                        ({ service, label }) => (
                          <button
                            key={service}
                            type="button"
                            class="secondary"
                            onClick={(event) => void connect(event, "google", service)}
                          >
                            Sync {label} of {connection.accountLabel}
                          </button>
                        )
                      )
                    : null}
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => {
                      setPurge(false)
                      setConfirming(connection)
                    }}
                  >
                    Disconnect {connection.accountLabel}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirming === undefined ? null : (
        <section class="card" role="dialog" aria-label="confirm disconnect">
          <h2>
            Disconnect {confirming.accountLabel} ({confirming.provider})?
          </h2>
          <p>The host forgets the account&apos;s tokens and stops syncing it.</p>
          <label>
            <input type="checkbox" checked={purge} onChange={(e) => setPurge(e.currentTarget.checked)} /> Also delete
            the data harvested from this account
          </label>
          <div class="row">
            <button type="button" disabled={busy} onClick={() => void disconnect(confirming)}>
              {busy ? "Working…" : "Confirm disconnect"}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(undefined)}>
              Cancel
            </button>
          </div>
        </section>
      )}
    </Page>
  )
}
