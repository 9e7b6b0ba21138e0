// Folios: the list with a create form; a folio's page shows its About (editable), timeline, commits and log.
import * as Schema from "effect/Schema"
import { useEffect, useState } from "preact/hooks"
import { call, validate } from "../api"
import { ErrorMessage, Field, Form, Loading, Page, TextArea, formatTime, useLoad } from "../components/ui"
import { href } from "../router"
import { CommitMessage, FolioAbout, FolioName, type FolioId } from "../../folios/FoliosApi"

const FolioList = () => {
  const [name, setName] = useState("")
  const folios = useLoad(() => call((api) => api.folios.list({ urlParams: {} })), [])
  return (
    <Page title="Folios">
      <Form
        label="Create a folio"
        submitLabel="Create folio"
        submit={async () => {
          const input = validate(Schema.Struct({ name: FolioName }), { name })
          if (!input.ok) return input.message
          await call((api) => api.folios.create({ payload: input.value }))
          setName("")
          folios.reload()
        }}
      >
        <Field label="Folio name" value={name} onValue={setName} />
      </Form>
      <Loading when={folios.loading && folios.data === undefined} />
      <ErrorMessage message={folios.error} />
      <ul class="list" aria-label="folios">
        {folios.data?.folios.map((folio) => (
          <li key={folio.id}>
            <a href={href(`folios/${folio.id}`)}>{folio.name}</a>
            {folio.about === "" ? null : <p class="muted">{folio.about.slice(0, 200)}</p>}
          </li>
        ))}
      </ul>
    </Page>
  )
}

const FolioDetail = ({ id }: { id: FolioId }) => {
  const folio = useLoad(() => call((api) => api.folios.get({ path: { id } })), [id])
  const entries = useLoad(() => call((api) => api.folios.entries({ path: { id } })), [id])
  const [about, setAbout] = useState("")
  const [message, setMessage] = useState("")
  const detail = folio.data?.folio
  useEffect(() => setAbout(detail?.about ?? ""), [detail?.about])
  return (
    <Page title={detail?.name ?? "Folio"}>
      <p>
        <a href={href("folios")}>All folios</a>
      </p>
      <Loading when={folio.loading && detail === undefined} />
      <ErrorMessage message={folio.error} />
      {detail === undefined ? null : (
        <>
          <Form
            label="Edit the about text"
            submitLabel="Save about"
            submit={async () => {
              const input = validate(FolioAbout, about)
              if (!input.ok) return input.message
              await call((api) =>
                api.folios.update({ path: { id }, payload: { action: "update_about", content: input.value } })
              )
              folio.reload()
            }}
          >
            <TextArea label="About" value={about} onValue={setAbout} rows={5} />
          </Form>
          <h2>Timeline</h2>
          {detail.timeline.length === 0 ? <p class="muted">No timeline entries yet.</p> : null}
          <ul class="list">
            {detail.timeline.map((entry) => (
              <li key={entry.id}>
                <strong>{entry.date}</strong> {entry.synopsis}
              </li>
            ))}
          </ul>
          <h2>Commits</h2>
          <Form
            label="Commit"
            submitLabel="Add commit"
            submit={async () => {
              const input = validate(CommitMessage, message)
              if (!input.ok) return input.message
              await call((api) => api.folios.commit({ path: { id }, payload: { message: input.value } }))
              setMessage("")
              folio.reload()
            }}
          >
            <Field label="Commit message" value={message} onValue={setMessage} />
          </Form>
          <ul class="list" aria-label="commits">
            {detail.commits.map((commit) => (
              <li key={commit.id}>
                {commit.message} <small class="muted">{formatTime(commit.createdAt)}</small>
              </li>
            ))}
          </ul>
          <h2>Log</h2>
          <ErrorMessage message={entries.error} />
          <ul class="list">
            {entries.data?.entries.map((entry, i) => (
              <li key={i}>
                <small class="muted">
                  {entry.date} {entry.timestamp}
                </small>
                <p>{entry.text}</p>
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  )
}

export const FoliosPage = ({ folioId }: { folioId: string | undefined }) =>
  // The id from the address bar as typed: the API client refuses one that is not a UUID, as the server would.
  folioId === undefined ? <FolioList /> : <FolioDetail id={folioId as FolioId} />
