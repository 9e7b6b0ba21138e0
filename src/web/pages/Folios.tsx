// Folios: the list with a create form; a folio's page shows its About (editable), timeline, commits and log, and can
// rename the folio or delete it (to the trash, with an undo toast). Edits are based on the revision shown, so a folio
// changed meanwhile answers 409 and nothing is overwritten.
import * as Schema from "effect/Schema"
import { useEffect, useState } from "preact/hooks"
import { call, validate } from "../api"
import { queryParam } from "../components/Found"
import { offerUndo } from "../components/Undo"
import { ErrorMessage, Field, Form, Loading, Page, TextArea, errorText, formatTime, useLoad } from "../components/ui"
import { href, navigate } from "../router"
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
  const [name, setName] = useState("")
  const [message, setMessage] = useState("")
  const [deleteError, setDeleteError] = useState<string>()
  const detail = folio.data?.folio
  useEffect(() => setAbout(detail?.about ?? ""), [detail?.about])
  useEffect(() => setName(detail?.name ?? ""), [detail?.name])
  // A search hit opens the folio with its commit marked (?commit=<id>).
  const foundCommit = queryParam("commit")
  useEffect(() => {
    if (foundCommit !== undefined) document.getElementById(`commit-${foundCommit}`)?.scrollIntoView({ block: "center" })
  }, [foundCommit, detail?.commits.length])

  const remove = async () => {
    if (detail === undefined) return
    setDeleteError(undefined)
    try {
      const { trashId } = await call((api) => api.folios.remove({ path: { id } }))
      offerUndo(`Folio deleted: ${detail.name}`, trashId, () => navigate(`folios/${id}`))
      navigate("folios")
    } catch (failure) {
      setDeleteError(errorText(failure))
    }
  }
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
              try {
                await call((api) =>
                  api.folios.update({
                    path: { id },
                    payload: { action: "update_about", content: input.value, baseRevision: detail.revision }
                  })
                )
              } finally {
                folio.reload()
              }
            }}
          >
            <TextArea label="About" value={about} onValue={setAbout} rows={5} />
          </Form>
          <Form
            label="Rename the folio"
            submitLabel="Rename folio"
            submit={async () => {
              const input = validate(FolioName, name)
              if (!input.ok) return input.message
              try {
                await call((api) =>
                  api.folios.update({ path: { id }, payload: { name: input.value, baseRevision: detail.revision } })
                )
              } finally {
                folio.reload()
              }
            }}
          >
            <Field label="New name" value={name} onValue={setName} />
          </Form>
          <p>
            <button type="button" class="danger" onClick={() => void remove()}>
              Delete folio
            </button>{" "}
            <small class="muted">
              Its commits and timeline go to the trash with it; log entries that name it stay.
            </small>
          </p>
          <ErrorMessage message={deleteError} />
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
              <li
                key={commit.id}
                id={`commit-${commit.id}`}
                class={commit.id === foundCommit ? "found" : undefined}
                aria-current={commit.id === foundCommit ? "true" : undefined}
              >
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
