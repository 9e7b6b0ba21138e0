// Trash: what was deleted in this workspace in the last 30 days, filtered by kind; restore puts it back where it was,
// "Delete permanently" purges it after a confirmation.
import { useState } from "preact/hooks"
import { call } from "../api"
import { ConfirmButton } from "../components/Confirm"
import { ErrorMessage, Loading, Page, Select, errorText, formatTime, useLoad } from "../components/ui"
import { href } from "../router"
import { TRASH_RETENTION_DAYS, TrashKind, type TrashItem } from "../../trash/TrashApi"

const ALL = "all kinds"
const KINDS = TrashKind.literals

const kindName = (kind: TrashKind) => kind.replace("_", " ")

/** Where a restored item shows again. */
const placeOf = (kind: TrashKind, id: string): readonly [string, string] => {
  switch (kind) {
    case "memory":
      return ["memories", "Memories"]
    case "entity":
      return [`graph/${id}`, "the entity"]
    case "edge":
      return ["graph", "Graph"]
    case "folio":
      return [`folios/${id}`, "the folio"]
    case "artifact":
      return ["artifacts", "Artifacts"]
    case "chat_session":
      return [`chat/${id}`, "the conversation"]
    case "log_entry":
      return ["today", "Today"]
  }
}

export const TrashPage = () => {
  const [kind, setKind] = useState<TrashKind | typeof ALL>(ALL)
  const trash = useLoad(() => call((api) => api.trash.list({ urlParams: kind === ALL ? {} : { kind } })), [kind])
  const [status, setStatus] = useState<{ text: string; link?: readonly [string, string] }>()
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState<string>()

  const restore = async (item: TrashItem) => {
    setBusy(item.id)
    setError(undefined)
    setStatus(undefined)
    try {
      const { restored } = await call((api) => api.trash.restore({ path: { id: item.id } }))
      setStatus({ text: `Restored ${kindName(item.kind)}: ${item.label}.`, link: placeOf(restored.kind, restored.id) })
    } catch (failure) {
      setError(errorText(failure))
    } finally {
      setBusy(undefined)
      trash.reload()
    }
  }

  const purge = async (item: TrashItem) => {
    await call((api) => api.trash.purge({ path: { id: item.id } }))
    setError(undefined)
    setStatus({ text: `Deleted permanently: ${item.label}.` })
    trash.reload()
  }

  const items = trash.data?.items
  return (
    <Page title="Trash">
      <p class="muted">
        Deleted memories, entities, edges, folios, artifacts, conversations and log entries wait here for{" "}
        {TRASH_RETENTION_DAYS} days, then the nightly purge removes them. A deleted workspace does not come here: that
        is final.
      </p>
      <div class="toolbar">
        <Select label="Show" value={kind} options={[ALL, ...KINDS]} onValue={setKind} />
      </div>
      {status === undefined ? null : (
        <p role="status">
          {status.text} {status.link === undefined ? null : <a href={href(status.link[0])}>Open {status.link[1]}</a>}
        </p>
      )}
      <ErrorMessage message={error} />
      <Loading when={trash.loading && items === undefined} />
      <ErrorMessage message={trash.error} />
      {items !== undefined && items.length === 0 ? (
        <p class="empty">{kind === ALL ? "The trash is empty." : `No ${kindName(kind)} in the trash.`}</p>
      ) : null}
      <ul class="list" aria-label="trash">
        {items?.map((item) => (
          <li key={item.id} data-trash-id={item.id}>
            <span class="chip">{kindName(item.kind)}</span> <strong>{item.label}</strong>
            <br />
            <small class="muted">
              deleted {formatTime(item.deletedAt)} by {item.deletedBy} · purged after {formatTime(item.expiresAt)}
            </small>
            <div class="toolbar">
              <button
                type="button"
                class="small"
                aria-label={`Restore ${item.label}`}
                disabled={busy === item.id}
                onClick={() => void restore(item)}
              >
                Restore
              </button>
              <ConfirmButton
                label="Delete permanently"
                ariaLabel={`Delete permanently: ${item.label}`}
                class="danger small"
                title="Delete permanently?"
                confirmLabel="Delete permanently"
                onConfirm={() => purge(item)}
              >
                <p>
                  {kindName(item.kind)} <strong>{item.label}</strong> will be gone for good: it cannot be restored
                  afterwards.
                </p>
              </ConfirmButton>
            </div>
          </li>
        ))}
      </ul>
    </Page>
  )
}
