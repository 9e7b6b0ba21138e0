// Harvester devices: a pairing code lets a device (a phone, a laptop harvester) claim its own token; the code is shown
// once with its expiry. Devices are listed with when they were last seen, and can be revoked.
import * as DateTime from "effect/DateTime"
import { useState } from "preact/hooks"
import { call, validate } from "../api"
import { ErrorMessage, Field, Form, Loading, Page, errorText, formatTime, useLoad } from "../components/ui"
import { CreatePairingCode } from "../../harvester/HarvesterApi"

export const DevicesPage = () => {
  const devices = useLoad(() => call((api) => api.harvesterDevices.list()), [])
  const [connector, setConnector] = useState("")
  const [deviceName, setDeviceName] = useState("")
  const [pairing, setPairing] = useState<{ code: string; expiresAt: DateTime.Utc; deviceName: string }>()
  const [error, setError] = useState<string>()

  const revoke = async (id: string) => {
    setError(undefined)
    try {
      await call((api) => api.harvesterDevices.revoke({ path: { id } }))
    } catch (failure) {
      setError(errorText(failure))
    }
    devices.reload()
  }

  return (
    <Page title="Harvester devices">
      <Form
        label="Pair a device"
        submitLabel="Create pairing code"
        submit={async () => {
          const input = validate(CreatePairingCode, { connector, deviceName })
          if (!input.ok) return input.message
          const answer = await call((api) => api.harvesterDevices.pair({ payload: input.value }))
          setPairing({ ...answer, deviceName: input.value.deviceName })
          setConnector("")
          setDeviceName("")
          devices.reload()
        }}
      >
        <div class="row">
          <Field
            label="Connector"
            value={connector}
            onValue={setConnector}
            hint="The device's integration name, e.g. browser-history; its sync rules use this name."
          />
          <Field label="Device name" value={deviceName} onValue={setDeviceName} />
        </div>
      </Form>
      {pairing === undefined ? null : (
        <section class="card" aria-label="pairing code" role="status">
          <h2>Pairing code for {pairing.deviceName}</h2>
          <p>
            <code class="pairing-code">{pairing.code}</code>
          </p>
          <p>Enter it on the device before {formatTime(pairing.expiresAt)}; it works once and is not shown again.</p>
        </section>
      )}
      <Loading when={devices.loading && devices.data === undefined} />
      <ErrorMessage message={devices.error ?? error} />
      <h2>Devices</h2>
      {devices.data?.devices.length === 0 ? <p>No devices paired yet.</p> : null}
      <ul class="list" aria-label="devices">
        {devices.data?.devices.map((device) => (
          <li key={device.id}>
            <strong>{device.name}</strong> <span class="chip">{device.connector}</span>{" "}
            <span class="chip">{device.revokedAt === null ? "active" : "revoked"}</span>{" "}
            <small class="muted">
              last seen {formatTime(device.lastSeenAt)}
              {device.revokedAt === null ? null : ` · revoked ${formatTime(device.revokedAt)}`}
            </small>{" "}
            {device.revokedAt === null ? (
              <button type="button" class="secondary" onClick={() => void revoke(device.id)}>
                Revoke {device.name}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </Page>
  )
}
