// Webhook channels: create one per chat platform (secrets go in once and are never shown again), and copy each
// channel's webhook URL into the platform's settings. Each channel lists its recent messages with their reply status
// and, when a reply has not gone out, why and when it is tried again; a channel that cannot reply says what it needs.
import { useState } from "preact/hooks"
import { call, validate } from "../api"
import { ConfirmButton } from "../components/Confirm"
import { ErrorMessage, Field, Form, Loading, Page, Select, formatTime, useLoad } from "../components/ui"
import { ChannelKind, CreateChannel, replyNeeds, type Channel, type ChannelId } from "../../channels/ChannelsApi"

const KINDS = ChannelKind.literals

const SECRET_LABEL: Record<ChannelKind, string> = {
  slack: "Slack signing secret",
  telegram: "Telegram secret_token (setWebhook)",
  whatsapp: "WhatsApp app secret",
  matrix: "Matrix hs_token",
  generic: "Standard Webhooks secret (whsec_…)"
}

/** What may be said about a secret once it has left the form: that it is set, and its last 4 if it is long enough. */
export const secretSummary = (secret: string) => (secret.length >= 8 ? `set, ends in ${secret.slice(-4)}` : "set")

const PLATFORM: Record<ChannelKind, string> = {
  slack: "Slack",
  telegram: "Telegram",
  whatsapp: "WhatsApp",
  matrix: "The homeserver",
  generic: "The sender"
}

/**
 * The URL to paste, or, when the host knows no public address, that one is needed first: the request's own address
 * (127.0.0.1, the tailnet name) is one the platform cannot reach.
 */
const WebhookUrl = (props: {
  readonly kind: ChannelKind
  readonly url: string
  readonly isPublic: boolean
  readonly label: string
}) => (
  <>
    {props.isPublic ? null : (
      <p class="notice" role="note">
        <strong>This host has no public URL yet.</strong> {PLATFORM[props.kind]} must reach it from the internet, and
        this address is only this host&apos;s own. Publish the webhook listener (set <code>CARABASE_WEBHOOK_PORT</code>,
        e.g. behind Tailscale Funnel) and set <code>CARABASE_WEBHOOK_PUBLIC_URL</code> to its public address; this page
        then shows the URL to paste.
      </p>
    )}
    <input class="url" readOnly value={props.url} aria-label={props.label} onFocus={(e) => e.currentTarget.select()} />
  </>
)

/** A channel's most recent events: status, reply attempts, next retry and the last reason. */
const RecentEvents = ({ channel }: { channel: Channel }) => {
  const events = useLoad(
    () => call((api) => api.channels.events({ path: { id: channel.id }, urlParams: { limit: 10 } })),
    [channel.id]
  )
  return (
    <details open>
      <summary>
        Recent messages of {channel.name}
        {events.data?.events[0] === undefined ? null : (
          <>
            {" "}
            <span class="chip">latest: {events.data.events[0].status}</span>
          </>
        )}
      </summary>
      <ErrorMessage message={events.error} />
      {events.data?.events.length === 0 ? <p class="muted">No messages yet.</p> : null}
      <ul class="list" aria-label={`recent messages of ${channel.name}`}>
        {events.data?.events.map((event) => (
          <li key={event.id}>
            <span class="chip">{event.status}</span> <small class="muted">{formatTime(event.receivedAt)}</small>
            {event.attempts > 0 ? <small> · {event.attempts} failed attempt(s)</small> : null}
            {event.nextAttemptAt === null ? null : <small> · next try {formatTime(event.nextAttemptAt)}</small>}
            {event.lastError === null ? null : <p class="muted">{event.lastError}</p>}
          </li>
        ))}
      </ul>
      <button type="button" class="secondary" onClick={() => events.reload()}>
        Refresh {channel.name}
      </button>
    </details>
  )
}

export const ChannelsPage = () => {
  const channels = useLoad(() => call((api) => api.channels.list()), [])
  const [kind, setKind] = useState<ChannelKind>("slack")
  const [name, setName] = useState("")
  const [signingSecret, setSigningSecret] = useState("")
  const [verifyToken, setVerifyToken] = useState("")
  const [botToken, setBotToken] = useState("")
  const [outboundUrl, setOutboundUrl] = useState("")
  const [created, setCreated] = useState<{
    name: string
    kind: ChannelKind
    webhookUrl: string
    webhookUrlIsPublic: boolean
    secrets: Array<string>
  }>()

  const remove = async (id: ChannelId) => {
    await call((api) => api.channels.remove({ path: { id } }))
    channels.reload()
  }

  return (
    <Page title="Webhook channels">
      <p class="muted">
        Every message a channel accepts goes into the day&apos;s note at once, tagged with its platform. The
        agent&apos;s reply follows; while the agent is unreachable it is retried with backoff.
      </p>
      <Form
        label="Create a webhook channel"
        submitLabel="Create channel"
        submit={async () => {
          const input = validate(CreateChannel, {
            kind,
            name,
            signingSecret,
            ...(verifyToken === "" ? {} : { verifyToken }),
            ...(botToken === "" ? {} : { botToken }),
            ...(outboundUrl.trim() === "" ? {} : { outboundUrl: outboundUrl.trim() })
          })
          if (!input.ok) return input.message
          const answer = await call((api) => api.channels.create({ payload: input.value }))
          const secrets = [`${SECRET_LABEL[kind]}: ${secretSummary(signingSecret)}`]
          if (verifyToken !== "") secrets.push(`verify token: ${secretSummary(verifyToken)}`)
          if (botToken !== "") secrets.push(`bot token: ${secretSummary(botToken)}`)
          setCreated({
            name: answer.channel.name,
            kind: answer.channel.kind,
            webhookUrl: answer.channel.webhookUrl,
            webhookUrlIsPublic: answer.channel.webhookUrlIsPublic,
            secrets
          })
          setName("")
          setSigningSecret("")
          setVerifyToken("")
          setBotToken("")
          setOutboundUrl("")
          channels.reload()
        }}
      >
        <div class="row">
          <Select label="Platform" value={kind} options={KINDS} onValue={setKind} />
          <Field label="Channel name" value={name} onValue={setName} />
        </div>
        <Field
          label={SECRET_LABEL[kind]}
          type="password"
          autoComplete="off"
          value={signingSecret}
          onValue={setSigningSecret}
        />
        {kind === "whatsapp" ? (
          <Field
            label="WhatsApp verify token"
            type="password"
            autoComplete="off"
            value={verifyToken}
            onValue={setVerifyToken}
          />
        ) : null}
        <Field
          label={kind === "generic" ? "Bot token (optional)" : "Bot token (needed for replies)"}
          type="password"
          autoComplete="off"
          value={botToken}
          onValue={setBotToken}
          hint={`Without ${replyNeeds(kind)}, messages are still captured into the day's note, but the agent's reply cannot be sent: each message then ends as "captured".`}
        />
        <Field
          label={
            kind === "generic" || kind === "matrix"
              ? "Outbound URL (needed for replies)"
              : "Outbound URL for replies (optional)"
          }
          type="url"
          value={outboundUrl}
          onValue={setOutboundUrl}
        />
      </Form>
      {created === undefined ? null : (
        <section class="card" aria-label="new channel" role="status">
          <h2>{created.name} is ready</h2>
          {created.webhookUrlIsPublic ? <p>Paste this URL into the platform&apos;s webhook settings:</p> : null}
          <WebhookUrl
            kind={created.kind}
            url={created.webhookUrl}
            isPublic={created.webhookUrlIsPublic}
            label="webhook URL"
          />
          <ul>
            {created.secrets.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </section>
      )}
      <Loading when={channels.loading && channels.data === undefined} />
      <ErrorMessage message={channels.error} />
      <h2>Channels</h2>
      {channels.data?.channels.length === 0 ? <p>No channels yet.</p> : null}
      <ul class="list" aria-label="channels">
        {channels.data?.channels.map((channel) => (
          <li key={channel.id}>
            <strong>{channel.name}</strong> <span class="chip">{channel.kind}</span>{" "}
            <small class="muted">{formatTime(channel.createdAt)}</small>
            <WebhookUrl
              kind={channel.kind}
              url={channel.webhookUrl}
              isPublic={channel.webhookUrlIsPublic}
              label={`webhook URL of ${channel.name}`}
            />
            {channel.canReply ? null : (
              <p class="muted" role="note">
                Messages are captured into the day&apos;s note; replies need {replyNeeds(channel.kind)}.
              </p>
            )}
            <RecentEvents channel={channel} />
            <ConfirmButton
              label={`Delete ${channel.name}`}
              class="secondary"
              title={`Delete the channel ${channel.name}?`}
              confirmLabel="Delete channel"
              onConfirm={() => remove(channel.id)}
            >
              <p>
                Its webhook URL stops working at once: messages the platform sends there are refused. The entries
                already captured stay in the daily notes.
              </p>
            </ConfirmButton>
          </li>
        ))}
      </ul>
    </Page>
  )
}
